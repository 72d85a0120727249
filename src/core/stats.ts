/**
 * Transfer statistics and the byte budget: a layer around any backend that counts what was
 * sent to the store and what came back, and refuses a read before it is sent when it would
 * take the bytes received past a budget (requester-pays egress).
 * @module
 */
import type { Backend, FileInfo, HeadRead, ListOptions, ReadRangeOptions, WriteOptions } from "./backend.js";
import type { IoOptions } from "./byte-source.js";
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

/** A backend whose every primitive is counted in a {@link TransferStats}. */
export class StatsBackend implements Backend {
  readonly protocol: string;
  readonly directories: "real" | "prefix";
  localKey?: (relativeKey: string) => string;
  readHead?: (path: string, length: number, options?: IoOptions) => Promise<HeadRead>;
  removeDirectory?: (path: string, options?: IoOptions) => Promise<void>;
  makeDirectory?: (path: string, options?: IoOptions) => Promise<void>;
  copyFile?: (source: string, target: string, options?: IoOptions) => Promise<void>;
  close?: () => Promise<void>;

  constructor(
    /** The backend counted. */
    readonly inner: Backend,
    /** Where the counts go. */
    readonly stats: TransferStats,
  ) {
    this.protocol = inner.protocol;
    this.directories = inner.directories;
    if (inner.localKey) this.localKey = (key) => inner.localKey?.(key) ?? key;
    if (inner.readHead) {
      this.readHead = async (path, length, options) => {
        stats.count("read");
        const settle = stats.reserve(length, inner.toUrl(path));
        let head: HeadRead | undefined;
        try {
          head = await inner.readHead!(path, length, options);
          return head;
        } finally {
          settle(head?.head.length ?? 0);
        }
      };
    }
    if (inner.removeDirectory) this.removeDirectory = (path, io) => this.counted("rmdir", () => inner.removeDirectory!(path, io));
    if (inner.makeDirectory) this.makeDirectory = (path, io) => this.counted("mkdir", () => inner.makeDirectory!(path, io));
    if (inner.copyFile) this.copyFile = (from, to, io) => this.counted("copy", () => inner.copyFile!(from, to, io));
    if (inner.close) this.close = () => inner.close!();
  }

  stripProtocol(urlOrPath: string): string {
    return this.inner.stripProtocol(urlOrPath);
  }

  toUrl(path: string): string {
    return this.inner.toUrl(path);
  }

  info(path: string, options?: IoOptions): Promise<FileInfo> {
    return this.counted("info", () => this.inner.info(path, options));
  }

  list(path: string, options?: ListOptions): Promise<FileInfo[]> {
    return this.counted("list", () =>
      this.inner.list(path, {
        ...options,
        onRequest: () => {
          this.stats.count("list");
          options?.onRequest?.();
        },
      }),
    );
  }

  async readRange(path: string, offset: number, length: number, options?: ReadRangeOptions): Promise<Uint8Array> {
    const settle = this.stats.reserve(length, this.inner.toUrl(path));
    this.stats.count("read");
    let bytes: Uint8Array | undefined;
    try {
      bytes = await this.inner.readRange(path, offset, length, options);
      return bytes;
    } finally {
      settle(bytes?.length ?? 0);
    }
  }

  async write(path: string, data: Uint8Array, options?: WriteOptions): Promise<void> {
    this.stats.count("write");
    await this.inner.write(path, data, options);
    this.stats.addSent(data.length);
  }

  deleteFiles(paths: readonly string[], options?: IoOptions): Promise<void> {
    return this.counted("delete", () => this.inner.deleteFiles(paths, options));
  }

  private counted<T>(kind: RequestKind, call: () => Promise<T>): Promise<T> {
    this.stats.count(kind);
    return call();
  }
}
