/**
 * Opening an object: which reads describe it, and which of `open`'s cache strategies sits on
 * the source. Also the whole-object read of `cat`. (The `blockcache::` and `filecache::` caches
 * are layers of the stack below; see `pipeline.ts`.)
 * @module
 */
import type { Backend, FileInfo } from "./backend.js";
import { BackendByteSource } from "./backend-source.js";
import type { ByteSource, IoOptions } from "./byte-source.js";
import type { BlockStore } from "./cache/block-store.js";
import { type CacheOptions, cachedSource, DEFAULT_CACHE, DEFAULT_HEAD_SIZE } from "./cache/strategy.js";
import { IsADirectoryError } from "./errors.js";
import type { RangePlanOptions } from "./range-plan.js";
import { describe, readHead } from "./reads.js";

/** What opening needs from its filesystem. */
export interface OpenContext {
  /** The top of the filesystem's stack. */
  backend: Backend;
  /** The blocks of the `blocks` strategy. */
  blockStore: BlockStore;
  /** The filesystem's default cache options. */
  cacheDefaults: CacheOptions | undefined;
  /** How `readMany` plans. */
  planning: RangePlanOptions;
}

/**
 * Opens `path` for random access, cached as `options` (or the context's defaults) choose. With
 * the default `first-block` strategy, the request that describes the object also brings its
 * head. Throws {@link IsADirectoryError} on a directory.
 */
export async function openSource(context: OpenContext, path: string, options: IoOptions & CacheOptions): Promise<ByteSource> {
  const cache = { ...context.cacheDefaults, ...definedOnly(options) };
  const strategy = cache.cache ?? DEFAULT_CACHE;
  let info: FileInfo;
  let head: Uint8Array | undefined;
  if (strategy === "first-block") {
    ({ info, head } = await readHead(context.backend, path, cache.headSize ?? DEFAULT_HEAD_SIZE, options));
  } else {
    info = await describe(context.backend, path, options);
  }
  if (info.type === "directory") throw new IsADirectoryError("cannot open a directory", { url: context.backend.toUrl(path) });
  return cachedSource(new BackendByteSource(context.backend, path, info, context.planning), cache, context.blockStore, head);
}

/**
 * A whole object: one request that describes it and brings its first bytes (no separate
 * description), then the rest, if any, pinned to the ETag seen.
 */
export async function readWhole(context: OpenContext, path: string, options: IoOptions): Promise<Uint8Array> {
  const { info, head } = await readHead(context.backend, path, DEFAULT_HEAD_SIZE, options);
  if (info.type === "directory") throw new IsADirectoryError("cannot read a directory", { url: context.backend.toUrl(path) });
  if (head.length >= info.size) return head;
  const rest = await new BackendByteSource(context.backend, path, info, context.planning).read(
    head.length,
    info.size - head.length,
    options,
  );
  const whole = new Uint8Array(info.size);
  whole.set(head);
  whole.set(rest, head.length);
  return whole;
}

function definedOnly(options: CacheOptions): CacheOptions {
  const picked: CacheOptions = {};
  if (options.cache !== undefined) picked.cache = options.cache;
  if (options.blockSize !== undefined) picked.blockSize = options.blockSize;
  if (options.headSize !== undefined) picked.headSize = options.headSize;
  return picked;
}
