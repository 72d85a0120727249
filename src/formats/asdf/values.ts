/**
 * Decoding array bytes of an ASDF datatype into native values: typed arrays for numbers,
 * strings for `ascii`/`ucs4`, records for structured types.
 * @module
 */
import { LITTLE_ENDIAN_HOST, latin1Decode, swapBytes } from "../../core/bytes.js";
import type { NumericArray } from "../../core/typed-array.js";
import type { Datatype, NumericKind } from "./dtype.js";

const NATIVE: "big" | "little" = LITTLE_ENDIAN_HOST ? "little" : "big";

/**
 * Decodes `count` numeric values (complex as interleaved re, im) in native byte order. With
 * `inPlace`, `bytes` (which must start its own buffer, as a freshly allocated array does) is
 * byte-swapped where it lies and viewed, instead of copied.
 */
export function decodeNumeric(
  bytes: Uint8Array,
  name: NumericKind,
  byteorder: "big" | "little",
  count: number,
  inPlace = false,
): NumericArray {
  const width = {
    int8: 1,
    uint8: 1,
    bool8: 1,
    int16: 2,
    uint16: 2,
    int32: 4,
    uint32: 4,
    float32: 4,
    int64: 8,
    uint64: 8,
    float64: 8,
    complex64: 4,
    complex128: 8,
  }[name];
  const elements = name === "complex64" || name === "complex128" ? count * 2 : count;
  const length = elements * width;
  let copy: Uint8Array;
  if (inPlace && bytes.byteOffset === 0 && bytes.buffer.byteLength === length && bytes.buffer instanceof ArrayBuffer) copy = bytes;
  else {
    copy = new Uint8Array(length);
    copy.set(bytes.subarray(0, length));
  }
  if (byteorder !== NATIVE && width > 1) {
    swapBytes(copy, width);
  }
  const buffer = copy.buffer;
  switch (name) {
    case "int8":
      return new Int8Array(buffer);
    case "uint8":
    case "bool8":
      return new Uint8Array(buffer);
    case "int16":
      return new Int16Array(buffer);
    case "uint16":
      return new Uint16Array(buffer);
    case "int32":
      return new Int32Array(buffer);
    case "uint32":
      return new Uint32Array(buffer);
    case "int64":
      return new BigInt64Array(buffer);
    case "uint64":
      return new BigUint64Array(buffer);
    case "float32":
    case "complex64":
      return new Float32Array(buffer);
    default:
      return new Float64Array(buffer);
  }
}

/** Decodes fixed-length strings (trailing NULs removed). */
export function decodeStrings(bytes: Uint8Array, type: Extract<Datatype, { kind: "string" }>, count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const cell = bytes.subarray(i * type.itemsize, (i + 1) * type.itemsize);
    let text: string;
    if (type.encoding === "ascii") text = latin1Decode(cell);
    else {
      const view = new DataView(cell.buffer, cell.byteOffset, cell.byteLength);
      const points: number[] = [];
      for (let at = 0; at + 4 <= cell.length; at += 4) points.push(view.getUint32(at, type.byteorder === "little"));
      text = String.fromCodePoint(...points.filter((point) => point <= 0x10ffff));
    }
    out.push(text.replace(/\0+$/, ""));
  }
  return out;
}
