/**
 * Positional writes of streamed chunks to a local file, with the bytes waiting to be written
 * bounded: a download's parts stream into it as their replies arrive, each chunk written at its
 * own offset, with no part assembled in memory.
 * @module
 */
import { write } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import type { ByteSink } from "./backend.js";
import { localFileError } from "./local-errors.js";

/** Counts the bytes a transfer holds in memory, now and at most, for those who watch its footprint. */
export class HeldBytes {
  /** Bytes held now. */
  now = 0;
  /** The most bytes held at once so far. */
  peak = 0;

  /** Counts `bytes` more held. */
  add(bytes: number): void {
    this.now += bytes;
    if (this.now > this.peak) this.peak = this.now;
  }

  /** Counts `bytes` given back. */
  remove(bytes: number): void {
    this.now -= bytes;
  }
}

/** Options of a {@link FileSink}. */
export interface FileSinkOptions {
  /**
   * Bytes handed over and not yet written above which {@link FileSink.write} makes its caller
   * wait (the reply is then paused) until the writes in progress bring them back under.
   */
  writeBehind: number;
  /** Counts the bytes held, received and not yet written. */
  held?: HeldBytes;
  /** Called as each chunk reaches the file, with its length. */
  onWritten?: (bytes: number) => void;
}

/**
 * Writes the chunks handed to {@link FileSink.write} at their positions in one open file,
 * several writes in progress at once, never more than `writeBehind` bytes (plus the chunk that
 * crossed it) waiting. A failed write makes every later `write` and {@link FileSink.flush} throw
 * its error, as a skyfs error naming `path`.
 */
export class FileSink {
  private pending = 0;
  private readonly inProgress = new Set<Promise<void>>();
  private failure: unknown;
  private drained: Array<() => void> = [];

  constructor(
    private readonly handle: FileHandle,
    private readonly path: string,
    private readonly options: FileSinkOptions,
  ) {}

  /** The sink to stream a read into. */
  readonly write: ByteSink = (chunk, position) => {
    if (this.failure !== undefined) throw this.failure;
    const length = chunk.length;
    this.pending += length;
    this.options.held?.add(length);
    const writing = this.writeAll(chunk, position).then(
      () => this.options.onWritten?.(length),
      (error: unknown) => {
        this.failure ??= localFileError(error, this.path);
      },
    );
    const tracked = writing.finally(() => {
      this.pending -= length;
      this.options.held?.remove(length);
      this.inProgress.delete(tracked);
      if (this.pending <= this.options.writeBehind || this.failure !== undefined) this.wake();
    });
    this.inProgress.add(tracked);
    if (this.pending <= this.options.writeBehind) return;
    return new Promise<void>((resolve, reject) => {
      this.drained.push(() => (this.failure === undefined ? resolve() : reject(this.failure)));
    });
  };

  /** Waits for every write handed over so far; throws the first write's failure, if any. */
  async flush(): Promise<void> {
    while (this.inProgress.size > 0) await Promise.all(this.inProgress);
    if (this.failure !== undefined) throw this.failure;
  }

  /**
   * Writes all of `chunk` at `position` (a write may take fewer bytes than given), through the
   * callback API on the handle's descriptor: it costs the main thread a third of what
   * `FileHandle.write` does per call.
   */
  private writeAll(chunk: Uint8Array, position: number): Promise<void> {
    const fd = this.handle.fd;
    return new Promise((resolve, reject) => {
      const from = (done: number): void => {
        if (done === chunk.length) {
          resolve();
          return;
        }
        write(fd, chunk, done, chunk.length - done, position + done, (error, written) => {
          if (error) reject(error);
          else if (written === 0) reject(new Error(`no bytes written at ${position + done}`));
          else from(done + written);
        });
      };
      from(0);
    });
  }

  private wake(): void {
    const waiting = this.drained;
    this.drained = [];
    for (const resume of waiting) resume();
  }
}
