/**
 * What only a platform with local files (Node) can do, reached through one hook so that the
 * core imports nothing from `node:*`: transfers to and from local paths, the local file cache,
 * and the streaming download behind it. The Node entry points install it; in a browser it is
 * absent and every use says so with a `NotSupportedError`.
 * @module
 */
import type { FileCacheOptions, LocalFileCache } from "./cache/file-cache.js";
import type { downloadObject } from "./download.js";
import { NotSupportedError } from "./errors.js";
import type { getToLocal, putFromLocal } from "./transfers.js";

/** The local-disk operations a platform provides. */
export interface LocalDisk {
  /** Downloads remote paths to local ones (`FileSystem.get`). */
  getToLocal: typeof getToLocal;
  /** Uploads local paths (`FileSystem.put`). */
  putFromLocal: typeof putFromLocal;
  /** Streams one object into a local file (the file cache's fill). */
  downloadObject: typeof downloadObject;
  /** A cache of whole objects on local disk (`filecache::`). */
  fileCache(options: FileCacheOptions): LocalFileCache;
  /** The default folder of the local file cache. */
  defaultCacheDirectory(): string;
  /** A small UTF-8 file's text, or `undefined` when there is no such file. */
  readTextFile(path: string): Promise<string | undefined>;
  /** Writes a small UTF-8 file whole: a reader sees the old text or the new, never a part. */
  writeTextFile(path: string, text: string): Promise<void>;
}

let installed: LocalDisk | undefined;

/** Installs the platform's local-disk operations (done by the Node entry points). */
export function installLocalDisk(disk: LocalDisk): void {
  installed = disk;
}

/** Whether this platform has local files. */
export function hasLocalDisk(): boolean {
  return installed !== undefined;
}

/**
 * The platform's local-disk operations; a `NotSupportedError` naming `what` was asked when the
 * platform has none (a browser).
 */
export function localDisk(what: string): LocalDisk {
  if (!installed)
    throw new NotSupportedError(`${what} needs local files, which only Node has; in a browser use cat, open or pipe`, {
      code: "NoLocalFiles",
    });
  return installed;
}
