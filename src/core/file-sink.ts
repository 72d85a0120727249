/**
 * Positional writes of streamed chunks to a local file, with the bytes waiting to be written
 * bounded: a download's parts stream into it as their replies arrive, each chunk written at its
 * own offset, with no part assembled in memory. Chunks that arrive for a region while a write of
 * it is in progress wait and go out together in one vectored write.
 * @module
 */
import { writev } from "node:fs";
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
  /** Called as bytes reach the file, with their count. */
  onWritten?: (bytes: number) => void;
}

/**
 * One contiguous region of the file with a write in progress: the chunks handed over for the
 * bytes right after it wait here, in file order, for the next write of the region.
 */
interface Region {
  /** File position just past the last byte handed over for the region. */
  end: number;
  /** Chunks waiting for the write in progress to finish: the region's last bytes, up to `end`. */
  waiting: Uint8Array[];
  /** Bytes of the waiting chunks. */
  waitingBytes: number;
}

/**
 * Writes the chunks handed to {@link FileSink.write} at their positions in one open file. A
 * chunk that does not continue a region being written starts a write at once, so the parts of a
 * download are written side by side; a chunk that does waits, with the others that follow it,
 * for that write to finish, then they all go out in one `writev` call: as many calls as the disk
 * needs, not one per chunk. Never more than `writeBehind` bytes (plus the chunk that crossed it)
 * wait. A failed write makes every later `write` and {@link FileSink.flush} throw its error, as a
 * skyfs error naming `path`.
 */
export class FileSink {
  private pending = 0;
  private readonly regions: Region[] = [];
  private failure: unknown;
  private drained: Array<() => void> = [];
  private idle: Array<() => void> = [];

  constructor(
    private readonly handle: FileHandle,
    private readonly path: string,
    private readonly options: FileSinkOptions,
  ) {}

  /** The sink to stream a read into. */
  readonly write: ByteSink = (chunk, position) => {
    if (this.failure !== undefined) throw this.failure;
    const length = chunk.length;
    if (length === 0) return;
    this.pending += length;
    this.options.held?.add(length);
    const region = this.regionEndingAt(position);
    if (region) {
      region.waiting.push(chunk);
      region.waitingBytes += length;
      region.end += length;
    } else {
      const started: Region = { end: position + length, waiting: [], waitingBytes: 0 };
      this.regions.push(started);
      this.writeOut(started, [chunk], position, length);
    }
    if (this.pending <= this.options.writeBehind) return;
    return new Promise<void>((resolve, reject) => {
      this.drained.push(() => (this.failure === undefined ? resolve() : reject(this.failure)));
    });
  };

  /** Waits for every write handed over so far; throws the first write's failure, if any. */
  async flush(): Promise<void> {
    if (this.regions.length > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
    if (this.failure !== undefined) throw this.failure;
  }

  /**
   * Writes all of `chunks` (`bytes` in all) from `position` on with as few `writev` calls as the
   * system allows (a call may take fewer bytes than given), through the callback API on the
   * handle's descriptor: it costs the main thread a fraction of what `FileHandle` calls do.
   */
  private writeOut(region: Region, chunks: Uint8Array[], position: number, bytes: number): void {
    writev(this.handle.fd, chunks, position, (error, written) => {
      if (error) return this.settle(region, bytes, error);
      if (written === bytes) return this.settle(region, bytes);
      if (written === 0) return this.settle(region, bytes, new Error(`no bytes written at ${position}`));
      this.settle(region, written, undefined, true);
      this.writeOut(region, skipBytes(chunks, written), position + written, bytes - written);
    });
  }

  /**
   * Counts `bytes` of `region` as written (or failed with `error`), then, unless more of the
   * same write is still to go (`partial`), starts the region's next write or lets it go.
   */
  private settle(region: Region, bytes: number, error?: unknown, partial = false): void {
    this.release(bytes);
    if (error !== undefined) this.failure ??= localFileError(error, this.path);
    else this.options.onWritten?.(bytes);
    if (partial) return;
    if (region.waitingBytes > 0 && this.failure === undefined) {
      const { waiting, waitingBytes } = region;
      region.waiting = [];
      region.waitingBytes = 0;
      this.writeOut(region, waiting, region.end - waitingBytes, waitingBytes);
    } else {
      this.release(region.waitingBytes);
      this.regions.splice(this.regions.indexOf(region), 1);
      if (this.regions.length === 0) wakeAll(this.idle.splice(0));
    }
    if (this.pending <= this.options.writeBehind || this.failure !== undefined) wakeAll(this.drained.splice(0));
  }

  private regionEndingAt(position: number): Region | undefined {
    for (const region of this.regions) if (region.end === position) return region;
    return undefined;
  }

  private release(bytes: number): void {
    this.pending -= bytes;
    this.options.held?.remove(bytes);
  }
}

/**
 * `chunks` without their first `skip` bytes (fewer than they hold in all): what is left of a
 * vectored write the system took only part of. The chunks are views, not copies.
 */
export function skipBytes(chunks: readonly Uint8Array[], skip: number): Uint8Array[] {
  let index = 0;
  let left = skip;
  while (left >= (chunks[index] as Uint8Array).length) left -= (chunks[index++] as Uint8Array).length;
  const remaining = chunks.slice(index);
  remaining[0] = (remaining[0] as Uint8Array).subarray(left);
  return remaining;
}

function wakeAll(waiting: ReadonlyArray<() => void>): void {
  for (const resume of waiting) resume();
}
