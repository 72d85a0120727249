/**
 * The skyfs demo: starts a local S3 server on 127.0.0.1 (no network, no account), fills a
 * bucket laid out like the public archives with files skyfs writes itself, then walks the
 * archive workflow, printing the requests and bytes each step cost.
 */
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AsdfFile, type NdArray } from "../src/asdf.js";
import { openFitsSource, writeFits } from "../src/fits.js";
import { type FileSystem, filesystem } from "../src/index.js";
import { cutoutFits } from "../src/workflows/cutout.js";
import { buildFitsIndex } from "../src/workflows/fits-index.js";
import { renderPreview } from "../src/workflows/preview.js";
import { bytesOf, TREE_START, writeAsdf } from "../test/asdf/asdf-writer.js";
import { startS3rver } from "../test/servers/s3-servers.js";

const BUCKET = "stpubdata";
const DRZ = "hst/public/jbev/jbeveo010/jbeveo010_drz.fits";
const SECTOR = "tess/public/ffi/s0012/2019/143";
const CUBE = "tess/public/mast/tess-s0012-3-4-cube.fits";
const ROMAN = "roman/public/r0000101001001001001_0001_wfi01_cal.asdf";

/** A smooth sky with a few stars, so previews and cutouts show something. */
function sky(ny: number, nx: number, seed: number): Float32Array {
  const pixels = new Float32Array(ny * nx);
  const stars = Array.from({ length: 40 }, (_, i) => [
    ((i * 7919 + seed * 104_729) % ny) + 0.5,
    ((i * 6151 + seed * 1_299_709) % nx) + 0.5,
    500 + ((i * 37) % 2000),
  ]);
  for (let y = 0; y < ny; y++) {
    for (let x = 0; x < nx; x++) {
      let value = 100 + 0.01 * x + 0.02 * y;
      for (const [sy, sx, flux] of stars as number[][])
        value += (flux as number) * Math.exp(-(((y - (sy as number)) ** 2 + (x - (sx as number)) ** 2) / 4));
      pixels[y * nx + x] = value;
    }
  }
  return pixels;
}

function wcsCards(ny: number, nx: number): Array<{ keyword: string; value: string | number; comment: string }> {
  return [
    { keyword: "CTYPE1", value: "RA---TAN", comment: "" },
    { keyword: "CTYPE2", value: "DEC--TAN", comment: "" },
    { keyword: "CRPIX1", value: nx / 2 + 0.5, comment: "reference pixel" },
    { keyword: "CRPIX2", value: ny / 2 + 0.5, comment: "reference pixel" },
    { keyword: "CRVAL1", value: 10.684708, comment: "" },
    { keyword: "CRVAL2", value: 41.26875, comment: "" },
    { keyword: "CD1_1", value: -1.1e-5, comment: "" },
    { keyword: "CD2_2", value: 1.1e-5, comment: "" },
  ];
}

/** Writes the archive's files into the bucket through an authenticated filesystem. */
async function fillArchive(writer: FileSystem): Promise<void> {
  const side = 512;
  await writer.pipe(
    `${BUCKET}/${ROMAN}`,
    writeAsdf(
      `${TREE_START}roman: !roman/wfi_image-1.0.0
  meta:
    exposure: {exposure_time: 139.8, start_time: !time/time-1.1.0 '2026-01-01T00:00:00', ma_table_name: C2A_IMAGE_001}
    instrument: {name: WFI, detector: WFI01, optical_element: F158}
  data: !core/ndarray-1.0.0 {source: 0, datatype: float32, byteorder: little, shape: [${side}, ${side}]}
  dq: !core/ndarray-1.0.0 {source: 1, datatype: uint32, byteorder: little, shape: [${side}, ${side}]}
...
`,
      [{ data: bytesOf(sky(side, side, 9), "float32", "little") }, { data: new Uint8Array(side * side * 4), compression: "zlib" }],
    ),
  );
  const ny = 1024;
  const nx = 1024;
  await writer.pipe(
    `${BUCKET}/${DRZ}`,
    writeFits([
      {
        cards: [
          { keyword: "TELESCOP", value: "HST", comment: "" },
          { keyword: "INSTRUME", value: "ACS", comment: "" },
        ],
      },
      { data: sky(ny, nx, 1), shape: [ny, nx], name: "SCI", cards: wcsCards(ny, nx) },
      { data: new Float32Array(ny * nx).fill(1), shape: [ny, nx], name: "WHT" },
      { data: new Int32Array(ny * nx).fill(1), shape: [ny, nx], name: "CTX" },
    ]),
  );
  for (const camera of [1, 2, 3, 4]) {
    for (const ccd of [1, 2, 3, 4]) {
      await writer.pipe(`${BUCKET}/${SECTOR}/${camera}-${ccd}/`, "");
      const name = `${SECTOR}/${camera}-${ccd}/tess2019143${camera}${ccd}0000-s0012-${camera}-${ccd}-0144-s_ffic.fits`;
      await writer.pipe(
        `${BUCKET}/${name}`,
        writeFits([
          {
            cards: [
              { keyword: "CAMERA", value: camera, comment: "" },
              { keyword: "CCD", value: ccd, comment: "" },
            ],
          },
          { data: sky(256, 256, camera * 4 + ccd), shape: [256, 256], name: "CAMERA.CCD", cards: wcsCards(256, 256) },
        ]),
      );
    }
  }
  for (const marker of [
    "tess/",
    "tess/public/",
    "tess/public/ffi/",
    "tess/public/ffi/s0012/",
    "tess/public/ffi/s0012/2019/",
    `${SECTOR}/`,
  ]) {
    await writer.pipe(`${BUCKET}/${marker}`, "");
  }
  const frames = 40;
  const cube = new Float32Array(frames * 32 * 32 * 2);
  for (let i = 0; i < cube.length; i++) cube[i] = (i % 2 === 0 ? 100 : 1) + (i % 97);
  await writer.pipe(
    `${BUCKET}/${CUBE}`,
    writeFits([
      { cards: [{ keyword: "SECTOR", value: 12, comment: "" }] },
      { data: cube, shape: [32, 32, frames, 2], name: "CUBE" },
      {
        kind: "table",
        rows: frames,
        name: "TIMES",
        columns: [{ name: "TSTART", data: Float64Array.from({ length: frames }, (_, i) => 1600 + i / 48) }],
      },
    ]),
  );
}

function cost(fs: FileSystem): string {
  const stats = fs.stats();
  const kinds = Object.entries(stats.requests)
    .filter(([, count]) => count > 0)
    .map(([kind, count]) => `${kind} ${count}`)
    .join(", ");
  fs.resetStats();
  return `   [${stats.totalRequests} requests (${kinds || "none"}), ${stats.bytesReceived.toLocaleString("en")} bytes received]`;
}

async function main(): Promise<void> {
  // The AWS SDK's eight-line notice about its future Node versions (README, "Node versions").
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const out = await mkdtemp(join(tmpdir(), "skyfs-demo-"));
  const server = await startS3rver([BUCKET]);
  const writer = filesystem("s3", { endpoint: server.endpoint, credentials: server.credentials });
  const fs = filesystem("s3", { endpoint: server.endpoint, anon: true });
  const step = (title: string): void => console.log(`\n== ${title}`);
  try {
    step(`a local S3 server at ${server.endpoint}, bucket s3://${BUCKET} laid out like the archive`);
    await fillArchive(writer);
    console.log(`   wrote ${(await writer.find(BUCKET)).length} objects`);

    step("anonymous glob of the full-frame images of camera 3, CCD 4 (no credentials at all)");
    const images = await fs.glob(`${BUCKET}/tess/public/ffi/s0012/*/*/3-4/*_ffic.fits`);
    for (const image of images) console.log(`   s3://${image}`);
    console.log(cost(fs));

    step("info of the drizzled image: headers only");
    const drz = openFitsSource(await fs.open(`${BUCKET}/${DRZ}`));
    console.log((await drz.info()).replace(/^/gm, "   "));
    console.log(cost(fs));

    step("a 100 x 100 cutout around the reference pixel, written as FITS with its WCS");
    const sci = await drz.imageHdu("SCI");
    const cutout = await cutoutFits(sci, [
      [462, 562],
      [462, 562],
    ]);
    await writeFile(join(out, "cutout.fits"), cutout.fits);
    console.log(`   ${join(out, "cutout.fits")}: shape (${cutout.shape.join(", ")}), ${cutout.fits.length} bytes`);
    console.log(cost(fs));

    step("a PNG preview of the SCI image (1st-99th percentile stretch)");
    const whole = await sci.data();
    const preview = renderPreview(whole.data, whole.shape, { maxSize: 512 });
    await writeFile(join(out, "preview.png"), preview.png);
    console.log(
      `   ${join(out, "preview.png")}: ${preview.width} x ${preview.height}, stretch ${preview.low.toFixed(1)} .. ${preview.high.toFixed(1)}`,
    );
    console.log(cost(fs));

    step("header scan of the cube: every HDU's header, no data");
    const cube = openFitsSource(await fs.open(`${BUCKET}/${CUBE}`));
    for (const hdu of await cube.hdus()) {
      console.log(
        `   HDU ${hdu.index} ${hdu.name.padEnd(8)} ${hdu.type.padEnd(12)} ${hdu.header.cards.length} cards, data ${hdu.layout.dataSize.toLocaleString("en")} bytes at ${hdu.layout.dataOffset}`,
      );
    }
    console.log(cost(fs));

    step("a Roman-like ASDF file: the metadata from its head and tail, then one array's block");
    const roman = await AsdfFile.open(await fs.open(`${BUCKET}/${ROMAN}`));
    console.log(
      `   roman/meta/exposure: ${JSON.stringify((roman.toJSON() as { roman: { value: { meta: { exposure: unknown } } } }).roman.value.meta.exposure)}`,
    );
    console.log(cost(fs));
    const romanData = await ((roman.get("roman") as { value: Record<string, unknown> }).value.data as NdArray).read();
    console.log(
      `   roman/data: ${romanData.dtype} (${romanData.shape.join(", ")}), first value ${(romanData.data as Float32Array)[0]?.toFixed(2)}`,
    );
    console.log(cost(fs));

    step("a cloud index of the sector's images, stored next to the data");
    const { index, fs: indexer } = await buildFitsIndex(`s3://${BUCKET}/tess/public/ffi/s0012/*/*/*/*_ffic.fits`, {
      storage: { endpoint: server.endpoint, anon: true },
    });
    await writer.pipe(`${BUCKET}/tess/public/ffi/s0012/index.json`, JSON.stringify(index));
    console.log(`   ${index.files.length} files, ${index.files.reduce((sum, file) => sum + file.hdus.length, 0)} HDUs indexed`);
    console.log(`   [${indexer.stats().totalRequests} requests, ${indexer.stats().bytesReceived.toLocaleString("en")} bytes received]`);

    step("a section read through the index: no header requests");
    const stored = JSON.parse(new TextDecoder().decode(await fs.cat(`${BUCKET}/tess/public/ffi/s0012/index.json`)));
    fs.resetStats();
    const target = images[0] as string;
    const indexed = openFitsSource(await fs.open(target, { cache: "none" }), { index: stored });
    const section = await (await indexed.imageHdu(1)).section([
      [100, 110],
      [100, 110],
    ]);
    console.log(
      `   s3://${target} HDU 1 [100:110, 100:110]: mean ${(Array.from(section.data as Float32Array).reduce((a, b) => a + b, 0) / 100).toFixed(2)}`,
    );
    console.log(cost(fs));
    console.log(`\nfiles written to ${out}`);
    console.log(`the preview is ${(await readFile(join(out, "preview.png"))).length} bytes of PNG`);
  } finally {
    await fs.close();
    await writer.close();
    await server.close();
  }
}

await main();
