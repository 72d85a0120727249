/**
 * Rice decoding (RICE_1) of one tile, as the tiled-image convention defines it: the first value
 * raw, then blocks of differences, each block led by a code that selects its bit width, with
 * escapes for blocks of zeros and for blocks stored raw.
 * @module
 */
import { FormatError } from "../../../core/errors.js";

/** Number of significant bits of each byte value (0 for 0). */
const SIGNIFICANT_BITS = Uint8Array.from({ length: 256 }, (_, value) => (value === 0 ? 0 : 32 - Math.clz32(value)));

/**
 * Rice (RICE_1) decode: `bytepix` 1, 2 or 4; returns nPixels integers (8- and 16-bit values
 * wrap as their type does). Throws {@link FormatError} on a truncated or malformed stream.
 */
export function riceDecode(bytes: Uint8Array, nPixels: number, bytepix: number, blockSize: number): Int32Array {
  const count = nPixels;
  const { fsBits, fsMax, width } = parameters(bytepix);
  if (!Number.isSafeInteger(count) || count < 0) throw new FormatError(`bad Rice pixel count ${count}`);
  if (!Number.isInteger(blockSize) || blockSize <= 0) throw new FormatError(`bad Rice block size ${blockSize}`);
  const out = new Int32Array(count);
  if (count === 0) return out;
  if (bytes.length < bytepix + 1) throw new FormatError("the Rice stream is shorter than its first value");
  let position = 0;
  const next = (): number => {
    if (position >= bytes.length) throw new FormatError("the Rice stream ends early");
    return bytes[position++] as number;
  };
  let last = 0;
  for (let i = 0; i < bytepix; i++) last = (last << 8) | next();
  last = wrap(last, width);
  let buffer = next();
  let bits = 8;
  for (let start = 0; start < count; start += blockSize) {
    const end = Math.min(count, start + blockSize);
    bits -= fsBits;
    while (bits < 0) {
      buffer = (buffer << 8) | next();
      bits += 8;
    }
    const fs = (buffer >>> bits) - 1;
    buffer &= (1 << bits) - 1;
    if (fs > fsMax) throw new FormatError(`bad Rice block code ${fs + 1}`);
    if (fs < 0) {
      out.fill(last, start, end);
    } else if (fs === fsMax) {
      for (let k = start; k < end; k++) {
        let diff = 0;
        let needed = width;
        while (needed > 0) {
          if (bits === 0) {
            buffer = next();
            bits = 8;
          }
          const take = Math.min(needed, bits);
          bits -= take;
          diff = diff * 2 ** take + (buffer >>> bits);
          buffer &= (1 << bits) - 1;
          needed -= take;
        }
        last = wrap(unzigzag(diff >>> 0) + last, width);
        out[k] = last;
      }
    } else {
      for (let k = start; k < end; k++) {
        while (buffer === 0) {
          bits += 8;
          buffer = next();
        }
        const zeros = bits - (SIGNIFICANT_BITS[buffer] as number);
        bits -= zeros + 1;
        buffer ^= 1 << bits;
        bits -= fs;
        while (bits < 0) {
          buffer = (buffer << 8) | next();
          bits += 8;
        }
        const diff = zeros * 2 ** fs + (buffer >>> bits);
        buffer &= (1 << bits) - 1;
        last = wrap(unzigzag(diff) + last, width);
        out[k] = last;
      }
    }
  }
  return out;
}

function parameters(bytepix: number): { fsBits: number; fsMax: number; width: number } {
  if (bytepix === 1) return { fsBits: 3, fsMax: 6, width: 8 };
  if (bytepix === 2) return { fsBits: 4, fsMax: 14, width: 16 };
  if (bytepix === 4) return { fsBits: 5, fsMax: 25, width: 32 };
  throw new FormatError(`Rice BYTEPIX must be 1, 2 or 4, not ${bytepix}`);
}

/** Maps 0, 1, 2, 3 ... back to 0, -1, 1, -2 ... */
function unzigzag(value: number): number {
  return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
}

/** Wraps an integer to a signed value of `width` bits. */
function wrap(value: number, width: number): number {
  if (width === 32) return value | 0;
  const shift = 32 - width;
  return ((value << shift) >> shift) | 0;
}
