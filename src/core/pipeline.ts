/**
 * The one place where a backend becomes the stack a filesystem drives. From the filesystem
 * down to the store:
 *
 * 1. {@link BlockCacheBackend} (`blockcache::`, option `blockCache`): ranged reads served from
 *    blocks kept in memory;
 * 2. {@link FileCacheBackend} (`filecache::`/`simplecache::`, option `fileCache`): whole objects
 *    kept on local disk (Node only: the copies come from the platform's local-disk hook);
 * 3. {@link RetryingBackend}: every call retried by one policy (`retry: false` leaves it out);
 * 4. {@link LimitBackend}: at most `requestConcurrency` requests in flight per host, released
 *    while a retry waits;
 * 5. {@link StatsBackend}: every request counted (each attempt, each fallback or page the
 *    backend reports), bytes received and sent, the byte budget;
 * 6. the backend itself.
 *
 * The caches sit above retry, so that what they fetch is retried, limited and counted like any
 * read, and what they serve costs no request. A chained URL names its caches in any order
 * (`blockcache::filecache::s3://...` and `filecache::blockcache::s3://...`); the stack is always
 * built in this order. Above the stack, per `open`, are the cache strategies of a
 * `ByteSource` (`first-block`, `blocks`, ...) and range planning; layers that transform content
 * (decompression) sit above too, so that stats and the budget count the bytes that really travel.
 * @module
 */
import type { Backend } from "./backend.js";
import { BlockCacheBackend } from "./cache/block-layer.js";
import { BlockStore } from "./cache/block-store.js";
import type { FileCacheOptions } from "./cache/file-cache.js";
import { FileCacheBackend } from "./cache/local-copies-layer.js";
import { DEFAULT_REQUEST_CONCURRENCY, LimitBackend } from "./limit.js";
import { localDisk } from "./local-disk.js";
import { RetryingBackend, type RetryOptions } from "./retry.js";
import { StatsBackend, TransferStats } from "./stats.js";

/** Options of the block cache layer (`blockcache::`). */
export interface BlockCacheOptions {
  /** Bytes per block (default 1 MiB). */
  blockSize?: number;
  /** Bytes of blocks kept, when the layer makes its own store (default 128 MiB). */
  capacity?: number;
  /** The store to keep blocks in (shared by every `blockcache::` URL of one capacity). */
  store?: BlockStore;
}

/** Options of {@link buildStack}. */
export interface StackOptions {
  /** How transient failures are retried; `false` leaves the retry layer out. */
  retry?: RetryOptions | false;
  /** Requests in flight per host (default 100). */
  requestConcurrency?: number;
  /** Bytes that may be received in all before reads are refused (default: no limit). */
  byteBudget?: number;
  /** Counters to use (default: new ones). */
  stats?: TransferStats;
  /** Keep the blocks of ranged reads in memory (`blockcache::`); `true` for the defaults. */
  blockCache?: BlockCacheOptions | boolean;
  /**
   * Keep whole objects on local disk, keyed by URL and version (`filecache::`); `true` for the
   * default folder. Node only.
   */
  fileCache?: FileCacheOptions | boolean;
  /** Size of the parts a download (and a file cache's copy) is read in (default 8 MiB). */
  partSize?: number;
  /** Parts of one download in flight at once (default 4). */
  partsInFlight?: number;
}

/** A backend wrapped in the layers of the pipeline, and the counters its stats layer fills. */
export interface Stack {
  /** The top of the stack. */
  backend: Backend;
  /** What the stats layer counts. */
  stats: TransferStats;
}

/** Default size of the parts a download is read in. */
export const DEFAULT_PART_SIZE = 8 * 1024 * 1024;
/** Default number of parts of one download in flight. */
export const DEFAULT_PARTS_IN_FLIGHT = 4;

/** Wraps `backend` in the layers of the pipeline, in the documented order (innermost first). */
export function buildStack(backend: Backend, options: StackOptions = {}): Stack {
  const stats = options.stats ?? new TransferStats(options.byteBudget);
  const counted = new StatsBackend(backend, stats);
  const limited = new LimitBackend(counted, options.requestConcurrency ?? DEFAULT_REQUEST_CONCURRENCY);
  let top: Backend = options.retry === false ? limited : new RetryingBackend(limited, options.retry);
  if (options.fileCache) {
    const cache = localDisk("filecache::").fileCache(options.fileCache === true ? {} : options.fileCache);
    const download = { partSize: options.partSize ?? DEFAULT_PART_SIZE, partsInFlight: options.partsInFlight ?? DEFAULT_PARTS_IN_FLIGHT };
    top = new FileCacheBackend(top, cache, download);
  }
  if (options.blockCache) {
    const blocks = options.blockCache === true ? {} : options.blockCache;
    top = new BlockCacheBackend(top, blocks.store ?? new BlockStore(blocks.capacity), blocks.blockSize);
  }
  return { backend: top, stats };
}

/** Whether the stack keeps copies of what it reads (then `open` needs no cache of its own by default). */
export function stackCaches(options: StackOptions): boolean {
  return Boolean(options.blockCache || options.fileCache);
}
