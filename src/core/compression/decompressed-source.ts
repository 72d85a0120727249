/**
 * The decompression layer: a {@link ByteSource} of the uncompressed bytes of a compressed
 * object, so that every reader works on it unchanged. Reads decode forward from the nearest place
 * known: the decoder left where the last read ended, a gzip checkpoint, or the start; decoded
 * blocks and gzip checkpoints are kept in a shared cache for later reads and later opens.
 * @module
 */
import { clipRange } from "../backend-source.js";
import type { ByteRange, ByteSource, IoOptions } from "../byte-source.js";
import { ConsistencyError, throwIfAborted } from "../errors.js";
import { type Compression, decompressStream } from "./codecs.js";
import { type DecodedCache, sharedDecodedCache } from "./decoded-cache.js";
import { DecompressionError } from "./errors.js";
import type { GzipCheckpoint } from "./gzip.js";
import { DEFAULT_CHECKPOINT_SPACING } from "./gzip.js";
import { addCheckpoint, checkpointBefore, emptyGzipIndex, type GzipIndex, gzipIndexBytes } from "./gzip-index.js";
import { recordedSize } from "./recorded-size.js";

/** Options of {@link openDecompressed}. */
export interface DecompressOptions extends IoOptions {
  /** A stored seek index of the gzip object (e.g. from a cloud index); checked against the object. */
  gzipIndex?: GzipIndex;
  /** Uncompressed bytes between the gzip checkpoints a decode records (default 4 MiB). */
  checkpointSpacing?: number;
  /** Where decoded blocks and gzip indexes are kept (default: one cache shared by the process). */
  decodedCache?: DecodedCache;
}

/** Compressed objects up to this size are decoded whole at open. */
const SMALL_OBJECT = 64 * 1024;
/** First compressed read of a decode from the start (what the `first-block` cache brought). */
const HEAD_READ = 64 * 1024;
/** Largest compressed read of a decode. */
const MAX_READ = 8 * 1024 * 1024;
/** Decoded bytes per cached block. */
const BLOCK = 1024 * 1024;

interface Cursor {
  /** Uncompressed offset of `pending[0]`, or of the next byte the decoder gives when nothing is pending. */
  position: number;
  pending: Uint8Array | undefined;
  decoded: AsyncGenerator<Uint8Array>;
  /** The block being assembled for the cache, when the decode started at its beginning. */
  block: { index: number; bytes: Uint8Array; filled: number } | undefined;
}

interface Want {
  offset: number;
  length: number;
  into: Uint8Array;
}

/**
 * Opens the uncompressed view of `raw`. Its size comes from what the format records (gzip's
 * trailer for one member, xz's index, a zstd frame header) or, when nothing trustworthy is
 * recorded (bzip2, Unix compress, several gzip members, small objects), from a first decode,
 * whose blocks are kept.
 */
export async function openDecompressed(raw: ByteSource, compression: Compression, options: DecompressOptions = {}): Promise<ByteSource> {
  const cache = options.decodedCache ?? sharedDecodedCache;
  const indexKey = `gzip-index\0${raw.url}\0${raw.etag ?? ""}\0${raw.size}`;
  let index: GzipIndex | undefined;
  if (compression === "gzip") {
    if (options.gzipIndex) {
      checkIndexFits(options.gzipIndex, raw);
      index = options.gzipIndex;
    } else {
      index = cache.get<GzipIndex>(indexKey) ?? emptyGzipIndex(raw.size, raw.etag, options.checkpointSpacing ?? DEFAULT_CHECKPOINT_SPACING);
    }
    cache.set(indexKey, index, gzipIndexBytes(index));
  }
  const source = new DecompressedSource(raw, compression, cache, index, indexKey);
  const sizeKey = `size\0${compression}\0${raw.url}\0${raw.etag ?? ""}\0${raw.size}`;
  let size = index?.size ?? cache.get<number>(sizeKey) ?? undefined;
  if (size === undefined && raw.size > SMALL_OBJECT && compression !== "bz2" && compression !== "compress") {
    const head = await raw.read(0, Math.min(raw.size, HEAD_READ), options);
    size = await recordedSize(compression, raw, head, options);
  }
  if (size === undefined) size = await source.decodeAll(options);
  source.setSize(size);
  cache.set(sizeKey, size, 64);
  return source;
}

function checkIndexFits(index: GzipIndex, raw: ByteSource): void {
  if (index.compressedSize !== raw.size || (index.etag !== null && raw.etag !== undefined && index.etag !== raw.etag)) {
    throw new ConsistencyError(
      `the gzip index was built for another version of this object (indexed: ${index.compressedSize} bytes, ETag ${index.etag}; now: ${raw.size} bytes, ETag ${raw.etag}); rebuild it`,
      { url: raw.url },
    );
  }
}

/** See {@link openDecompressed}. */
class DecompressedSource implements ByteSource {
  readonly url: string;
  readonly etag: string | undefined;
  private known = -1;
  private cursor: Cursor | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly raw: ByteSource,
    private readonly compression: Compression,
    private readonly cache: DecodedCache,
    private readonly index: GzipIndex | undefined,
    private readonly indexKey: string,
  ) {
    this.url = raw.url;
    this.etag = raw.etag;
  }

  get size(): number {
    return this.known;
  }

  /** Sets the size once it is known. */
  setSize(size: number): void {
    this.known = size;
  }

  /** Decodes the whole object once (keeping its checkpoints, and its blocks with `keep`) and returns its size. */
  async decodeAll(options: IoOptions, keep = true): Promise<number> {
    const cursor = this.startAt(0, undefined, Number.POSITIVE_INFINITY, options);
    let position = 0;
    try {
      for (let next = await cursor.decoded.next(); !next.done; next = await cursor.decoded.next()) {
        throwIfAborted(options.signal, this.url);
        if (keep) this.keepBlocks(cursor, next.value, position);
        position += next.value.length;
      }
    } finally {
      await cursor.decoded.return(undefined);
    }
    if (keep) this.finishBlock(cursor, position);
    if (this.index) this.index.size = position;
    return position;
  }

  async read(offset: number, length: number, options?: IoOptions): Promise<Uint8Array> {
    const [bytes] = await this.readMany([{ offset, length }], options);
    return bytes as Uint8Array;
  }

  async readMany(ranges: readonly ByteRange[], options: IoOptions = {}): Promise<Uint8Array[]> {
    throwIfAborted(options.signal, this.url);
    const wants: Want[] = ranges.map((range) => {
      const length = clipRange(range.offset, range.length, this.size, this.url);
      return { offset: range.offset, length, into: new Uint8Array(length) };
    });
    const missing = wants.filter((want) => want.length > 0 && !this.fromCache(want));
    if (missing.length > 0) {
      const run = this.queue.then(() => this.decodeInto(missing, options));
      this.queue = run.catch(() => undefined);
      await run;
    }
    return wants.map((want) => want.into);
  }

  private blockKey(index: number): string {
    return `block\0${this.compression}\0${this.url}\0${this.etag ?? ""}\0${this.raw.size}\0${index}`;
  }

  private fromCache(want: Want): boolean {
    const first = Math.floor(want.offset / BLOCK);
    const last = Math.floor((want.offset + want.length - 1) / BLOCK);
    for (let i = first; i <= last; i++) if (!this.cache.has(this.blockKey(i))) return false;
    for (let i = first; i <= last; i++) {
      const block = this.cache.get<Uint8Array>(this.blockKey(i)) as Uint8Array;
      copyOverlap(block, i * BLOCK, want);
    }
    return true;
  }

  private async decodeInto(wants: Want[], options: IoOptions): Promise<void> {
    const begin = Math.min(...wants.map((want) => want.offset));
    const end = Math.max(...wants.map((want) => want.offset + want.length));
    const checkpoint = this.index ? checkpointBefore(this.index, begin) : undefined;
    const from = checkpoint?.out ?? 0;
    let cursor = this.cursor;
    if (!cursor || cursor.position > begin || cursor.position < from) {
      await cursor?.decoded.return(undefined);
      cursor = this.startAt(from, checkpoint, end, options);
      this.cursor = cursor;
    }
    try {
      while (cursor.position < end) {
        throwIfAborted(options.signal, this.url);
        const chunk = cursor.pending ?? (await this.nextChunk(cursor));
        cursor.pending = undefined;
        if (chunk === undefined) break;
        for (const want of wants) copyOverlap(chunk, cursor.position, want);
        if (cursor.position + chunk.length > end) {
          cursor.pending = chunk;
          break;
        }
        this.keepBlocks(cursor, chunk, cursor.position);
        cursor.position += chunk.length;
      }
      if (cursor.pending === undefined && cursor.position === this.size) {
        if ((await cursor.decoded.next()).done !== true) throw this.longerThanSize();
        this.finishBlock(cursor, cursor.position);
        if (this.index) this.index.size = this.size;
      }
      if (cursor.position < end && cursor.pending === undefined) throw this.shorterThanSize(cursor.position);
    } catch (error) {
      this.cursor = undefined;
      await cursor.decoded.return(undefined);
      throw error;
    }
  }

  private async nextChunk(cursor: Cursor): Promise<Uint8Array | undefined> {
    const next = await cursor.decoded.next();
    if (next.done) return undefined;
    if (this.size >= 0 && cursor.position + next.value.length > this.size) throw this.longerThanSize();
    return next.value;
  }

  private longerThanSize(): DecompressionError {
    return new DecompressionError(
      "size",
      `the stream decodes to more than the ${this.size} bytes its ${this.compression === "gzip" ? "trailer" : "header"} records (several concatenated members or frames?)`,
      { url: this.url },
    );
  }

  private shorterThanSize(position: number): DecompressionError {
    return new DecompressionError("size", `the stream decodes to ${position} bytes, fewer than the ${this.size} it records`, {
      url: this.url,
    });
  }

  private startAt(position: number, checkpoint: GzipCheckpoint | undefined, end: number, options: IoOptions): Cursor {
    const compressedStart = checkpoint ? Math.floor(checkpoint.bit / 8) : 0;
    const ratio = this.size > 0 ? this.raw.size / this.size : 1;
    const estimate = Number.isFinite(end) ? Math.ceil((end - position) * ratio * 1.1) + HEAD_READ : HEAD_READ;
    const firstRead = compressedStart === 0 ? HEAD_READ : Math.min(estimate, MAX_READ);
    const input = compressedChunks(
      this.raw,
      compressedStart,
      firstRead,
      Math.min(Math.max(estimate - firstRead, 2 * firstRead), MAX_READ),
      options,
    );
    const index = this.index;
    const decoded = decompressStream(this.compression, input, {
      url: this.url,
      gzip: index
        ? {
            from: checkpoint,
            spacing: index.spacing,
            onCheckpoint: (found) => {
              if (addCheckpoint(index, found)) this.cache.set(this.indexKey, index, gzipIndexBytes(index));
            },
          }
        : undefined,
    });
    const block = position % BLOCK === 0 ? { index: position / BLOCK, bytes: new Uint8Array(BLOCK), filled: 0 } : undefined;
    return { position, pending: undefined, decoded, block };
  }

  /** Adds decoded bytes at `position` to the block being assembled; complete blocks go to the cache. */
  private keepBlocks(cursor: Cursor, chunk: Uint8Array, position: number): void {
    let at = 0;
    while (at < chunk.length) {
      const blockIndex = Math.floor((position + at) / BLOCK);
      if (!cursor.block || cursor.block.index !== blockIndex) {
        const startsBlock = (position + at) % BLOCK === 0;
        cursor.block = startsBlock ? { index: blockIndex, bytes: new Uint8Array(BLOCK), filled: 0 } : undefined;
        if (!cursor.block) {
          at = Math.min(chunk.length, (blockIndex + 1) * BLOCK - position);
          continue;
        }
      }
      const block = cursor.block;
      const n = Math.min(chunk.length - at, BLOCK - block.filled);
      block.bytes.set(chunk.subarray(at, at + n), block.filled);
      block.filled += n;
      at += n;
      if (block.filled === BLOCK) {
        this.cache.set(this.blockKey(block.index), block.bytes, BLOCK);
        cursor.block = undefined;
      }
    }
  }

  /** Keeps the last, shorter block once the end of the stream is reached. */
  private finishBlock(cursor: Cursor, position: number): void {
    const block = cursor.block;
    if (block && block.filled > 0 && block.index * BLOCK + block.filled === position) {
      this.cache.set(this.blockKey(block.index), block.bytes.slice(0, block.filled), block.filled);
    }
    cursor.block = undefined;
  }
}

function copyOverlap(chunk: Uint8Array, chunkOffset: number, want: Want): void {
  const start = Math.max(chunkOffset, want.offset);
  const stop = Math.min(chunkOffset + chunk.length, want.offset + want.length);
  if (stop > start) want.into.set(chunk.subarray(start - chunkOffset, stop - chunkOffset), start - want.offset);
}

/**
 * The compressed object from `start`: a first read of `firstRead` bytes (the head the open
 * request brought, or what a read is estimated to need), then `secondRead`, then reads that
 * double up to 8 MiB.
 */
async function* compressedChunks(
  raw: ByteSource,
  start: number,
  firstRead: number,
  secondRead: number,
  options: IoOptions,
): AsyncGenerator<Uint8Array> {
  let at = start;
  let length = Math.max(1, firstRead);
  let reads = 0;
  while (at < raw.size) {
    const bytes = await raw.read(at, Math.min(length, raw.size - at), options);
    if (bytes.length === 0) break;
    yield bytes;
    at += bytes.length;
    length = ++reads === 1 ? Math.max(1, secondRead) : Math.min(length * 2, MAX_READ);
  }
}

/**
 * Builds the seek index of a gzip object by decoding it once (decoded bytes are not kept): a
 * checkpoint every `checkpointSpacing` uncompressed bytes (default 4 MiB).
 */
export async function buildGzipIndex(raw: ByteSource, options: DecompressOptions = {}): Promise<GzipIndex> {
  const cache = options.decodedCache ?? sharedDecodedCache;
  const index = emptyGzipIndex(raw.size, raw.etag, options.checkpointSpacing ?? DEFAULT_CHECKPOINT_SPACING);
  const indexKey = `gzip-index\0${raw.url}\0${raw.etag ?? ""}\0${raw.size}`;
  await new DecompressedSource(raw, "gzip", cache, index, indexKey).decodeAll(options, false);
  cache.set(indexKey, index, gzipIndexBytes(index));
  return index;
}
