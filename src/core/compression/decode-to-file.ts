/**
 * Decompressing an object to a local file in bounded memory (Node only).
 * @module
 */
import { open as openLocal, rename, rm } from "node:fs/promises";
import type { ByteSource } from "../byte-source.js";
import { throwIfAborted } from "../errors.js";
import type { Compression } from "./codecs.js";
import { type SequentialOptions, streamContent } from "./stream.js";

/**
 * Writes the uncompressed content of `source` to `localPath`: compressed reads one ahead,
 * decoded chunks written as they come, to a temporary name renamed when the stream has been
 * decoded and checked to its end (a damaged stream leaves no file).
 */
export async function decodeToFile(
  source: ByteSource,
  compression: Compression,
  localPath: string,
  options: SequentialOptions = {},
): Promise<void> {
  const temporary = `${localPath}.skyfs-partial-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const handle = await openLocal(temporary, "w");
  try {
    let position = 0;
    for await (const chunk of streamContent(source, compression, options)) {
      throwIfAborted(options.signal, source.url);
      await handle.write(chunk, 0, chunk.length, position);
      position += chunk.length;
    }
    await handle.close();
    await rename(temporary, localPath);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(temporary, { force: true });
    throw error;
  }
}
