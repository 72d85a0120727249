/**
 * Positional writes of streamed chunks to a local file through a few reused blocks: a
 * download's parts stream into it side by side as their replies arrive, each chunk copied into
 * the block that collects its run of the file, each full block written at its own offset in one
 * call. The chunks are never kept (a transport may reuse their memory as soon as the sink
 * returns), no part is assembled in memory, and the bytes waiting to be written are bounded.
 * @module
 */
import { write } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import type { ByteSink } from "./backend.js";
import { localFileError } from "./local-errors.js";

/** Bytes of one block: a file write takes a full block (or what a block holds when submitted early). */
const BLOCK = 256 * 1024;

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
   * Bytes received and not yet written at most: the sink uses `writeBehind / 256 KiB` blocks
   * (rounded up, at least one); when all are in use, {@link FileSink.write} makes its caller wait
   * (the reply is then paused) until a write in progress gives one back.
   */
  writeBehind: number;
  /** Counts the bytes held, copied and not yet written. */
  held?: HeldBytes;
  /** Called as bytes reach the file, with their count. */
  onWritten?: (bytes: number) => void;
}

/** A block collecting the bytes of one contiguous run of the file. */
interface Block {
  /** The block's memory, {@link BLOCK} bytes, reused from one run to the next. */
  bytes: Uint8Array;
  /** File position of the block's first byte. */
  start: number;
  /** Bytes copied into the block so far. */
  length: number;
}

/** A caller waiting for a block, which is handed to it directly when a write gives one back. */
interface Waiter {
  resolve: (bytes: Uint8Array) => void;
  reject: (error: unknown) => void;
}

/**
 * Writes the chunks handed to {@link FileSink.write} at their positions in one open file. Each
 * chunk is copied into a block of 256 KiB: the one that ends where the chunk starts (found in
 * constant time, so several parts of a download fill their own blocks side by side), or a new
 * one starting at the chunk's position; a chunk larger than the room left spans several blocks.
 * A full block is written at once with one positional `fs.write` call; when the write is done,
 * the block serves again, so the memory the copies touch stays warm. Blocks are allocated as
 * needed up to the write-behind; when none is left, every block being filled is written as it
 * is and the caller waits for the first one given back, so a wait always has a write to end it.
 * A failed write makes every later `write` and {@link FileSink.flush} throw its error, as a
 * skyfs error naming `path`.
 */
export class FileSink {
  private readonly maxBlocks: number;
  private allocated = 0;
  private readonly free: Uint8Array[] = [];
  /** Blocks being filled, by the file position just past their last byte. */
  private readonly filling = new Map<number, Block>();
  private writing = 0;
  private readonly waiters: Waiter[] = [];
  private readonly idle: Array<() => void> = [];
  private failure: unknown;

  constructor(
    private readonly handle: FileHandle,
    private readonly path: string,
    private readonly options: FileSinkOptions,
  ) {
    this.maxBlocks = Math.max(1, Math.ceil(options.writeBehind / BLOCK));
  }

  /**
   * The sink to stream a read into. The chunk is copied before the call returns, or before the
   * promise it returns settles: the caller may reuse its memory from then on.
   */
  readonly write: ByteSink = (chunk, position) => {
    if (this.failure !== undefined) throw this.failure;
    if (chunk.length === 0) return;
    return this.copy(chunk, position, 0);
  };

  /**
   * Writes every block being filled, waits for every write in progress, and throws the first
   * write's failure, if any. Covers the chunks whose `write` call has returned or settled.
   */
  async flush(): Promise<void> {
    if (this.failure === undefined) this.submitFilling();
    if (this.writing > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
    if (this.failure !== undefined) throw this.failure;
  }

  /**
   * Copies `chunk` from `offset` on (its bytes belong at `position` on in the file) into blocks,
   * writing those it fills. `spare` is a block handed over after a wait, used before any other.
   */
  private copy(chunk: Uint8Array, position: number, offset: number, spare?: Uint8Array): void | Promise<void> {
    let given = spare;
    while (offset < chunk.length) {
      if (this.failure !== undefined) throw this.failure;
      const at = position + offset;
      let block = this.filling.get(at);
      if (block) this.filling.delete(at);
      else {
        const bytes = given ?? this.take();
        given = undefined;
        if (bytes === undefined) {
          const resumeAt = offset;
          return this.waitForBlock().then((handed) => this.copy(chunk, position, resumeAt, handed));
        }
        block = { bytes, start: at, length: 0 };
      }
      const count = Math.min(BLOCK - block.length, chunk.length - offset);
      block.bytes.set(chunk.subarray(offset, offset + count), block.length);
      block.length += count;
      offset += count;
      this.options.held?.add(count);
      if (block.length === BLOCK) this.submit(block);
      else this.keepFilling(block);
    }
    if (given) this.giveBack(given);
    // Callers wait for a block and no write is in progress to give one back (the last one went
    // to this caller): the blocks being filled go out to end their wait.
    if (this.waiters.length > 0 && this.writing === 0) this.submitFilling();
  }

  /**
   * Keeps `block` for the bytes that continue it. Another block already ending at the same
   * position (a read tried again hands the same bytes over twice) is written as it is.
   */
  private keepFilling(block: Block): void {
    const end = block.start + block.length;
    const other = this.filling.get(end);
    if (other) this.submit(other);
    this.filling.set(end, block);
  }

  /** A free block, or a new one while fewer than the cap exist; none when all are in use. */
  private take(): Uint8Array | undefined {
    const bytes = this.free.pop();
    if (bytes || this.allocated === this.maxBlocks) return bytes;
    this.allocated++;
    return new Uint8Array(BLOCK);
  }

  /** Writes every block being filled, then waits for a block given back. */
  private waitForBlock(): Promise<Uint8Array> {
    this.submitFilling();
    return new Promise<Uint8Array>((resolve, reject) => {
      if (this.failure !== undefined) reject(this.failure);
      else this.waiters.push({ resolve, reject });
    });
  }

  private submitFilling(): void {
    const blocks = [...this.filling.values()];
    this.filling.clear();
    for (const block of blocks) this.submit(block);
  }

  /** Writes what `block` holds at its place in the file. */
  private submit(block: Block): void {
    this.writing++;
    this.writeOut(block, 0);
  }

  /**
   * Writes `block`'s bytes from `from` on with as many positional calls as the system needs (a
   * call may take fewer bytes than given), through the callback API on the handle's descriptor:
   * it costs the main thread a fraction of what `FileHandle` calls do.
   */
  private writeOut(block: Block, from: number): void {
    const length = block.length - from;
    const done = (error: unknown, written: number): void => {
      if (error || written === 0) {
        this.finish(block, error ?? new Error(`no bytes written at ${block.start + from}`), length);
        return;
      }
      this.options.held?.remove(written);
      this.options.onWritten?.(written);
      if (written < length) this.writeOut(block, from + written);
      else this.finish(block);
    };
    try {
      write(this.handle.fd, block.bytes, from, length, block.start + from, done);
    } catch (error) {
      queueMicrotask(() => done(error, 0));
    }
  }

  /**
   * Ends `block`'s write (failed with `error`, its `unwritten` bytes dropped), gives the block
   * back and, once no write is left in progress, wakes those waiting for the writes to end.
   */
  private finish(block: Block, error?: unknown, unwritten = 0): void {
    this.writing--;
    if (error !== undefined) this.fail(error, unwritten);
    this.giveBack(block.bytes);
    if (this.writing === 0) wakeAll(this.idle.splice(0));
  }

  /**
   * Records the first failure: the `unwritten` bytes of the failed write and those of every block
   * being filled are dropped, and every caller waiting for a block is woken with the failure.
   */
  private fail(error: unknown, unwritten: number): void {
    this.failure ??= localFileError(error, this.path);
    let dropped = 0;
    for (const filling of this.filling.values()) {
      dropped += filling.length;
      this.free.push(filling.bytes);
    }
    this.filling.clear();
    this.options.held?.remove(dropped + unwritten);
    for (const waiter of this.waiters.splice(0)) waiter.reject(this.failure);
  }

  /** A block free again goes to the first caller waiting for one, or to the free list. */
  private giveBack(bytes: Uint8Array): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter.resolve(bytes);
    else this.free.push(bytes);
  }
}

function wakeAll(waiting: ReadonlyArray<() => void>): void {
  for (const resume of waiting) resume();
}
