/**
 * One-call helpers that take a URL, find its filesystem and act.
 * @module
 */
import type { ByteSource, IoOptions } from "./byte-source.js";
import type { CompressionOptions } from "./compression/layer.js";
import { globManifest, type ManifestGlobOptions } from "./manifest.js";
import { type StorageOptions, urlToFs } from "./registry.js";

/** Options of the URL-level helpers: the storage options plus an abort signal. */
export type UrlOptions = StorageOptions & IoOptions;

/** Opens the object at `url` for random access (decompressed with `compression`). */
export async function open(url: string, options: UrlOptions & CompressionOptions = {}): Promise<ByteSource> {
  const { fs, path } = urlToFs(url, options);
  return fs.open(path, options);
}

/** The whole content of the object at `url`, or bytes `[start, end)` of it (of the decompressed bytes with `compression`). */
export async function cat(
  url: string,
  options: UrlOptions & CompressionOptions & { start?: number; end?: number } = {},
): Promise<Uint8Array> {
  const { fs, path } = urlToFs(url, options);
  return fs.catFile(path, options.start, options.end, options);
}

/** Options of {@link glob}. */
export type UrlGlobOptions = UrlOptions & {
  /** Limits how deep `**` descends. */
  maxDepth?: number;
  /** Answer from this manifest (a listing file, compressed or not) instead of listing the store. */
  manifest?: string;
  /** Options of the manifest glob (key root, local copy folder, the manifest's storage options). */
  manifestOptions?: Omit<ManifestGlobOptions, "signal">;
};

/**
 * Full URLs of the objects matching a glob pattern URL (e.g. `s3://bucket/ffi/s0012/tess_*.fits`).
 * With `manifest`, the store is not listed: the manifest's lines are matched as they stream in.
 */
export async function glob(url: string, options: UrlGlobOptions = {}): Promise<string[]> {
  if (options.manifest !== undefined) {
    return globManifest(url, options.manifest, { storage: options, ...options.manifestOptions, signal: options.signal });
  }
  const { fs, path } = urlToFs(url, options);
  const paths = await fs.glob(path, options);
  return paths.map((found) => fs.url(found));
}
