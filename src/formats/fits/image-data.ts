/**
 * FITS image pixels: big-endian bytes to native typed arrays, and the BSCALE/BZERO/BLANK
 * conventions applied exactly as astropy applies them.
 * @module
 */
import { LITTLE_ENDIAN_HOST, swapBytes } from "../../core/bytes.js";
import type { NumericArray } from "../../core/typed-array.js";
import type { Header } from "./header.js";

/** The numpy name of an array's element type. */
export type Dtype =
  | "bool"
  | "uint8"
  | "int8"
  | "int16"
  | "uint16"
  | "int32"
  | "uint32"
  | "int64"
  | "uint64"
  | "float32"
  | "float64"
  | "complex64"
  | "complex128";

/** An array with its shape (C order, numpy's axis order) and element type. */
export interface ArrayResult {
  /** The values, in native byte order (complex values interleaved re, im). */
  data: NumericArray;
  /** Axis lengths, slowest first. */
  shape: number[];
  /** numpy name of the element type. */
  dtype: Dtype;
}

/** Bytes per element of a FITS BITPIX. */
export function bytesPerPixel(bitpix: number): number {
  return Math.abs(bitpix) / 8;
}

/** Decodes big-endian values of a FITS BITPIX into a native typed array (copies). */
export function decodeBigEndian(bytes: Uint8Array, bitpix: number): NumericArray {
  const width = bytesPerPixel(bitpix);
  const count = Math.floor(bytes.length / width);
  const copy = new Uint8Array(count * width);
  copy.set(bytes.subarray(0, count * width));
  if (LITTLE_ENDIAN_HOST && width > 1) {
    swapBytes(copy, width);
  }
  switch (bitpix) {
    case 8:
      return copy;
    case 16:
      return new Int16Array(copy.buffer, 0, count);
    case 32:
      return new Int32Array(copy.buffer, 0, count);
    case 64:
      return new BigInt64Array(copy.buffer, 0, count);
    case -32:
      return new Float32Array(copy.buffer, 0, count);
    default:
      return new Float64Array(copy.buffer, 0, count);
  }
}

/** The numpy dtype of raw BITPIX values. */
export function rawDtype(bitpix: number): Dtype {
  return ({ 8: "uint8", 16: "int16", 32: "int32", 64: "int64", [-32]: "float32", [-64]: "float64" } as Record<number, Dtype>)[
    bitpix
  ] as Dtype;
}

/** How stored values turn into physical values. */
export interface Scaling {
  /** BSCALE. */
  scale: number;
  /** BZERO (a bigint when it is 2^63). */
  zero: number | bigint;
  /** BLANK, for integer data. */
  blank: number | bigint | undefined;
}

/** Reads BSCALE, BZERO and BLANK (or their table-column prefixes) from a header. */
export function scalingOf(
  header: Header,
  prefix: { scale: string; zero: string; blank: string } = { scale: "BSCALE", zero: "BZERO", blank: "BLANK" },
): Scaling {
  const zeroValue = header.get(prefix.zero);
  const blankValue = header.get(prefix.blank);
  return {
    scale: header.number(prefix.scale, 1),
    zero: typeof zeroValue === "bigint" ? zeroValue : typeof zeroValue === "number" ? zeroValue : 0,
    blank: typeof blankValue === "number" || typeof blankValue === "bigint" ? blankValue : undefined,
  };
}

/**
 * Applies BSCALE/BZERO/BLANK as astropy does: the unsigned conventions (BZERO 2^15, 2^31, 2^63
 * with BSCALE 1; BZERO -128 for bytes) give unsigned (or signed byte) arrays; any other scaling
 * gives float32 for BITPIX 8, 16 and -32 (computed in float32 for 8 and 16) and float64 otherwise,
 * with BLANK values as NaN. Integer data with a BLANK keyword is converted to floats as well, so
 * that blank pixels can be NaN.
 */
export function applyScaling(raw: NumericArray, bitpix: number, scaling: Scaling): { data: NumericArray; dtype: Dtype } {
  const { scale, zero, blank } = scaling;
  if (scale === 1) {
    if (bitpix === 8 && zero === -128) return { data: Int8Array.from(raw as Uint8Array, (value) => value - 128), dtype: "int8" };
    if (bitpix === 16 && zero === 32768) {
      const out = new Uint16Array(raw.length);
      const source = raw as Int16Array;
      for (let i = 0; i < out.length; i++) out[i] = ((source[i] as number) ^ 0x8000) & 0xffff;
      return { data: out, dtype: "uint16" };
    }
    if (bitpix === 32 && zero === 2147483648) {
      const out = new Uint32Array(raw.length);
      const source = raw as Int32Array;
      for (let i = 0; i < out.length; i++) out[i] = ((source[i] as number) ^ 0x80000000) >>> 0;
      return { data: out, dtype: "uint32" };
    }
    if (bitpix === 64 && (zero === 9223372036854775808n || zero === 2 ** 63)) {
      const source = raw as BigInt64Array;
      const out = new BigUint64Array(source.buffer, source.byteOffset, source.length);
      for (let i = 0; i < out.length; i++) out[i] = (out[i] as bigint) ^ 0x8000000000000000n;
      return { data: out, dtype: "uint64" };
    }
    if (zero === 0 && (blank === undefined || bitpix < 0)) return { data: raw, dtype: rawDtype(bitpix) };
  }
  const zeroNumber = Number(zero);
  const blankNumber = blank === undefined || bitpix < 0 ? undefined : blank;
  if (bitpix === 8 || bitpix === 16) {
    const out = new Float32Array(raw.length);
    const s = Math.fround(scale);
    const z = Math.fround(zeroNumber);
    for (let i = 0; i < raw.length; i++) {
      const value = raw[i] as number;
      out[i] = blankNumber !== undefined && value === Number(blankNumber) ? Number.NaN : Math.fround(Math.fround(value * s) + z);
    }
    return { data: out, dtype: "float32" };
  }
  const out = bitpix === -32 ? new Float32Array(raw.length) : new Float64Array(raw.length);
  if (bitpix === 64) {
    const blankBig = blankNumber === undefined ? undefined : BigInt(blankNumber);
    for (let i = 0; i < raw.length; i++) {
      const value = raw[i] as bigint;
      out[i] = value === blankBig ? Number.NaN : Number(value) * scale + zeroNumber;
    }
  } else {
    const blankValue = blankNumber === undefined ? undefined : Number(blankNumber);
    for (let i = 0; i < raw.length; i++) {
      const value = raw[i] as number;
      out[i] = value === blankValue ? Number.NaN : value * scale + zeroNumber;
    }
  }
  return { data: out, dtype: bitpix === -32 ? "float32" : "float64" };
}
