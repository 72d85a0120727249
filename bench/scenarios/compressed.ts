/**
 * Scenarios 6 to 8, on compressed files through the latency proxy:
 * 6. a 100 x 100 cutout from the middle of a 4096 x 4096 float32 image inside a `.fits.gz`,
 *    skyfs with a stored seek index (and without, for reference) against astropy 5.2 + fsspec;
 * 7. `info` of a ~100 MB `.fits.gz`: skyfs decodes the header blocks only, astropy its way;
 * 8. a glob for one camera-chip of one sector in a gzipped 2-million-line `aws s3 ls` manifest,
 *    skyfs (first glob, then a second one with the manifest cached) against pandas `read_fwf`
 *    + `str.match` as the TESS notebooks do it.
 */
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import { type FitsIndex, type ImageHdu, openFits, writeFits } from "../../src/fits.js";
import { DecodedCache, filesystem, glob } from "../../src/index.js";
import { buildFitsIndex } from "../../src/workflows/index.js";
import { IMAGE_SIDE } from "../fixtures.js";
import { type BenchContext, best, pythonMissing, runJson, seeded } from "../measure.js";
import type { Goal, Measurement } from "../table.js";

const gzipAsync = promisify(gzip);
const SIDE = 100;
const Y0 = IMAGE_SIDE / 2 - SIDE / 2;
const X0 = IMAGE_SIDE / 2 - SIDE / 2;
const NOISE_SIDE = 5000;
const MANIFEST_LINES = 2_000_000;
const PEER_TIMEOUT_MS = 600_000;
const CUTOUT_PEER_TIMEOUT_MS = 300_000;

/** Writes the compressed fixtures next to the others (once per run). */
async function writeCompressedFixtures(root: string): Promise<void> {
  if (!existsSync(join(root, "image.fits.gz"))) {
    await writeFile(join(root, "image.fits.gz"), await gzipAsync(await readFile(join(root, "image.fits")), { level: 6 }));
  }
  if (!existsSync(join(root, "noise.fits.gz"))) {
    const random = seeded(7);
    const pixels = Float32Array.from({ length: NOISE_SIDE * NOISE_SIDE }, () => random() * 1000);
    const fits = writeFits([
      { data: pixels, shape: [NOISE_SIDE, NOISE_SIDE], cards: [{ keyword: "ORIGIN", value: "skyfs bench", comment: "" }] },
    ]);
    await writeFile(join(root, "noise.fits.gz"), await gzipAsync(fits, { level: 1 }));
  }
  if (!existsSync(join(root, "manifest.txt.gz"))) {
    const lines: string[] = [];
    const perChip = Math.ceil(MANIFEST_LINES / (26 * 16));
    for (let sector = 1; sector <= 26 && lines.length < MANIFEST_LINES; sector++) {
      for (let camera = 1; camera <= 4; camera++) {
        for (let chip = 1; chip <= 4; chip++) {
          for (let i = 0; i < perChip && lines.length < MANIFEST_LINES; i++) {
            const s = String(sector).padStart(4, "0");
            const key = `tess/public/ffi/s${s}/${camera}-${chip}/tess-s${s}-${camera}-${chip}-${String(i).padStart(5, "0")}_ffic.fits`;
            lines.push(`2019-08-07 14:30:35 ${String(34_577_280 + i).padStart(10)} ${key}`);
          }
        }
      }
    }
    await writeFile(join(root, "manifest.txt.gz"), await gzipAsync(`${lines.join("\n")}\n`, { level: 6 }));
  }
}

/** Runs scenarios 6, 7 and 8 (those `wanted`). */
export async function compressedScenarios(
  context: BenchContext,
  wanted: (scenario: number) => boolean,
): Promise<{ rows: Measurement[]; goals: Goal[] }> {
  await writeCompressedFixtures(context.root);
  const rows: Measurement[] = [];
  const goals: Goal[] = [];
  const python = await pythonMissing(["astropy", "fsspec", "aiohttp"]);
  if (wanted(6)) await gzCutout(context, python, rows, goals);
  if (wanted(7)) await gzInfo(context, python, rows, goals);
  if (wanted(8)) await manifestGlob(context, rows, goals);
  return { rows, goals };
}

async function gzCutout(context: BenchContext, python: string | undefined, rows: Measurement[], goals: Goal[]): Promise<void> {
  const scenario = "6 .fits.gz cutout 100 x 100";
  const url = `${context.server.proxied}/image.fits.gz`;
  const { index } = await buildFitsIndex(url);
  const stored = JSON.stringify(index);
  const section: Array<[number, number]> = [
    [Y0, Y0 + SIDE],
    [X0, X0 + SIDE],
  ];
  let oursSum = 0;
  const ours = await best(context, scenario, "skyfs", async () => {
    const file = await openFits(url, { index: JSON.parse(stored) as FitsIndex, decodedCache: new DecodedCache() });
    const cut = await ((await file.hdu(1)) as ImageHdu).section(section);
    oursSum = Array.from(cut.data as Float32Array).reduce((sum, value) => sum + value, 0);
    return undefined;
  });
  const checkpoints = index.files[0]?.gzipIndex?.checkpoints.length ?? 0;
  ours.note = `with a stored index: ${(stored.length / 1024 / 1024).toFixed(1)} MiB JSON, ${checkpoints} checkpoints; sum ${oursSum.toFixed(3)}`;
  rows.push(ours);
  const fromStart = await best(
    context,
    scenario,
    "skyfs, no index",
    async () => {
      const fs = filesystem("http");
      const file = await openFits(await fs.open(url, { compression: "gzip", decodedCache: new DecodedCache() }));
      await ((await file.hdu(1)) as ImageHdu).section(section);
      await fs.close();
      return undefined;
    },
    1,
  );
  rows.push(fromStart);
  let theirs: Measurement | undefined;
  if (python) rows.push({ scenario, peer: "astropy 5.2 + fsspec", skipped: python });
  else {
    const script = join(import.meta.dirname, "..", "peers", "astropy_cutout.py");
    let theirSum = 0;
    theirs = await best(
      context,
      scenario,
      "astropy 5.2 + fsspec",
      async () => {
        const args = [script, url, "1", String(Y0), String(Y0 + SIDE), String(X0), String(X0 + SIDE)];
        const result = await runJson("/usr/bin/python3", args, CUTOUT_PEER_TIMEOUT_MS).catch(() => {
          throw new Error(`did not finish within ${CUTOUT_PEER_TIMEOUT_MS / 1000} s`);
        });
        theirSum = result.sum as number;
        return result.seconds as number;
      },
      1,
    );
    theirs.note = `sum ${theirSum.toFixed(3)}${Math.abs(theirSum - oursSum) > 1e-3 * Math.abs(oursSum) ? " (DIFFERS from skyfs)" : " (same cutout)"}`;
    rows.push(theirs);
  }
  const met =
    theirs?.seconds === undefined
      ? undefined
      : (ours.seconds as number) < (theirs.seconds as number) && (ours.bytes as number) < (theirs.bytes as number);
  goals.push({ scenario, goal: "with a stored index: fewer bytes and less time than astropy + fsspec", met });
}

async function gzInfo(context: BenchContext, python: string | undefined, rows: Measurement[], goals: Goal[]): Promise<void> {
  const scenario = "7 info of a 100 MB .fits.gz";
  const url = `${context.server.proxied}/noise.fits.gz`;
  const ours = await best(context, scenario, "skyfs", async () => {
    const file = await openFits(url, { decodedCache: new DecodedCache() });
    const info = await file.info();
    return { note: `${info.split("\n").length - 2} HDU` };
  });
  rows.push(ours);
  let theirs: Measurement | undefined;
  if (python) rows.push({ scenario, peer: "astropy 5.2 + fsspec", skipped: python });
  else {
    const script = join(import.meta.dirname, "..", "peers", "astropy_info.py");
    theirs = await best(
      context,
      scenario,
      "astropy 5.2 + fsspec",
      async () => {
        const result = await runJson("/usr/bin/python3", [script, url], PEER_TIMEOUT_MS);
        return { seconds: result.seconds as number, note: `${result.hdus} HDU` };
      },
      1,
    );
    rows.push(theirs);
  }
  const met =
    theirs?.bytes === undefined
      ? undefined
      : (ours.bytes as number) <= 128 * 1024 && (ours.bytes as number) * 100 < (theirs.bytes as number);
  goals.push({ scenario, goal: "skyfs reads the header blocks only (<= 128 KiB), under 1% of astropy's bytes", met });
}

async function manifestGlob(context: BenchContext, rows: Measurement[], goals: Goal[]): Promise<void> {
  const scenario = "8 manifest glob, 2M lines";
  const manifest = `${context.server.proxied}/manifest.txt.gz`;
  const pattern = "s3://stpubdata/tess/public/ffi/s0012/3-4/*_ffic.fits";
  const cacheDirectory = await mkdtemp(join(context.scratch, "manifest-cache-"));
  let found = 0;
  const cold = await best(
    context,
    scenario,
    "skyfs",
    async () => {
      await rm(cacheDirectory, { recursive: true, force: true });
      found = (await glob(pattern, { manifest, manifestOptions: { cacheDirectory } })).length;
      return { note: `${found} matches` };
    },
    1,
  );
  rows.push(cold);
  const warm = await best(context, scenario, "skyfs, manifest cached", async () => {
    const matches = await glob(pattern, { manifest, manifestOptions: { cacheDirectory } });
    return { note: `${matches.length} matches, ${process.memoryUsage().rss >> 20} MiB RSS` };
  });
  rows.push(warm);
  const python = await pythonMissing(["pandas"]);
  let theirs: Measurement | undefined;
  if (python) rows.push({ scenario, peer: "pandas read_fwf + str.match", skipped: python });
  else {
    const script = join(import.meta.dirname, "..", "peers", "pandas_manifest.py");
    theirs = await best(
      context,
      scenario,
      "pandas read_fwf + str.match",
      async () => {
        const result = await runJson(
          "/usr/bin/python3",
          [script, manifest, "tess/public/ffi/s0012/3-4/[^/]*_ffic\\.fits$"],
          PEER_TIMEOUT_MS,
        );
        return {
          seconds: result.seconds as number,
          note: `${result.matches} matches${result.matches === found ? "" : " (DIFFERS from skyfs)"}`,
        };
      },
      1,
    );
    rows.push(theirs);
  }
  await rm(cacheDirectory, { recursive: true, force: true });
  const met = theirs?.seconds === undefined ? undefined : (cold.seconds as number) < (theirs.seconds as number) && warm.requests === 1;
  goals.push({ scenario, goal: "faster than pandas; a second glob is one request", met });
}
