/**
 * The one place where a backend becomes the stack a filesystem drives. From the filesystem
 * down to the store:
 *
 * 1. read caches (`open`'s `cache` strategies and the `blockcache::` block store) and the local
 *    file cache (`filecache::`), chosen per open on top of the stack (see `open-source.ts`);
 * 2. {@link RetryingBackend}: every call retried by one policy (`retry: false` leaves it out);
 * 3. {@link LimitBackend}: at most `requestConcurrency` requests in flight per host, released
 *    while a retry waits;
 * 4. {@link StatsBackend}: every request counted (each attempt, each fallback or page the
 *    backend reports), bytes received and sent, the byte budget;
 * 5. the backend itself.
 *
 * Layers that transform content (decompression) sit above the stack, on what `open`/`cat`/`get`
 * return, so that stats and the budget count the bytes that really travel.
 * @module
 */
import type { Backend } from "./backend.js";
import { DEFAULT_REQUEST_CONCURRENCY, LimitBackend } from "./limit.js";
import { RetryingBackend, type RetryOptions } from "./retry.js";
import { StatsBackend, TransferStats } from "./stats.js";

/** Options of {@link buildStack}. */
export interface StackOptions {
  /** How transient failures are retried; `false` leaves the retry layer out. */
  retry?: RetryOptions | false;
  /** Requests in flight per host (default 256). */
  requestConcurrency?: number;
  /** Bytes that may be received in all before reads are refused (default: no limit). */
  byteBudget?: number;
  /** Counters to use (default: new ones). */
  stats?: TransferStats;
}

/** A backend wrapped in the layers of the pipeline, and the counters its stats layer fills. */
export interface Stack {
  /** The top of the stack. */
  backend: Backend;
  /** What the stats layer counts. */
  stats: TransferStats;
}

/** Wraps `backend` in the stats, limit and retry layers, in that order (innermost first). */
export function buildStack(backend: Backend, options: StackOptions = {}): Stack {
  const stats = options.stats ?? new TransferStats(options.byteBudget);
  const counted = new StatsBackend(backend, stats);
  const limited = new LimitBackend(counted, options.requestConcurrency ?? DEFAULT_REQUEST_CONCURRENCY);
  return { backend: options.retry === false ? limited : new RetryingBackend(limited, options.retry), stats };
}
