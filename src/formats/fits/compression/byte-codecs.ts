/**
 * GZIP_1 and GZIP_2 tiles: gzip (or zlib) streams of big-endian values; GZIP_2 also groups the
 * bytes of the values by significance before compressing ("shuffle"), which is undone here.
 * @module
 */
import { FormatError } from "../../../core/errors.js";
import { inflate } from "../../../core/inflate.js";

/** Inflates a gzip or zlib stream, refusing output longer than `maxBytes`. */
export function inflateTile(bytes: Uint8Array, maxBytes: number): Uint8Array {
  try {
    return inflate(bytes, { maxBytes });
  } catch (error) {
    throw new FormatError(`the tile does not inflate: ${(error as Error).message}`);
  }
}

/** Undoes GZIP_2's shuffle: byte `j` of value `i` was stored at `j * count + i`. */
export function unshuffle(bytes: Uint8Array, width: number): Uint8Array {
  if (width === 1) return bytes;
  const count = bytes.length / width;
  if (!Number.isInteger(count)) throw new FormatError(`a shuffled tile of ${bytes.length} bytes does not hold ${width}-byte values`);
  const out = new Uint8Array(bytes.length);
  for (let j = 0; j < width; j++) {
    const plane = j * count;
    for (let i = 0; i < count; i++) out[i * width + j] = bytes[plane + i] as number;
  }
  return out;
}
