/**
 * Writing a downloaded object that is already whole in memory to its target in one call: no
 * temporary name, no rename. Used for small objects, where those two steps cost more than the
 * write itself.
 * @module
 */
import { unlink, writeFile } from "node:fs";

/**
 * Creates `path` holding `bytes`, with one `writeFile` that refuses an existing file. Resolves
 * `true` once written, `false` when `path` exists already (the caller then writes beside it and
 * renames, which keeps the old file until the new one is complete). When the write fails after
 * the file was created, the file is removed before the error is passed on, so no partial file is
 * left behind. Takes no signal: the write is not cancelled halfway, where it would leave a part.
 */
export function writeNewFile(path: string, bytes: Uint8Array): Promise<boolean> {
  return new Promise((resolve, reject) => {
    writeFile(path, bytes, { flag: "wx" }, (error) => {
      if (!error) return resolve(true);
      if (error.code === "EEXIST") return resolve(false);
      if (error.syscall === "open") return reject(error);
      unlink(path, () => reject(error));
    });
  });
}
