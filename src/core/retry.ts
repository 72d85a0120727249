/**
 * Retries for idempotent operations: exponential backoff with full jitter on throttling, 5xx,
 * resets, bodies cut short and timeouts; a per-attempt timeout and an overall deadline. One
 * policy, applied as a layer around any backend, so that no backend retries on its own.
 * @module
 */
import {
  type Backend,
  BackendLayer,
  type BackendWriter,
  type ByteSink,
  type FileInfo,
  type GetOptions,
  type GetResult,
  type ListOptions,
  type RequestOptions,
} from "./backend.js";
import { AbortError, SkyfsError, TransientError } from "./errors.js";
import { allowManyListeners, watchAbort } from "./signal-listeners.js";

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
  /** The operation (`get`, `info`, `list`, `write` ...). */
  operation: string;
  /** The attempt that failed, from 1. */
  attempt: number;
  /** Milliseconds before the next attempt. */
  delayMs: number;
  /** Why it failed. */
  error: unknown;
}

const DEFAULTS = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 5000, attemptTimeoutMs: 60_000 };

/** A policy with every default filled in, and the clock that times its attempts. */
interface Policy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  attemptTimeoutMs: number;
  deadlineMs: number | undefined;
  onRetry: ((event: RetryEvent) => void) | undefined;
  /** Times attempts by shared windows under the default timeout (see {@link SharedAttemptClock}). */
  shared: SharedAttemptClock | undefined;
}

function policyOf(options: RetryOptions): Policy {
  const explicit = options.attemptTimeoutMs !== undefined || options.deadlineMs !== undefined;
  return {
    maxAttempts: options.maxAttempts ?? DEFAULTS.maxAttempts,
    baseDelayMs: options.baseDelayMs ?? DEFAULTS.baseDelayMs,
    maxDelayMs: options.maxDelayMs ?? DEFAULTS.maxDelayMs,
    attemptTimeoutMs: options.attemptTimeoutMs ?? DEFAULTS.attemptTimeoutMs,
    deadlineMs: options.deadlineMs,
    onRetry: options.onRetry,
    shared: explicit ? undefined : defaultClock(),
  };
}

/** Whether an error may pass if the operation is tried again. */
export function isRetryable(error: unknown): boolean {
  return error instanceof TransientError;
}

/**
 * Runs `operation` until it succeeds, fails with an error that is not retryable, or runs out of
 * attempts or time. Each attempt gets a signal that aborts on the caller's signal and on the
 * attempt timeout; a timed-out attempt counts as a transient failure.
 *
 * An attempt timeout or deadline given in `options` is exact: each attempt has its own timer.
 * The default guard (60 s) costs no timer, controller or listener per attempt: one timer watches
 * the attempts started within the same second and aborts those still running 60 s after that
 * second ends, and the attempts of that second under the same caller's signal share one signal.
 */
export function withRetry<T>(
  name: string,
  operation: (signal: AbortSignal) => Promise<T>,
  options: RetryOptions = {},
  signal?: AbortSignal,
): Promise<T> {
  return retryUnder(policyOf(options), name, operation, signal);
}

async function retryUnder<T>(
  policy: Policy,
  name: string,
  operation: (signal: AbortSignal) => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  const deadline = policy.deadlineMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + policy.deadlineMs;
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw new AbortError("operation aborted", { cause: signal.reason });
    let failure: unknown;
    if (policy.shared) {
      const window = policy.shared.window();
      const group = window.start(signal);
      try {
        return await operation(group.controller.signal);
      } catch (error) {
        failure = group.expired && !signal?.aborted ? timedOut(name, error) : error;
      } finally {
        window.end(group);
      }
    } else {
      const attemptController = new AbortController();
      let timedOutNow = false;
      const timer = setTimeout(
        () => {
          timedOutNow = true;
          attemptController.abort(new Error(`${name} timed out`));
        },
        Math.max(1, Math.min(policy.attemptTimeoutMs, deadline - Date.now())),
      );
      const unwatch = signal ? watchAbort(signal, () => attemptController.abort(signal.reason)) : undefined;
      try {
        return await operation(attemptController.signal);
      } catch (error) {
        failure = timedOutNow && !signal?.aborted ? timedOut(name, error) : error;
      } finally {
        clearTimeout(timer);
        unwatch?.();
      }
    }
    const delayMs = Math.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
    const outOfTime = Date.now() + delayMs >= deadline;
    if (!isRetryable(failure) || attempt >= policy.maxAttempts || outOfTime || signal?.aborted) throw failure;
    policy.onRetry?.({ operation: name, attempt, delayMs, error: failure });
    await sleep(delayMs, signal);
  }
}

/** Length of the window of attempts whose default timeout one timer watches. */
const SHARED_WINDOW_MS = 1000;

let sharedClock: SharedAttemptClock | undefined;

/** The clock every policy with the default timeout shares. */
function defaultClock(): SharedAttemptClock {
  sharedClock ??= new SharedAttemptClock(DEFAULTS.attemptTimeoutMs, SHARED_WINDOW_MS);
  return sharedClock;
}

/**
 * The attempts of one window that run under the same caller's signal (or none): one controller
 * serves them all, aborted by the caller's signal or by the window's timer, so that an attempt
 * costs no controller, timer or listener of its own.
 */
interface AttemptGroup {
  /** The caller's signal the group's attempts share (none for attempts without one). */
  readonly signal: AbortSignal | undefined;
  /** The controller whose signal the group's attempts run under. */
  readonly controller: AbortController;
  /** Whether the window's timer aborted them. */
  expired: boolean;
  /** Attempts of the group still running. */
  running: number;
  /** Stops forwarding the caller's abort. */
  readonly release: () => void;
}

/** One window of a {@link SharedAttemptClock}: the attempts started in it, by caller's signal, and its timer. */
class AttemptWindow {
  private readonly groups = new Map<AbortSignal | undefined, AttemptGroup>();
  private running = 0;
  private readonly timer: ReturnType<typeof setTimeout>;

  constructor(
    /** When the window stops taking attempts (ms since the epoch). */
    readonly closesAt: number,
    timeoutMs: number,
  ) {
    this.timer = setTimeout(() => this.expire(), closesAt - Date.now() + timeoutMs);
    (this.timer as { unref?: () => void }).unref?.();
  }

  /** An attempt under `signal` starts in this window; it runs under its group's controller. */
  start(signal: AbortSignal | undefined): AttemptGroup {
    let group = this.groups.get(signal);
    if (!group) {
      const controller = new AbortController();
      allowManyListeners(controller.signal);
      const forward = (): void => controller.abort(signal?.reason);
      signal?.addEventListener("abort", forward, { once: true });
      group = { signal, controller, expired: false, running: 0, release: () => signal?.removeEventListener("abort", forward) };
      this.groups.set(signal, group);
    }
    group.running++;
    this.running++;
    return group;
  }

  /** An attempt of this window ends; the last one of a closed window stops the timer. */
  end(group: AttemptGroup): void {
    this.running--;
    if (--group.running === 0) {
      group.release();
      if (this.groups.get(group.signal) === group) this.groups.delete(group.signal);
    }
    if (this.running === 0 && Date.now() >= this.closesAt) clearTimeout(this.timer);
  }

  private expire(): void {
    for (const group of this.groups.values()) {
      group.expired = true;
      group.controller.abort(new Error("attempt timed out"));
    }
  }
}

/**
 * Times attempts with one timer per window instead of one per attempt: the attempts started
 * within one window of `windowMs` are aborted `timeoutMs` after the window closes if they are
 * still running, so each gets between `timeoutMs` and `timeoutMs + windowMs`.
 */
class SharedAttemptClock {
  private current: AttemptWindow | undefined;

  constructor(
    private readonly timeoutMs: number,
    private readonly windowMs: number,
  ) {}

  /** The window of an attempt starting now. */
  window(): AttemptWindow {
    const now = Date.now();
    let window = this.current;
    if (!window || now >= window.closesAt || now < window.closesAt - this.windowMs) {
      window = new AttemptWindow(now + this.windowMs, this.timeoutMs);
      this.current = window;
    }
    return window;
  }
}

function timedOut(name: string, cause: unknown): TransientError {
  const url = cause instanceof SkyfsError ? cause.url : undefined;
  return new TransientError(`${name} timed out`, { url, cause });
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unwatch?.();
      resolve();
    }, ms);
    const unwatch = signal
      ? watchAbort(signal, () => {
          clearTimeout(timer);
          reject(new AbortError("operation aborted", { cause: signal.reason }));
        })
      : undefined;
  });
}

/**
 * The retry layer: every call of the backend below retried by one {@link RetryOptions} policy.
 * Writes are retried too: each write sends a whole object, so sending it again is safe.
 */
export class RetryingBackend extends BackendLayer {
  private readonly policy: Policy;

  constructor(inner: Backend, options: RetryOptions = {}) {
    super(inner);
    this.policy = policyOf(options);
  }

  override get(path: string, options: GetOptions = {}): Promise<GetResult> {
    const { sink, range } = options;
    if (sink === undefined || range === undefined || options.head)
      return this.retry(options.head ? "info" : "get", options, (signal) => this.inner.get(path, { ...options, signal }));
    return this.resumingGet(path, options, sink, range.offset, range.offset + range.length);
  }

  /**
   * A streamed read of `[start, end)`: each attempt after a failure asks only for the bytes the
   * sink has not been handed yet, so that a part cut short resumes where it stopped. Bytes a
   * backend returns instead of streaming go to the sink too, at their place.
   */
  private resumingGet(path: string, options: GetOptions, sink: ByteSink, start: number, end: number): Promise<GetResult> {
    let next = start;
    let attempts = 0;
    const resumable: ByteSink = (chunk, position) => {
      next = Math.max(next, position + chunk.length);
      return sink(chunk, position);
    };
    return this.retry("get", options, async (signal) => {
      const from = next;
      if (attempts++ > 0 && from >= end)
        return { info: { name: path, type: "file", size: options.expectedSize ?? -1 }, bytes: new Uint8Array(0) };
      const result = await this.inner.get(path, { ...options, signal, range: { offset: from, length: end - from }, sink: resumable });
      if (result.bytes.length === 0) return result;
      await resumable(result.bytes, from);
      return { ...result, bytes: new Uint8Array(0) };
    });
  }

  override list(path: string, options: ListOptions = {}): Promise<FileInfo[]> {
    return this.retry("list", options, (signal) => this.inner.list(path, { ...options, signal }));
  }

  protected override wrapWriter(writer: BackendWriter): BackendWriter {
    const wrapped: BackendWriter = {
      put: (path, data, options = {}) => this.retry("write", options, (signal) => writer.put(path, data, { ...options, signal })),
      delete: (paths, options = {}) => this.retry("delete", options, (signal) => writer.delete(paths, { ...options, signal })),
    };
    const { copy, makeDirectory, removeDirectory } = writer;
    if (copy)
      wrapped.copy = (from, to, options = {}) =>
        this.retry("copy", options, (signal) => copy.call(writer, from, to, { ...options, signal }));
    if (makeDirectory)
      wrapped.makeDirectory = (path, options = {}) =>
        this.retry("makeDirectory", options, (signal) => makeDirectory.call(writer, path, { ...options, signal }));
    if (removeDirectory)
      wrapped.removeDirectory = (path, options = {}) =>
        this.retry("removeDirectory", options, (signal) => removeDirectory.call(writer, path, { ...options, signal }));
    return wrapped;
  }

  private retry<T>(name: string, options: RequestOptions, operation: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return retryUnder(this.policy, name, operation, options.signal);
  }
}
