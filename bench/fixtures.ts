/**
 * The files the benchmark serves: a 1 GiB object, 2,000 objects of 10 KiB, a 64 MiB FITS file
 * whose second HDU is a 4096 x 4096 float32 image, and an ASDF file holding the same image as
 * `roman/data`.
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
