/**
 * A {@link ByteSource} that reads its whole object once and serves every read from memory.
 * @module
 */
import { clipRange } from "../backend-source.js";
import type { ByteRange, ByteSource, IoOptions } from "../byte-source.js";
import { throwIfAborted } from "../errors.js";

/**
 * Fetches the whole object on the first read (through the inner source's `readMany`, which
 * splits it into parts fetched in parallel) and keeps it.
 */
export class WholeObjectSource implements ByteSource {
  readonly url: string;
  readonly size: number;
  readonly etag: string | undefined;
  private whole: Promise<Uint8Array> | undefined;

  constructor(private readonly inner: ByteSource) {
    this.url = inner.url;
    this.size = inner.size;
    this.etag = inner.etag;
  }

  async read(offset: number, length: number, options?: IoOptions): Promise<Uint8Array> {
    throwIfAborted(options?.signal, this.url);
    const clipped = clipRange(offset, length, this.size, this.url);
    if (clipped === 0) return new Uint8Array(0);
    const whole = await this.load(options);
    return whole.slice(offset, offset + clipped);
  }

  readMany(ranges: readonly ByteRange[], options?: IoOptions): Promise<Uint8Array[]> {
    return Promise.all(ranges.map((range) => this.read(range.offset, range.length, options)));
  }

  private load(options?: IoOptions): Promise<Uint8Array> {
    if (!this.whole) {
      const load = this.inner.readMany([{ offset: 0, length: this.size }], options).then(([bytes]) => bytes as Uint8Array);
      this.whole = load;
      load.catch(() => {
        if (this.whole === load) this.whole = undefined;
      });
    }
    return this.whole;
  }
}
