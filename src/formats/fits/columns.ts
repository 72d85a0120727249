/**
 * Binary-table column formats (TFORMn) and the decoding of their big-endian cells.
 * @module
 */
import { latin1Decode } from "../../core/bytes.js";
import type { NumericArray } from "../../core/typed-array.js";
import type { Header } from "./header.js";
import { applyScaling, type Dtype, decodeBigEndian } from "./image-data.js";

/** The data types of binary-table columns. */
export type ColumnCode = "L" | "X" | "B" | "I" | "J" | "K" | "A" | "E" | "D" | "C" | "M" | "P" | "Q";

/** One column of a binary table, as its header keywords describe it. */
export interface BinaryColumn {
  /** Position of the column, from 0. */
  index: number;
  /** TTYPEn (may be empty). */
  name: string;
  /** TFORMn as written. */
  format: string;
  /** The type code. */
  code: ColumnCode;
  /** Repeat count. */
  repeat: number;
  /** For P and Q columns: the type of the array elements. */
  elementCode: ColumnCode | undefined;
  /** Byte offset of the column inside a row. */
  offset: number;
  /** Bytes of the column in a row. */
  width: number;
  /** TDIMn as a shape in numpy order, when given. */
  dims: number[] | undefined;
  /** TSCALn. */
  scale: number;
  /** TZEROn. */
  zero: number | bigint;
  /** TUNITn. */
  unit: string;
}

const WIDTH: Record<string, number> = { L: 1, B: 1, I: 2, J: 4, K: 8, A: 1, E: 4, D: 8, C: 8, M: 16, P: 8, Q: 16 };
const BITPIX: Record<string, number> = { B: 8, I: 16, J: 32, K: 64, E: -32, D: -64, C: -32, M: -64 };

/** Parses a TFORM value. */
export function parseTform(tform: string): { repeat: number; code: ColumnCode; elementCode: ColumnCode | undefined } {
  const match = /^\s*(\d*)([LXBIJKAEDCMPQ])(.*)$/.exec(tform);
  if (!match) throw new RangeError(`unknown TFORM ${JSON.stringify(tform)}`);
  const code = match[2] as ColumnCode;
  let elementCode: ColumnCode | undefined;
  if (code === "P" || code === "Q") {
    const element = /^([LXBIJKAEDCM])/.exec(match[3] ?? "");
    if (!element) throw new RangeError(`variable-length TFORM ${JSON.stringify(tform)} has no element type`);
    elementCode = element[1] as ColumnCode;
  }
  return { repeat: match[1] === "" ? 1 : Number(match[1]), code, elementCode };
}

/** Bytes a cell of `repeat` elements of `code` takes. */
export function cellWidth(code: ColumnCode, repeat: number): number {
  if (code === "X") return Math.ceil(repeat / 8);
  return (WIDTH[code] as number) * repeat;
}

/** The columns of a binary table header. */
export function binaryColumns(header: Header): BinaryColumn[] {
  const count = header.integer("TFIELDS", 0);
  const columns: BinaryColumn[] = [];
  let offset = 0;
  for (let i = 1; i <= count; i++) {
    const format = header.string(`TFORM${i}`).trim();
    const { repeat, code, elementCode } = parseTform(format);
    const width = cellWidth(code, repeat);
    const tdim = header.string(`TDIM${i}`);
    const dims = /^\s*\(([\d,\s]+)\)\s*$/
      .exec(tdim)?.[1]
      ?.split(",")
      .map((part) => Number(part.trim()))
      .reverse();
    const zeroValue = header.get(`TZERO${i}`);
    columns.push({
      index: i - 1,
      name: header.string(`TTYPE${i}`).trim(),
      format,
      code,
      repeat,
      elementCode,
      offset,
      width,
      dims,
      scale: header.number(`TSCAL${i}`, 1),
      zero: typeof zeroValue === "bigint" || typeof zeroValue === "number" ? zeroValue : 0,
      unit: header.string(`TUNIT${i}`).trim(),
    });
    offset += width;
  }
  return columns;
}

/** Decoded numeric cells: values of `count` cells of `perCell` elements each. */
export interface DecodedNumbers {
  /** The values (complex interleaved). */
  data: NumericArray;
  /** numpy dtype. */
  dtype: Dtype;
}

/** Decodes the packed cells of a numeric or logical column (`bytes` = cells back to back). */
export function decodeNumeric(code: ColumnCode, repeat: number, bytes: Uint8Array, scale = 1, zero: number | bigint = 0): DecodedNumbers {
  if (code === "L") return { data: Uint8Array.from(bytes, (byte) => (byte === 0x54 ? 1 : 0)), dtype: "bool" };
  if (code === "X") {
    const cellBytes = Math.ceil(repeat / 8);
    const cells = cellBytes === 0 ? 0 : bytes.length / cellBytes;
    const out = new Uint8Array(cells * repeat);
    for (let cell = 0; cell < cells; cell++) {
      for (let bit = 0; bit < repeat; bit++) {
        out[cell * repeat + bit] = ((bytes[cell * cellBytes + (bit >> 3)] as number) >> (7 - (bit & 7))) & 1;
      }
    }
    return { data: out, dtype: "bool" };
  }
  const bitpix = BITPIX[code];
  if (bitpix === undefined) throw new RangeError(`column type ${code} is not numeric`);
  const raw = decodeBigEndian(bytes, bitpix);
  if (code === "C" || code === "M") return { data: raw, dtype: code === "C" ? "complex64" : "complex128" };
  if (scale === 1 && zero === 0) return applyScaling(raw, bitpix, { scale, zero, blank: undefined });
  if (
    scale === 1 &&
    ((code === "B" && zero === -128) ||
      (code === "I" && zero === 32768) ||
      (code === "J" && zero === 2147483648) ||
      (code === "K" && BigInt(zero) === 9223372036854775808n))
  ) {
    return applyScaling(raw, bitpix, { scale, zero, blank: undefined });
  }
  const out = new Float64Array(raw.length);
  const zeroNumber = Number(zero);
  for (let i = 0; i < raw.length; i++) out[i] = Number(raw[i]) * scale + zeroNumber;
  return { data: out, dtype: "float64" };
}

/** Decodes character cells of `width` bytes: text up to the first NUL, trailing spaces kept. */
export function decodeStrings(bytes: Uint8Array, width: number): string[] {
  const out: string[] = [];
  if (width === 0) return out;
  for (let at = 0; at + width <= bytes.length; at += width) {
    const text = latin1Decode(bytes.subarray(at, at + width));
    const nul = text.indexOf("\0");
    out.push(nul < 0 ? text : text.slice(0, nul));
  }
  return out;
}
