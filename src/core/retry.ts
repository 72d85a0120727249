/**
 * Retries for idempotent operations: exponential backoff with full jitter on throttling, 5xx,
 * resets, bodies cut short and timeouts; a per-attempt timeout and an overall deadline. One
 * policy, applied as a layer around any backend, so that no backend retries on its own.
 * @module
 */
import { setMaxListeners } from "node:events";
import type { Backend, FileInfo, HeadRead, ListOptions, ReadRangeOptions, WriteOptions } from "./backend.js";
import type { IoOptions } from "./byte-source.js";
import { AbortError, SkyfsError, TransientError } from "./errors.js";

/** How operations are retried. */
export interface RetryOptions {
  /** Attempts in all, the first included (default 5; 1 disables retries). */
  maxAttempts?: number;
  /** Base of the exponential backoff in milliseconds (default 100). */
  baseDelayMs?: number;
  /** Longest wait between two attempts in milliseconds (default 5 000). */
  maxDelayMs?: number;
  /** Time one attempt may take before it is abandoned and retried, in ms (default 60 000). */
  attemptTimeoutMs?: number;
  /** Time all attempts together may take, in ms (default: no deadline). */
  deadlineMs?: number;
  /** Called before each retry, e.g. to count or log them. */
  onRetry?: (event: RetryEvent) => void;
}

/** What {@link RetryOptions.onRetry} is told. */
export interface RetryEvent {
  /** The operation (`readRange`, `info` ...). */
  operation: string;
  /** The attempt that failed, from 1. */
  attempt: number;
  /** Milliseconds before the next attempt. */
  delayMs: number;
  /** Why it failed. */
  error: unknown;
}

const DEFAULTS = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 5000, attemptTimeoutMs: 60_000 };

/** Whether an error may pass if the operation is tried again. */
export function isRetryable(error: unknown): boolean {
  return error instanceof TransientError;
}

/**
 * Runs `operation` until it succeeds, fails with an error that is not retryable, or runs out of
 * attempts or time. Each attempt gets a signal that aborts on the caller's signal and on the
 * attempt timeout; a timed-out attempt counts as a transient failure.
 */
export async function withRetry<T>(
  name: string,
  operation: (signal: AbortSignal) => Promise<T>,
  options: RetryOptions = {},
  signal?: AbortSignal,
): Promise<T> {
  const policy = { ...DEFAULTS, ...options };
  const deadline = options.deadlineMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + options.deadlineMs;
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw new AbortError("operation aborted", { cause: signal.reason });
    const attemptController = new AbortController();
    // One attempt of a recursive listing sends many requests at once, each listening to this signal.
    setMaxListeners(0, attemptController.signal);
    let timedOutNow = false;
    const timer = setTimeout(
      () => {
        timedOutNow = true;
        attemptController.abort(new Error(`${name} timed out`));
      },
      Math.max(1, Math.min(policy.attemptTimeoutMs, deadline - Date.now())),
    );
    const forward = (): void => attemptController.abort(signal?.reason);
    signal?.addEventListener("abort", forward, { once: true });
    let failure: unknown;
    try {
      return await operation(attemptController.signal);
    } catch (error) {
      failure = timedOutNow && !signal?.aborted ? timedOut(name, error) : error;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", forward);
    }
    const delayMs = Math.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
    const outOfTime = Date.now() + delayMs >= deadline;
    if (!isRetryable(failure) || attempt >= policy.maxAttempts || outOfTime || signal?.aborted) throw failure;
    options.onRetry?.({ operation: name, attempt, delayMs, error: failure });
    await sleep(delayMs, signal);
  }
}

function timedOut(name: string, cause: unknown): TransientError {
  const url = cause instanceof SkyfsError ? cause.url : undefined;
  return new TransientError(`${name} timed out`, { url, cause });
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new AbortError("operation aborted", { cause: signal?.reason }));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * A backend whose primitives are retried by one {@link RetryOptions} policy. Writes are retried
 * too: each write sends a whole object, so sending it again is safe.
 */
export class RetryingBackend implements Backend {
  readonly protocol: string;
  readonly directories: "real" | "prefix";

  constructor(
    /** The backend whose calls are retried. */
    readonly inner: Backend,
    private readonly options: RetryOptions = {},
  ) {
    this.protocol = inner.protocol;
    this.directories = inner.directories;
    if (inner.localKey) this.localKey = (key) => inner.localKey?.(key) ?? key;
    if (inner.readHead)
      this.readHead = (path, length, io) => this.retry("readHead", io, (signal) => inner.readHead!(path, length, { ...io, signal }));
    if (inner.removeDirectory)
      this.removeDirectory = (path, io) => this.retry("removeDirectory", io, (signal) => inner.removeDirectory!(path, { signal }));
    if (inner.makeDirectory)
      this.makeDirectory = (path, io) => this.retry("makeDirectory", io, (signal) => inner.makeDirectory!(path, { signal }));
    if (inner.copyFile) this.copyFile = (from, to, io) => this.retry("copyFile", io, (signal) => inner.copyFile!(from, to, { signal }));
    if (inner.close) this.close = () => inner.close!();
  }

  localKey?: (relativeKey: string) => string;
  readHead?: (path: string, length: number, options?: IoOptions) => Promise<HeadRead>;
  removeDirectory?: (path: string, options?: IoOptions) => Promise<void>;
  makeDirectory?: (path: string, options?: IoOptions) => Promise<void>;
  copyFile?: (source: string, target: string, options?: IoOptions) => Promise<void>;
  close?: () => Promise<void>;

  stripProtocol(urlOrPath: string): string {
    return this.inner.stripProtocol(urlOrPath);
  }

  toUrl(path: string): string {
    return this.inner.toUrl(path);
  }

  info(path: string, options: IoOptions = {}): Promise<FileInfo> {
    return this.retry("info", options, (signal) => this.inner.info(path, { ...options, signal }));
  }

  list(path: string, options: ListOptions = {}): Promise<FileInfo[]> {
    return this.retry("list", options, (signal) => this.inner.list(path, { ...options, signal }));
  }

  readRange(path: string, offset: number, length: number, options: ReadRangeOptions = {}): Promise<Uint8Array> {
    return this.retry("readRange", options, (signal) => this.inner.readRange(path, offset, length, { ...options, signal }));
  }

  write(path: string, data: Uint8Array, options: WriteOptions = {}): Promise<void> {
    return this.retry("write", options, (signal) => this.inner.write(path, data, { ...options, signal }));
  }

  deleteFiles(paths: readonly string[], options: IoOptions = {}): Promise<void> {
    return this.retry("deleteFiles", options, (signal) => this.inner.deleteFiles(paths, { ...options, signal }));
  }

  private retry<T>(name: string, options: IoOptions | undefined, operation: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return withRetry(name, operation, this.options, options?.signal);
  }
}
