/**
 * What tells one version of an object from another, for the caches that keep copies: the first
 * validator the store gives (ETag, else version, else size and modification time together).
 * @module
 */
import type { FileInfo, GetOptions } from "../backend.js";

/** The version key of an object described by `info`, or `undefined` when nothing validates it. */
export function versionKey(info: FileInfo): string | undefined {
  return keyOf(info.etag, info.version, info.size, info.mtime);
}

/**
 * The version key a pinned read names (its `ifMatch`, `version`, or `lastModified` with
 * `expectedSize`), the same as {@link versionKey} of the object it was pinned to; `undefined`
 * for a read pinned to nothing.
 */
export function pinnedVersionKey(options: GetOptions): string | undefined {
  return keyOf(options.ifMatch, options.version, options.expectedSize, options.lastModified);
}

/** The object a pinned read names, as far as the pins describe it (size -1 when not pinned). */
export function pinnedInfo(path: string, options: GetOptions): FileInfo {
  const info: FileInfo = { name: path, type: "file", size: options.expectedSize ?? -1 };
  if (options.ifMatch !== undefined) info.etag = options.ifMatch;
  if (options.version !== undefined) info.version = options.version;
  if (options.lastModified !== undefined) info.mtime = options.lastModified;
  return info;
}

function keyOf(
  etag: string | undefined,
  version: string | undefined,
  size: number | undefined,
  mtime: Date | undefined,
): string | undefined {
  if (etag) return `etag:${etag}`;
  if (version) return `version:${version}`;
  if (mtime && !Number.isNaN(mtime.getTime()) && size !== undefined && size >= 0) return `modified:${size}:${mtime.getTime()}`;
  return undefined;
}
