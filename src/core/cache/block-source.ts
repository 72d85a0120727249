/**
 * A {@link ByteSource} read in fixed-size blocks kept in a {@link BlockStore}.
 * @module
 */
import { clipRange } from "../backend-source.js";
import type { ByteRange, ByteSource, IoOptions } from "../byte-source.js";
import { throwIfAborted } from "../errors.js";
import type { BlockStore } from "./block-store.js";

/**
 * Serves reads from whole blocks of `blockSize` bytes: blocks already held cost nothing, the
 * missing ones of a read (or of a whole `readMany`) are fetched in one batch from the inner
 * source, and blocks another reader is already fetching are waited for, not fetched again.
 * Blocks are keyed by URL and ETag, so a store shared by many sources never mixes versions.
 */
export class BlockCachedSource implements ByteSource {
  readonly url: string;
  readonly size: number;
  readonly etag: string | undefined;
  private readonly keyPrefix: string;

  constructor(
    private readonly inner: ByteSource,
    private readonly store: BlockStore,
    private readonly blockSize: number,
  ) {
    this.url = inner.url;
    this.size = inner.size;
    this.etag = inner.etag;
    this.keyPrefix = `${inner.url}\u0000${inner.etag ?? ""}\u0000${blockSize}\u0000`;
  }

  async read(offset: number, length: number, options?: IoOptions): Promise<Uint8Array> {
    const [bytes] = await this.readMany([{ offset, length }], options);
    return bytes as Uint8Array;
  }

  async readMany(ranges: readonly ByteRange[], options?: IoOptions): Promise<Uint8Array[]> {
    throwIfAborted(options?.signal, this.url);
    const clipped = ranges.map((range) => ({ offset: range.offset, length: clipRange(range.offset, range.length, this.size, this.url) }));
    const indexes = new Set<number>();
    for (const range of clipped) {
      if (range.length === 0) continue;
      const first = Math.floor(range.offset / this.blockSize);
      const last = Math.floor((range.offset + range.length - 1) / this.blockSize);
      for (let block = first; block <= last; block++) indexes.add(block);
    }
    const wanted = [...indexes].sort((a, b) => a - b);
    const blocks = await this.store.getMany(
      wanted.map((block) => this.keyPrefix + block),
      (missing) =>
        this.inner.readMany(
          missing.map((key) => this.blockRange(Number(key.slice(this.keyPrefix.length)))),
          options,
        ),
    );
    const byIndex = new Map(wanted.map((block, i) => [block, blocks[i] as Uint8Array]));
    return clipped.map((range) => this.assemble(range, byIndex));
  }

  private blockRange(block: number): ByteRange {
    const offset = block * this.blockSize;
    return { offset, length: Math.min(this.blockSize, this.size - offset) };
  }

  private assemble(range: ByteRange, blocks: ReadonlyMap<number, Uint8Array>): Uint8Array {
    const out = new Uint8Array(range.length);
    let filled = 0;
    while (filled < range.length) {
      const position = range.offset + filled;
      const block = Math.floor(position / this.blockSize);
      const bytes = blocks.get(block) as Uint8Array;
      const start = position - block * this.blockSize;
      const piece = bytes.subarray(start, Math.min(bytes.length, start + range.length - filled));
      out.set(piece, filled);
      filled += piece.length;
    }
    return out;
  }
}
