/**
 * A {@link ByteSource} over bytes already in memory.
 * @module
 */
import { clipRange } from "./backend-source.js";
import type { ByteRange, ByteSource } from "./byte-source.js";

/** Wraps a byte array as a {@link ByteSource}, e.g. for a file already downloaded. */
export class BytesSource implements ByteSource {
  readonly size: number;

  constructor(
    private readonly data: Uint8Array,
    readonly url = "memory:bytes",
    readonly etag: string | undefined = undefined,
  ) {
    this.size = data.length;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const clipped = clipRange(offset, length, this.size, this.url);
    return this.data.slice(offset, offset + clipped);
  }

  async readMany(ranges: readonly ByteRange[]): Promise<Uint8Array[]> {
    return Promise.all(ranges.map((range) => this.read(range.offset, range.length)));
  }
}
