/**
 * `Backend.get` for stores whose SDK offers three reads: a description, a ranged GET that also
 * describes the object (a described read), and a ranged GET pinned to an ETag or version; and the
 * streaming of an SDK's reply body to a {@link ByteSink}.
 * @module
 */
import type { ByteSink, FileInfo, GetOptions, GetResult } from "../core/backend.js";
import type { IoOptions } from "../core/byte-source.js";
import { AbortError, NotFoundError, PermissionError, ProtocolError, TransientError } from "../core/errors.js";
import { parseContentRange } from "./content-range.js";

/** The three reads {@link getThroughReads} combines. */
export interface ObjectReads {
  /** Describes an object or a prefix. */
  info(path: string, options: IoOptions): Promise<FileInfo>;
  /**
   * Reads `length` bytes at `offset` (fewer at the object's end, none past it) and describes the
   * object, in one request.
   */
  readDescribed(path: string, offset: number, length: number, options: IoOptions): Promise<{ info: FileInfo; bytes: Uint8Array }>;
  /** Reads a range pinned to `options.ifMatch` / `options.version`. */
  readRange(path: string, offset: number, length: number, options: GetOptions): Promise<Uint8Array>;
}

/**
 * Answers a `get`: a description for `head`; a described read for an unpinned read (it brings
 * the size and ETag whatever its offset); otherwise a pinned ranged read, described by what
 * pinned it.
 */
export async function getThroughReads(reads: ObjectReads, path: string, options: GetOptions = {}): Promise<GetResult> {
  if (options.head) return { info: await reads.info(path, options), bytes: new Uint8Array(0) };
  const range = options.range ?? { offset: 0, length: Number.MAX_SAFE_INTEGER };
  if (options.ifMatch === undefined && options.version === undefined) return reads.readDescribed(path, range.offset, range.length, options);
  const bytes = await reads.readRange(path, range.offset, range.length, options);
  const info: FileInfo = { name: path, type: "file", size: -1 };
  if (options.ifMatch !== undefined) info.etag = options.ifMatch;
  if (options.version !== undefined) info.version = options.version;
  return { info, bytes };
}

/**
 * Hands the chunks of a reply body to `sink`, at object positions from `position` on, each once
 * the sink has taken the one before; returns how many bytes the body brought. A body longer
 * than `length` is a {@link TransientError}; errors of the body pass through `transportError`,
 * those of the sink pass as they are. The body is released either way.
 */
export async function streamTo(
  body: AsyncIterable<Uint8Array> | undefined,
  sink: ByteSink,
  position: number,
  length: number,
  url: string,
  transportError: (error: unknown) => unknown,
): Promise<number> {
  if (!body) return 0;
  const chunks = body[Symbol.asyncIterator]();
  let received = 0;
  for (;;) {
    let step: IteratorResult<Uint8Array>;
    try {
      step = await chunks.next();
    } catch (error) {
      throw transportError(error);
    }
    if (step.done) return received;
    const chunk = step.value;
    try {
      if (received + chunk.length > length) throw new TransientError(`the store sent more than the ${length} bytes asked for`, { url });
      await sink(chunk, position + received);
    } catch (error) {
      await chunks.return?.().catch(() => undefined);
      throw error;
    }
    received += chunk.length;
  }
}

/**
 * Whether the failure of a described read is one a description answers: a range that starts past
 * the end (a shorter object), or, for a read from the start, any refusal but a missing object, a
 * denial or an abort (some stores refuse every range of an empty object).
 */
export function describableFailure(error: unknown, offset: number): boolean {
  if (error instanceof NotFoundError || error instanceof PermissionError || error instanceof AbortError) return false;
  return offset === 0 || (error instanceof ProtocolError && error.code === "InvalidRange");
}

/**
 * The object's size as a described read's reply gives it: the total of its `Content-Range`
 * (`bytes start-end/total`), else, for a read from the start, its `contentLength`. A reply whose
 * bytes start elsewhere than `offset` is a {@link ProtocolError}.
 */
export function describedSize(
  contentRange: string | undefined,
  contentLength: number | undefined,
  offset: number,
  url: string,
): number | undefined {
  const range = parseContentRange(contentRange);
  const total = range?.total;
  if (total === undefined ? offset > 0 : range?.start !== offset)
    throw new ProtocolError(`asked for bytes from ${offset}, got ${contentRange ?? "no Content-Range"}`, { url });
  return total ?? contentLength;
}
