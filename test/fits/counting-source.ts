/**
 * A ByteSource wrapper for tests that records every read and readMany call.
 */
import type { ByteRange, ByteSource, IoOptions } from "../../src/index.js";

/** Wraps a source and counts calls, ranges and bytes. */
export class CountingSource implements ByteSource {
  readonly calls: Array<{ kind: "read" | "readMany"; ranges: ByteRange[] }> = [];

  constructor(private readonly inner: ByteSource) {}

  get url(): string {
    return this.inner.url;
  }

  get size(): number {
    return this.inner.size;
  }

  get etag(): string | undefined {
    return this.inner.etag;
  }

  /** Bytes asked for so far. */
  get bytes(): number {
    return this.calls.reduce((sum, call) => sum + call.ranges.reduce((inner, range) => inner + range.length, 0), 0);
  }

  read(offset: number, length: number, options?: IoOptions): Promise<Uint8Array> {
    this.calls.push({ kind: "read", ranges: [{ offset, length }] });
    return this.inner.read(offset, length, options);
  }

  readMany(ranges: readonly ByteRange[], options?: IoOptions): Promise<Uint8Array[]> {
    this.calls.push({ kind: "readMany", ranges: [...ranges] });
    return this.inner.readMany(ranges, options);
  }
}
