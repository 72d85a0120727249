/**
 * The plain, uncached {@link ByteSource} over a backend's ranged read primitive.
 * @module
 */
import type { Backend, FileInfo } from "./backend.js";
import type { ByteRange, ByteSource, IoOptions } from "./byte-source.js";
import { InvalidArgumentError } from "./errors.js";
import { DEFAULT_MAX_PART_SIZE, executePlan, planRanges, type RangePlanOptions } from "./range-plan.js";
import { readRange } from "./reads.js";

/** Checks a range and clips it to an object of `size` bytes; returns the clipped length. */
export function clipRange(offset: number, length: number, size: number, url: string): number {
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new InvalidArgumentError(`read offset must be a non-negative integer, got ${offset}`, { url });
  }
  if (!Number.isSafeInteger(length) || length < 0) {
    throw new InvalidArgumentError(`read length must be a non-negative integer, got ${length}`, { url });
  }
  return Math.max(0, Math.min(length, size - offset));
}

/**
 * A {@link ByteSource} over a backend's ranged reads. `readMany` plans its ranges (neighbours
 * merged, huge spans split; see {@link planRanges}) and sends the requests at once (the stack's
 * limit layer keeps the host's requests in flight bounded). The object seen at open is pinned by
 * every validator known (ETag or version, modification time, size): every read asks the store to
 * refuse it if the object changed, and the backend raises `ConsistencyError`.
 */
export class BackendByteSource implements ByteSource {
  readonly url: string;
  readonly size: number;
  readonly etag: string | undefined;
  private readonly version: string | undefined;
  private readonly lastModified: Date | undefined;

  constructor(
    private readonly backend: Backend,
    private readonly path: string,
    info: FileInfo,
    private readonly planning: RangePlanOptions = {},
  ) {
    this.url = backend.toUrl(path);
    this.size = info.size;
    this.etag = info.etag;
    this.version = info.version;
    this.lastModified = info.mtime;
  }

  async read(offset: number, length: number, options: IoOptions = {}): Promise<Uint8Array> {
    const clipped = clipRange(offset, length, this.size, this.url);
    if (clipped === 0) return new Uint8Array(0);
    if (clipped > (this.planning.maxPartSize ?? DEFAULT_MAX_PART_SIZE)) {
      const [bytes] = await this.readMany([{ offset, length: clipped }], options);
      return bytes as Uint8Array;
    }
    return this.fetch({ offset, length: clipped }, options);
  }

  readMany(ranges: readonly ByteRange[], options: IoOptions = {}): Promise<Uint8Array[]> {
    const clipped = ranges.map((range) => ({ offset: range.offset, length: clipRange(range.offset, range.length, this.size, this.url) }));
    return executePlan(clipped, planRanges(clipped, this.planning), (span) => this.fetch(span, options), this.planning.spansInFlight);
  }

  private fetch(span: ByteRange, options: IoOptions): Promise<Uint8Array> {
    return readRange(this.backend, this.path, span.offset, span.length, {
      signal: options.signal,
      ifMatch: this.etag,
      version: this.version,
      lastModified: this.lastModified,
      expectedSize: this.size,
    });
  }
}
