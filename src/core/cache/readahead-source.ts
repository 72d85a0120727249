/**
 * A {@link ByteSource} that reads ahead: suited to reading a file front to back in small pieces.
 * @module
 */
import { clipRange } from "../backend-source.js";
import type { ByteRange, ByteSource, IoOptions } from "../byte-source.js";
import { throwIfAborted } from "../errors.js";

/**
 * Each read that misses fetches at least `readahead` bytes from its offset and keeps them, so
 * the reads that follow it are served from memory. Only the last window is kept.
 */
export class ReadaheadSource implements ByteSource {
  readonly url: string;
  readonly size: number;
  readonly etag: string | undefined;
  private window: Promise<{ offset: number; bytes: Uint8Array }> | undefined;

  constructor(
    private readonly inner: ByteSource,
    private readonly readahead: number,
  ) {
    this.url = inner.url;
    this.size = inner.size;
    this.etag = inner.etag;
  }

  async read(offset: number, length: number, options?: IoOptions): Promise<Uint8Array> {
    throwIfAborted(options?.signal, this.url);
    const clipped = clipRange(offset, length, this.size, this.url);
    if (clipped === 0) return new Uint8Array(0);
    const current = await this.window?.catch(() => undefined);
    if (current && offset >= current.offset && offset + clipped <= current.offset + current.bytes.length) {
      return current.bytes.slice(offset - current.offset, offset - current.offset + clipped);
    }
    const span = Math.min(this.size - offset, Math.max(clipped, this.readahead));
    const load = this.inner.read(offset, span, options).then((bytes) => ({ offset, bytes }));
    this.window = load;
    const { bytes } = await load;
    return bytes.slice(0, clipped);
  }

  readMany(ranges: readonly ByteRange[], options?: IoOptions): Promise<Uint8Array[]> {
    return this.inner.readMany(ranges, options);
  }
}
