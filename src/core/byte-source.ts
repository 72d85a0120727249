/**
 * The random-access contract every format reader depends on, and nothing more.
 * @module
 */

/** A span of bytes in an object: `length` bytes starting at `offset`. */
export interface ByteRange {
  /** First byte, counted from 0. */
  offset: number;
  /** Number of bytes. */
  length: number;
}

/** Options every I/O call accepts. */
export interface IoOptions {
  /** Cancels the operation and the requests in flight. */
  signal?: AbortSignal;
}

/**
 * A random-access view of one object in some store. Formats see only this.
 *
 * Reads past the end are clipped: `read(size - 2, 10)` returns 2 bytes, and a read that starts
 * at or past the end returns an empty array.
 */
export interface ByteSource {
  /** The URL of the object. */
  readonly url: string;
  /** Size of the object in bytes, known at open. */
  readonly size: number;
  /** ETag or version of the object when the store gives one. */
  readonly etag: string | undefined;
  /** Reads `length` bytes at `offset` (clipped to the object's end). */
  read(offset: number, length: number, options?: IoOptions): Promise<Uint8Array>;
  /** Reads several ranges at once; result `i` holds exactly the bytes of `ranges[i]`. */
  readMany(ranges: readonly ByteRange[], options?: IoOptions): Promise<Uint8Array[]>;
  /**
   * How many bytes from `offset` on a read would serve from memory, without a request (a cache's
   * answer; absent or 0 when unknown). Readers that read ahead speculatively, like the FITS
   * header walk, use it to stay inside what is already here.
   */
  cachedLength?(offset: number): number;
}
