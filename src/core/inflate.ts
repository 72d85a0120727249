/**
 * Bounded inflation of zlib and gzip streams, the same in Node and in a browser (fflate, pure
 * JavaScript, synchronous). The input is fed in small slices so that a stream that inflates past
 * its bound is stopped after at most one slice's worth of output, however large its ratio.
 * @module
 */
import { Gunzip, Unzlib } from "fflate";
import { concatBytes } from "./bytes.js";
import { FormatError } from "./errors.js";

/** Compressed bytes fed per step: a slice inflates to at most about 1 MiB (deflate's ratio is < 1032). */
const INPUT_SLICE = 1024;

/** The `code` of the {@link FormatError} {@link inflate} throws when a stream exceeds its bound. */
export const TOO_LARGE = "InflatesPastBound";

/** Options of {@link inflate}. */
export interface InflateOptions {
  /** Refuse (with {@link FormatError}) a stream that inflates to more bytes than this. */
  maxBytes: number;
  /** Write the output here (its length is the bound) instead of into a new array. */
  into?: Uint8Array;
}

/**
 * Inflates a zlib stream, or a gzip member when `bytes` starts with gzip's magic number.
 * Returns the inflated bytes (a view of `options.into` when given). Throws {@link FormatError}
 * when the stream is corrupt, ends early, or exceeds `options.maxBytes`.
 */
export function inflate(bytes: Uint8Array, options: InflateOptions): Uint8Array {
  const limit = Math.min(options.maxBytes, options.into?.length ?? Number.POSITIVE_INFINITY);
  const chunks: Uint8Array[] = [];
  let produced = 0;
  let ended = false;
  const sink = (chunk: Uint8Array, final: boolean): void => {
    if (produced + chunk.length > limit) throw new FormatError(`the stream inflates to more than ${limit} bytes`, { code: TOO_LARGE });
    if (options.into) options.into.set(chunk, produced);
    else chunks.push(chunk);
    produced += chunk.length;
    if (final) ended = true;
  };
  const gzip = bytes[0] === 0x1f && bytes[1] === 0x8b;
  const stream = gzip ? new Gunzip(sink) : new Unzlib(sink);
  try {
    for (let at = 0; at < bytes.length && !ended; at += INPUT_SLICE) {
      const end = Math.min(bytes.length, at + INPUT_SLICE);
      stream.push(bytes.subarray(at, end), end === bytes.length);
    }
    if (bytes.length === 0) stream.push(bytes, true);
  } catch (error) {
    if (error instanceof FormatError) throw error;
    throw new FormatError(`the ${gzip ? "gzip" : "zlib"} stream does not inflate: ${(error as Error).message}`, { cause: error });
  }
  if (!ended) throw new FormatError(`the ${gzip ? "gzip" : "zlib"} stream ends early`);
  if (options.into) return options.into.subarray(0, produced);
  return chunks.length === 1 ? (chunks[0] as Uint8Array) : concatBytes(chunks);
}
