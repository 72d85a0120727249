/**
 * Where an HDU's header and data lie, and what kind of HDU it is, from its header alone.
 * @module
 */
import type { Header } from "./header.js";
import { BLOCK } from "./header.js";

/** astropy's names for the HDU kinds. */
export type HduType = "PrimaryHDU" | "ImageHDU" | "BinTableHDU" | "TableHDU" | "CompImageHDU" | "GroupsHDU";

/** The byte layout of one HDU in its file. */
export interface HduLayout {
  /** Position of the HDU in the file, from 0. */
  index: number;
  /** Byte offset of the header. */
  headerOffset: number;
  /** Bytes of the header, padded to whole blocks. */
  headerSize: number;
  /** Byte offset of the data unit. */
  dataOffset: number;
  /** Bytes of the data unit as described by the header (without padding). */
  dataSize: number;
  /** Byte offset of the next HDU. */
  nextOffset: number;
}

/** Rounds a size up to whole FITS blocks. */
export function padToBlock(size: number): number {
  return Math.ceil(size / BLOCK) * BLOCK;
}

/** The HDU kind a header describes. */
export function hduType(header: Header, index: number): HduType {
  if (index === 0) {
    if (header.get("GROUPS") === true && (header.integer("NAXIS", 0) === 0 || header.integer("NAXIS1", -1) === 0)) return "GroupsHDU";
    return "PrimaryHDU";
  }
  const xtension = header.string("XTENSION").trim().toUpperCase();
  if (xtension === "BINTABLE") return header.get("ZIMAGE") === true ? "CompImageHDU" : "BinTableHDU";
  if (xtension === "TABLE") return "TableHDU";
  return "ImageHDU";
}

/** NAXISn values in FITS order (NAXIS1 first), each checked to be a count a file can hold. */
export function axes(header: Header): number[] {
  const naxis = header.integer("NAXIS");
  if (naxis < 0 || naxis > 999) throw new RangeError(`NAXIS = ${naxis} is out of range`);
  const result: number[] = [];
  for (let i = 1; i <= naxis; i++) result.push(count(header, `NAXIS${i}`));
  return result;
}

/** A non-negative integer keyword that sizes data: absent is `fallback`. */
function count(header: Header, keyword: string, fallback?: number): number {
  const value = header.integer(keyword, fallback);
  if (value < 0) throw new RangeError(`${keyword} = ${value} is negative`);
  if (!Number.isSafeInteger(value)) throw new RangeError(`${keyword} = ${value} is too large`);
  return value;
}

/**
 * Bytes of the data unit: |BITPIX|/8 x GCOUNT x (PCOUNT + product of the axes). Every factor
 * is checked (BITPIX a FITS value, every count a non-negative safe integer) and so is every
 * product and sum, so that the result is a safe integer that moves the HDU walk forward.
 */
export function dataSize(header: Header, type: HduType): number {
  const bitpix = header.integer("BITPIX");
  if (![8, 16, 32, 64, -32, -64].includes(bitpix)) throw new RangeError(`BITPIX = ${bitpix} is not a FITS value`);
  const lengths = axes(header);
  if (lengths.length === 0) return 0;
  const counted = type === "GroupsHDU" ? lengths.slice(1) : lengths;
  let elements = counted.length === 0 ? 0 : 1;
  for (const length of counted) elements = safeProduct(elements, length);
  const pcount = count(header, "PCOUNT", 0);
  const gcount = count(header, "GCOUNT", 1);
  return safeProduct(safeProduct(Math.abs(bitpix) / 8, gcount), safeSum(pcount, elements));
}

function safeProduct(a: number, b: number): number {
  const product = a * b;
  if (!Number.isSafeInteger(product)) throw new RangeError("the data size is absurd");
  return product;
}

function safeSum(a: number, b: number): number {
  const sum = a + b;
  if (!Number.isSafeInteger(sum)) throw new RangeError("the data size is absurd");
  return sum;
}
