/**
 * The files the benchmark serves: a 1 GiB object, 2,000 objects of 10 KiB, 500 small FITS files
 * for the header scan, a 64 MiB FITS file whose second HDU is a 4096 x 4096 float32 image, and an
 * ASDF file holding the same image as `roman/data`.
 */
import { mkdir, open, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { writeAsdf } from "../src/asdf.js";
import { writeFits } from "../src/fits.js";

/** Sizes of the fixtures. */
export const BIG_SIZE = 1024 * 1024 * 1024;
/** Number of small objects. */
export const SMALL_COUNT = 2000;
/** Size of each small object. */
export const SMALL_SIZE = 10 * 1024;
/** Side of the FITS image. */
export const IMAGE_SIDE = 4096;
/** Number of FITS files of the header scan. */
export const SCAN_COUNT = 500;

/**
 * One file of the header scan, 66,240 bytes: a primary header with instrument keywords, an
 * 18-block image, then an extension whose header starts at byte 54,720 (a first try of 4 header
 * blocks there would cross the 64 KiB head), with 3 blocks of data.
 */
function scanFile(i: number): Uint8Array {
  const keywords: Array<[string, string | number]> = [
    ["TELESCOP", "BENCH"],
    ["INSTRUME", "SCANNER"],
    ["OBJECT", `field ${i}`],
    ["EXPTIME", 300 + i],
    ["DATE-OBS", "2026-01-01T00:00:00"],
    ["RA_TARG", (i * 0.7) % 360],
    ["DEC_TARG", ((i * 0.3) % 180) - 90],
  ];
  const cards = keywords.map(([keyword, value]) => ({ keyword, value, comment: "" }));
  return writeFits([
    { data: new Float32Array((18 * 2880) / 4).fill(i), cards },
    { data: new Float32Array((3 * 2880) / 4).fill(-i), name: "SCI", cards },
  ]);
}

/** Writes every fixture below `root`. */
export async function writeFixtures(root: string): Promise<void> {
  const chunk = new Uint8Array(8 * 1024 * 1024);
  for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 2654435761) >>> 24;
  const big = await open(join(root, "big.bin"), "w");
  for (let offset = 0; offset < BIG_SIZE; offset += chunk.length) {
    chunk[0] = offset / chunk.length;
    await big.write(chunk, 0, chunk.length, offset);
  }
  await big.close();
  await mkdir(join(root, "small"), { recursive: true });
  const body = new Uint8Array(SMALL_SIZE);
  for (let i = 0; i < SMALL_COUNT; i++) {
    body.fill(i & 255);
    await writeFile(join(root, "small", `obj${String(i).padStart(5, "0")}.bin`), body);
  }
  await mkdir(join(root, "scan"), { recursive: true });
  for (let i = 0; i < SCAN_COUNT; i++) await writeFile(join(root, "scan", `scan${String(i).padStart(4, "0")}.fits`), scanFile(i));
  const pixels = new Float32Array(IMAGE_SIDE * IMAGE_SIDE);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i % IMAGE_SIDE) + Math.floor(i / IMAGE_SIDE) * 0.001;
  await writeFile(
    join(root, "image.fits"),
    writeFits([
      { cards: [{ keyword: "ORIGIN", value: "skyfs bench", comment: "" }] },
      { data: pixels, shape: [IMAGE_SIDE, IMAGE_SIDE], name: "SCI" },
    ]),
  );
  await writeFile(
    join(root, "image.asdf"),
    writeAsdf({ roman: { meta: { origin: "skyfs bench" }, data: { data: pixels, shape: [IMAGE_SIDE, IMAGE_SIDE] } } }),
  );
}
