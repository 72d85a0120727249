/**
 * One compressed bzip2 block: its header (magic, CRC, origin of the transform, the bytes it
 * uses), the Huffman tables and their selectors, then the block's symbols in those codes.
 * @module
 */
import type { BitOutput } from "./bit-output.js";
import { burrowsWheeler } from "./bwt.js";
import { blockSymbols } from "./bzip2-symbols.js";
import { chooseTables, GROUP_SIZE, MAX_CODE_LENGTH } from "./bzip2-tables.js";

/**
 * Writes `block` (the run-length-encoded bytes, at least one) as a bzip2 block whose CRC, of the
 * original bytes it stands for, is `crc`.
 */
export function writeBzip2Block(out: BitOutput, block: Uint8Array, crc: number): void {
  const { last, origin } = burrowsWheeler(block);
  const { symbols, alphabetSize, used } = blockSymbols(last);
  const { lengths, selectors } = chooseTables(symbols, alphabetSize);

  out.bits(24, 0x314159);
  out.bits(24, 0x265359);
  out.uint32(crc);
  out.bits(1, 0);
  out.bits(24, origin);
  writeUsedBytes(out, used);

  out.bits(3, lengths.length);
  out.bits(15, selectors.length);
  const tableFront = lengths.map((_, table) => table);
  for (const selector of selectors) {
    const position = tableFront.indexOf(selector);
    for (let i = 0; i < position; i++) out.bits(1, 1);
    out.bits(1, 0);
    tableFront.splice(position, 1);
    tableFront.unshift(selector);
  }
  for (const table of lengths) writeLengths(out, table);

  const codes = lengths.map(canonicalCodes);
  for (let group = 0; group < selectors.length; group++) {
    const table = selectors[group]!;
    const length = lengths[table]!;
    const code = codes[table]!;
    const end = Math.min((group + 1) * GROUP_SIZE, symbols.length);
    for (let i = group * GROUP_SIZE; i < end; i++) {
      const symbol = symbols[i]!;
      out.bits(length[symbol]!, code[symbol]!);
    }
  }
}

/** The two-level map of used bytes: which of the 16 ranges of 16 have any, then each such range's 16 bits. */
function writeUsedBytes(out: BitOutput, used: readonly boolean[]): void {
  const ranges = new Uint16Array(16);
  let map = 0;
  for (let range = 0; range < 16; range++) {
    for (let i = 0; i < 16; i++) if (used[range * 16 + i]) ranges[range]! |= 0x8000 >>> i;
    if (ranges[range]) map |= 0x8000 >>> range;
  }
  out.bits(16, map);
  for (const bits of ranges) if (bits) out.bits(16, bits);
}

/** A table's code lengths as deltas: a 5-bit start, then per symbol "10" (+1) or "11" (-1) steps ended by "0". */
function writeLengths(out: BitOutput, lengths: Uint8Array): void {
  let current = lengths[0]!;
  out.bits(5, current);
  for (const length of lengths) {
    for (; current < length; current++) out.bits(2, 0b10);
    for (; current > length; current--) out.bits(2, 0b11);
    out.bits(1, 0);
  }
}

/** Canonical codes for `lengths`: shorter codes first, and within a length in symbol order. */
function canonicalCodes(lengths: Uint8Array): Uint32Array {
  const codes = new Uint32Array(lengths.length);
  let code = 0;
  for (let length = 1; length <= MAX_CODE_LENGTH; length++) {
    for (let symbol = 0; symbol < lengths.length; symbol++) if (lengths[symbol] === length) codes[symbol] = code++;
    code <<= 1;
  }
  return codes;
}
