/**
 * skyfs's side of the interleaved scenarios, one operation per fresh process. Prints one JSON
 * line: the wall and CPU seconds of the operation alone (imports, process start and creating the
 * filesystem excluded, as for the other contenders; the connections the operation opens are
 * timed), a note, and for cutouts the sum of the values read (compared with the peers').
 *
 * Modes:
 *   get <folder url> <local folder>                  recursive `get` of a folder, defaults
 *   scan <folder url>                                `buildFitsIndex` of a folder of FITS files (headers only), defaults
 *   cat-ranges <url> <ranges.json> [in flight]       `catRanges` of [[offset, length], ...] of one object
 *   read-many <url> <ranges.json> [in flight]        `open` (no cache) then `readMany` of the same
 *   pending-heap <url> <ranges.json>                 heap held per pending read of a `readMany` (not a timing)
 *   section <fits|asdf> <url> <y0> <y1> <x0> <x1>    `openFits` + `section` of HDU 1, or `AsdfFile.open` + `section` of roman/data
 *   tess-cutout <url> <ra> <dec> <side>              `tessCutout` of a TESS cube
 *   cat-loop <urls.json>                             top-level `cat(url)` of each URL of a list, one after another
 *   gz-section <url> <index.json | none> <y0> <y1> <x0> <x1>
 *                                                    `section` of HDU 1 of a `.fits.gz`, with a stored seek index or decoding from the start
 *   gz-info <url>                                    `info` of a `.fits.gz`
 *   manifest-glob <pattern> <manifest url> <cache folder>
 *                                                    `glob` over a gzipped `aws s3 ls` manifest kept in a cache folder
 * `[in flight]` sets `requestConcurrency` and `connections`; without it, the defaults.
 */
import { AsdfFile } from "../src/asdf.js";
import { type FitsIndex, type ImageHdu, openFits, openFitsSource } from "../src/fits.js";
import { cat, clearInstanceCache, DecodedCache, filesystem, glob } from "../src/index.js";
import { buildFitsIndex, tessCutout } from "../src/workflows/index.js";
import { type Outcome, readJson, readRanges, timed } from "./child-timing.js";

const [mode, ...args] = process.argv.slice(2);

function httpFilesystem(inFlight: string | undefined): ReturnType<typeof filesystem> {
  const limit = inFlight === undefined ? undefined : Number(inFlight);
  return filesystem("http", limit === undefined ? {} : { requestConcurrency: limit, connections: limit });
}

function checkLengths(out: readonly Uint8Array[], ranges: ReadonlyArray<{ length: number }>): Outcome {
  if (out.some((bytes, i) => bytes.length !== ranges[i]?.length)) throw new Error("skyfs: short read");
  return {};
}

function sum(values: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i] as number;
  return total;
}

if (mode === "get") {
  const [url, target] = args as [string, string];
  const fs = filesystem("http");
  await timed(async () => {
    await fs.get(url, target, { recursive: true });
    return {};
  });
  await fs.close();
} else if (mode === "scan") {
  const [url] = args as [string];
  await timed(async () => {
    const { index, fs, skipped } = await buildFitsIndex(url);
    const hdus = index.files.reduce((total, file) => total + file.hdus.length, 0);
    await fs.close();
    return { note: `${index.files.length} files, ${hdus} HDUs${skipped.length > 0 ? `, ${skipped.length} skipped` : ""}` };
  });
} else if (mode === "cat-ranges" || mode === "read-many") {
  const [url, file, inFlight] = args as [string, string, string | undefined];
  const ranges = await readRanges(file);
  const fs = httpFilesystem(inFlight);
  await timed(async () => {
    if (mode === "read-many") return checkLengths(await (await fs.open(url, { cache: "none" })).readMany(ranges), ranges);
    const out = await fs.catRanges(
      ranges.map(() => url),
      ranges.map(({ offset }) => offset),
      ranges.map(({ offset, length }) => offset + length),
    );
    return checkLengths(out, ranges);
  });
  await fs.close();
} else if (mode === "pending-heap") {
  const [url, file] = args as [string, string];
  const ranges = await readRanges(file);
  const fs = filesystem("http");
  const source = await fs.open(url, { cache: "none" });
  await timed(async () => {
    const before = process.memoryUsage().heapUsed;
    const pending = source.readMany(ranges);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const perRead = (process.memoryUsage().heapUsed - before) / ranges.length;
    await pending;
    return { note: `heap per pending read ~${(perRead / 1024).toFixed(1)} KiB` };
  });
  await fs.close();
} else if (mode === "section") {
  const [format, url, ...bounds] = args as [string, string, ...string[]];
  const [y0, y1, x0, x1] = bounds.map(Number) as [number, number, number, number];
  const box: Array<[number, number]> = [
    [y0, y1],
    [x0, x1],
  ];
  const fs = filesystem("http");
  await timed(async () => {
    const source = await fs.open(url);
    const cut =
      format === "asdf"
        ? await (await AsdfFile.open(source)).array("roman/data").section(box)
        : await ((await openFitsSource(source).hdu(1)) as ImageHdu).section(box);
    return { sum: sum(cut.data as Float32Array) };
  });
  await fs.close();
} else if (mode === "tess-cutout") {
  const [url, ra, dec, side] = args as [string, string, string, string];
  const fs = filesystem("http");
  await timed(async () => {
    const cutout = await tessCutout(await fs.open(url), { ra: Number(ra), dec: Number(dec) }, Number(side));
    return { sum: sum(cutout.flux), note: `origin ${cutout.origin.join(", ")}` };
  });
  await fs.close();
} else if (mode === "cat-loop") {
  const [file] = args as [string];
  const urls = await readJson<string[]>(file);
  await timed(async () => {
    let bytes = 0;
    for (const url of urls) bytes += (await cat(url)).length;
    return { note: `${bytes} bytes` };
  });
  await clearInstanceCache();
} else if (mode === "gz-section") {
  const [url, indexFile, ...bounds] = args as [string, string, ...string[]];
  const [y0, y1, x0, x1] = bounds.map(Number) as [number, number, number, number];
  const index = indexFile === "none" ? undefined : await readJson<FitsIndex>(indexFile);
  const fs = filesystem("http");
  await timed(async () => {
    const decodedCache = new DecodedCache();
    const file = index
      ? await openFits(url, { index, decodedCache })
      : openFitsSource(await fs.open(url, { compression: "gzip", decodedCache }));
    const cut = await ((await file.hdu(1)) as ImageHdu).section([
      [y0, y1],
      [x0, x1],
    ]);
    return { sum: sum(cut.data as Float32Array) };
  });
  await fs.close();
  await clearInstanceCache();
} else if (mode === "gz-info") {
  const [url] = args as [string];
  await timed(async () => {
    const info = await (await openFits(url, { decodedCache: new DecodedCache() })).info();
    return { note: `${info.split("\n").length - 2} HDU` };
  });
  await clearInstanceCache();
} else if (mode === "manifest-glob") {
  const [pattern, manifest, cacheDirectory] = args as [string, string, string];
  await timed(async () => {
    const matches = await glob(pattern, { manifest, manifestOptions: { cacheDirectory } });
    return { note: `${matches.length} matches, ${process.memoryUsage().rss >> 20} MiB RSS` };
  });
  await clearInstanceCache();
} else {
  throw new Error(`unknown mode ${mode}`);
}
