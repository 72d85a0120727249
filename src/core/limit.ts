/**
 * The per-host concurrency limit as a layer: every get and listing of one host (one bucket, one
 * origin) waits for one of `limit` slots, whoever sends it (reads, downloads, globs).
 * @module
 */
import { type Backend, BackendLayer, type FileInfo, type GetOptions, type GetResult, type ListOptions } from "./backend.js";
import { Semaphore } from "./concurrency.js";

/**
 * Default number of requests in flight per host: aiohttp's (under fsspec) default too. A cutout of
 * 100 rows goes out in one wave; more at once measured slower from a fresh process (each new
 * connection costs its setup, and over TLS a handshake): docs/performance.md.
 */
export const DEFAULT_REQUEST_CONCURRENCY = 100;

/** A layer that keeps at most `limit` requests in flight per host. */
export class LimitBackend extends BackendLayer {
  private readonly limiters = new Map<string, Semaphore>();
  /** The path asked for last and its limiter: reads of one object skip the host lookup. */
  private lastPath: string | undefined;
  private lastLimiter: Semaphore | undefined;

  constructor(
    inner: Backend,
    /** Requests in flight per host. */
    readonly limit: number = DEFAULT_REQUEST_CONCURRENCY,
  ) {
    super(inner);
  }

  override get(path: string, options?: GetOptions): Promise<GetResult> {
    return this.limiterFor(path).run(() => this.inner.get(path, options));
  }

  override list(path: string, options?: ListOptions): Promise<FileInfo[]> {
    return this.limiterFor(path).run(() => this.inner.list(path, options));
  }

  private limiterFor(path: string): Semaphore {
    if (path === this.lastPath && this.lastLimiter) return this.lastLimiter;
    const host = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(this.inner.toUrl(path))?.[1] ?? "";
    let limiter = this.limiters.get(host);
    if (!limiter) {
      limiter = new Semaphore(this.limit);
      this.limiters.set(host, limiter);
    }
    this.lastPath = path;
    this.lastLimiter = limiter;
    return limiter;
  }
}
