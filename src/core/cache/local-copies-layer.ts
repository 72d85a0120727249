/**
 * The `filecache::` layer (also `simplecache::`): whole objects kept on local disk by a
 * {@link LocalFileCache}, every read of an object that can be validated served from its copy.
 * The copies and their downloads need local files: they come from the platform's local-disk
 * hook (`local-disk.ts`, installed by the Node entry points), so this module imports nothing
 * from `node:*` and a browser asking for the layer gets a `NotSupportedError`.
 * @module
 */
import { type Backend, BackendLayer, type GetOptions, type GetResult } from "../backend.js";
import type { IoOptions } from "../byte-source.js";
import { localDisk } from "../local-disk.js";
import type { LocalFileCache } from "./file-cache.js";
import { pinnedInfo, pinnedVersionKey } from "./validators.js";

/** How the layer downloads a copy. */
export interface FileCacheDownload {
  /** Bytes per ranged read of a download. */
  partSize: number;
  /** Parts of one download in flight. */
  partsInFlight: number;
}

/**
 * A layer that reads objects through local copies. A read pinned to a version (ETag, version
 * id, or size and modification time) is served from the copy of that version, downloaded
 * (pinned to it) when absent. A read pinned to nothing first asks the store for the object's
 * description, then reads the copy of the version described. Objects the store gives no
 * validator for, descriptions and listings pass through.
 */
export class FileCacheBackend extends BackendLayer {
  constructor(
    inner: Backend,
    /** The folder of copies. */
    readonly cache: LocalFileCache,
    private readonly download: FileCacheDownload,
  ) {
    super(inner);
  }

  override async get(path: string, options: GetOptions = {}): Promise<GetResult> {
    if (options.head) return this.inner.get(path, options);
    const pinned = pinnedVersionKey(options) !== undefined && options.expectedSize !== undefined;
    if (!pinned && hasPin(options)) return this.inner.get(path, options);
    const info = pinned ? pinnedInfo(path, options) : (await this.inner.get(path, { ...options, head: true, range: undefined })).info;
    if (info.type !== "file" || !this.cache.accepts(info)) return this.inner.get(path, options);
    const copy = await this.cache.source(this.toUrl(path), info, (local) =>
      localDisk("filecache::").downloadObject(this.inner, info, true, local, { ...this.download, signal: options.signal }),
    );
    const offset = options.range?.offset ?? 0;
    const bytes = await copy.read(offset, options.range?.length ?? Math.max(0, info.size - offset), options as IoOptions);
    return { info, bytes };
  }
}

/** Whether a read names any part of a version (a pin this layer cannot turn into a copy's key is left to the store). */
function hasPin(options: GetOptions): boolean {
  return (
    options.ifMatch !== undefined ||
    options.version !== undefined ||
    options.lastModified !== undefined ||
    options.expectedSize !== undefined
  );
}
