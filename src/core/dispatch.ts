/**
 * One-call helpers that take a URL, find its filesystem and act.
 * @module
 */
import type { ByteSource, IoOptions } from "./byte-source.js";
import { type StorageOptions, urlToFs } from "./registry.js";

/** Options of the URL-level helpers: the storage options plus an abort signal. */
export type UrlOptions = StorageOptions & IoOptions;

/** Opens the object at `url` for random access. */
export function open(url: string, options: UrlOptions = {}): Promise<ByteSource> {
  const { fs, path } = urlToFs(url, options);
  return fs.open(path, options);
}

/** The whole content of the object at `url`, or bytes `[start, end)` of it. */
export function cat(url: string, options: UrlOptions & { start?: number; end?: number } = {}): Promise<Uint8Array> {
  const { fs, path } = urlToFs(url, options);
  return fs.catFile(path, options.start, options.end, options);
}

/** Full URLs of the objects matching a glob pattern URL (e.g. `s3://bucket/ffi/s0012/tess_*.fits`). */
export async function glob(url: string, options: UrlOptions & { maxDepth?: number } = {}): Promise<string[]> {
  const { fs, path } = urlToFs(url, options);
  const paths = await fs.glob(path, options);
  return paths.map((found) => fs.url(found));
}
