/**
 * A {@link ByteSource} that keeps the head of its object: FITS and ASDF headers live there.
 * @module
 */
import { clipRange } from "../backend-source.js";
import type { ByteRange, ByteSource, IoOptions } from "../byte-source.js";
import { throwIfAborted } from "../errors.js";

/**
 * Keeps the first `headSize` bytes of the object once read (or given at open, when the open
 * request already fetched them); reads inside the head cost nothing, reads beyond it go to the
 * inner source, and a read across the boundary fetches only its part beyond the head.
 */
export class HeadCachedSource implements ByteSource {
  readonly url: string;
  readonly size: number;
  readonly etag: string | undefined;
  private readonly headLength: number;
  private head: Promise<Uint8Array> | undefined;
  private loaded: Uint8Array | undefined;

  constructor(
    private readonly inner: ByteSource,
    headSize: number,
    knownHead?: Uint8Array,
  ) {
    this.url = inner.url;
    this.size = inner.size;
    this.etag = inner.etag;
    this.headLength = Math.min(headSize, inner.size);
    if (knownHead && knownHead.length >= this.headLength) {
      this.loaded = knownHead.subarray(0, this.headLength);
      this.head = Promise.resolve(this.loaded);
    }
  }

  /** The bytes of the head from `offset` on, once the head is here; 0 beyond it or before it is loaded. */
  cachedLength(offset: number): number {
    return this.loaded ? Math.max(0, this.loaded.length - offset) : 0;
  }

  async read(offset: number, length: number, options?: IoOptions): Promise<Uint8Array> {
    const [bytes] = await this.readMany([{ offset, length }], options);
    return bytes as Uint8Array;
  }

  async readMany(ranges: readonly ByteRange[], options?: IoOptions): Promise<Uint8Array[]> {
    throwIfAborted(options?.signal, this.url);
    const clipped = ranges.map((range) => ({ offset: range.offset, length: clipRange(range.offset, range.length, this.size, this.url) }));
    const touchesHead = clipped.some((range) => range.length > 0 && range.offset < this.headLength);
    const tails = clipped.map((range) => {
      const start = Math.max(range.offset, this.headLength);
      return { offset: start, length: Math.max(0, range.offset + range.length - start) };
    });
    const tailRanges = tails.filter((tail) => tail.length > 0);
    const [head, fetched] = await Promise.all([
      touchesHead ? this.loadHead(options) : Promise.resolve(new Uint8Array(0)),
      tailRanges.length > 0 ? this.inner.readMany(tailRanges, options) : Promise.resolve([]),
    ]);
    let next = 0;
    return clipped.map((range, i) => {
      const tail = tails[i] as ByteRange;
      const tailBytes = tail.length > 0 ? (fetched[next++] as Uint8Array) : new Uint8Array(0);
      if (range.offset >= this.headLength) return tailBytes;
      const headPart = head.subarray(range.offset, Math.min(this.headLength, range.offset + range.length));
      if (tailBytes.length === 0) return headPart.slice();
      const out = new Uint8Array(range.length);
      out.set(headPart, 0);
      out.set(tailBytes, headPart.length);
      return out;
    });
  }

  private loadHead(options?: IoOptions): Promise<Uint8Array> {
    if (!this.head) {
      const load = this.inner.read(0, this.headLength, options);
      this.head = load;
      load.then(
        (bytes) => {
          if (this.head === load) this.loaded = bytes;
        },
        () => {
          if (this.head === load) this.head = undefined;
        },
      );
    }
    return this.head;
  }
}
