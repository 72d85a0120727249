/**
 * The work of the Node peers of the many-files scenarios, once their folder is listed: every
 * file read whole, all at once, through the peer's own `read`, then written to a local folder
 * (`get`) or its headers walked in memory (the header scan).
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Outcome } from "../child-timing.js";
import { fitsHeaders } from "./fits-walk.js";
import { fileName } from "./folder-page.js";

/** Reads every one of `names` with `read` and writes it to `target` under its file name. */
export async function writeEvery(names: readonly string[], read: (name: string) => Promise<Uint8Array>, target: string): Promise<Outcome> {
  await mkdir(target, { recursive: true });
  await Promise.all(names.map(async (name) => writeFile(join(target, fileName(name)), await read(name))));
  return { note: `${names.length} files` };
}

/** Reads every one of `names` with `read` and walks its FITS headers, counting the HDUs. */
export async function scanEvery(names: readonly string[], read: (name: string) => Promise<Uint8Array>): Promise<Outcome> {
  const counts = await Promise.all(names.map(async (name) => fitsHeaders(await read(name)).length));
  return { note: `${names.length} files, ${counts.reduce((total, count) => total + count, 0)} HDUs` };
}
