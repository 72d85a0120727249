/**
 * Transfer statistics and the byte budget: a layer around any backend that counts what was
 * sent to the store and what came back, and refuses a read before it is sent when it would
 * take the bytes received past a budget (requester-pays egress).
 * @module
 */
import {
  type Backend,
  BackendLayer,
  type BackendWriter,
  type FileInfo,
  type GetOptions,
  type GetResult,
  type ListOptions,
  type RequestOptions,
} from "./backend.js";
import { BudgetExceededError } from "./errors.js";

/** The kinds of request counted. */
export type RequestKind = "info" | "list" | "read" | "write" | "delete" | "copy" | "mkdir" | "rmdir";

/** A snapshot of {@link TransferStats}. */
export interface TransferSnapshot {
  /** Requests sent, by kind (a retried request counts once per attempt). */
  requests: Record<RequestKind, number>;
  /** All requests together. */
  totalRequests: number;
  /** Payload bytes received (object data; listings and headers not counted). */
  bytesReceived: number;
  /** Payload bytes sent (object data written). */
  bytesSent: number;
}

/** Counters of one filesystem, readable at any time and resettable. */
export class TransferStats {
  private requests = emptyCounts();
  private received = 0;
  private sent = 0;
  private reserved = 0;

  /**
   * @param byteBudget Bytes that may be received in all before reads are refused (default: no
   *   limit). {@link reset} starts a new budget.
   */
  constructor(readonly byteBudget: number = Number.POSITIVE_INFINITY) {}

  /** The counters now. */
  snapshot(): TransferSnapshot {
    const requests = { ...this.requests };
    const totalRequests = Object.values(requests).reduce((sum, count) => sum + count, 0);
    return { requests, totalRequests, bytesReceived: this.received, bytesSent: this.sent };
  }

  /** Sets every counter back to zero. */
  reset(): void {
    this.requests = emptyCounts();
    this.received = 0;
    this.sent = 0;
  }

  /** Counts one request of `kind`. */
  count(kind: RequestKind): void {
    this.requests[kind]++;
  }

  /** Counts bytes sent. */
  addSent(bytes: number): void {
    this.sent += bytes;
  }

  /**
   * Reserves `bytes` of the budget for a read about to be sent, or throws
   * {@link BudgetExceededError} without sending anything. Returns a function that settles the
   * reservation with the bytes that really arrived (0 when the read failed).
   */
  reserve(bytes: number, url: string): (receivedBytes: number) => void {
    if (this.received + this.reserved + bytes > this.byteBudget) {
      throw new BudgetExceededError(
        `reading ${bytes} bytes would exceed the byte budget of ${this.byteBudget} (${this.received} received, ${this.reserved} in flight)`,
        { url },
      );
    }
    this.reserved += bytes;
    let settled = false;
    return (receivedBytes) => {
      if (settled) return;
      settled = true;
      this.reserved -= bytes;
      this.received += receivedBytes;
    };
  }
}

function emptyCounts(): Record<RequestKind, number> {
  return { info: 0, list: 0, read: 0, write: 0, delete: 0, copy: 0, mkdir: 0, rmdir: 0 };
}

/**
 * The stats layer: counts every request the backend below sends (through
 * {@link RequestOptions.onRequest}, or one per call when the backend does not report), the bytes
 * that come back and go out, and refuses a ranged read before it is sent when it would take the
 * bytes received past the budget.
 */
export class StatsBackend extends BackendLayer {
  constructor(
    inner: Backend,
    /** Where the counts go. */
    readonly stats: TransferStats,
  ) {
    super(inner);
  }

  override async get(path: string, options: GetOptions = {}): Promise<GetResult> {
    const kind: RequestKind = options.head ? "info" : "read";
    const settle = options.head ? undefined : this.stats.reserve(options.range?.length ?? 0, this.inner.toUrl(path));
    let streamed = 0;
    const { sink } = options;
    const get: GetOptions = sink
      ? {
          ...options,
          sink: (chunk, position) => {
            streamed += chunk.length;
            return sink(chunk, position);
          },
        }
      : options;
    let result: GetResult | undefined;
    try {
      result = await this.counted(kind, get, (counting) => this.inner.get(path, counting));
      return result;
    } finally {
      settle?.(streamed + (result?.bytes.length ?? 0));
    }
  }

  override list(path: string, options: ListOptions = {}): Promise<FileInfo[]> {
    return this.counted("list", options, (counting) => this.inner.list(path, counting));
  }

  protected override wrapWriter(writer: BackendWriter): BackendWriter {
    const wrapped: BackendWriter = {
      put: async (path, data, options = {}) => {
        await this.counted("write", options, (counting) => writer.put(path, data, counting));
        this.stats.addSent(data.length);
      },
      delete: (paths, options = {}) => this.counted("delete", options, (counting) => writer.delete(paths, counting)),
    };
    const { copy, makeDirectory, removeDirectory } = writer;
    if (copy) wrapped.copy = (from, to, options = {}) => this.counted("copy", options, (counting) => copy.call(writer, from, to, counting));
    if (makeDirectory)
      wrapped.makeDirectory = (path, options = {}) =>
        this.counted("mkdir", options, (counting) => makeDirectory.call(writer, path, counting));
    if (removeDirectory)
      wrapped.removeDirectory = (path, options = {}) =>
        this.counted("rmdir", options, (counting) => removeDirectory.call(writer, path, counting));
    return wrapped;
  }

  private async counted<T, O extends RequestOptions>(kind: RequestKind, options: O, call: (options: O) => Promise<T>): Promise<T> {
    let reported = 0;
    const outer = options.onRequest;
    const onRequest = (): void => {
      reported++;
      this.stats.count(kind);
      outer?.();
    };
    try {
      return await call({ ...options, onRequest });
    } finally {
      if (reported === 0) this.stats.count(kind);
    }
  }
}
