/**
 * bzip2's Huffman tables: the block's symbols are cut into groups of 50, each coded with one of
 * 2 to 6 tables named by its selector. The tables start as slices of the alphabet of about equal
 * frequency; then, a few times over, each group picks the table that codes it shortest and every
 * table is rebuilt from the symbols of the groups that picked it.
 * @module
 */
import { limitedCodeLengths } from "./huffman-lengths.js";

/** Symbols per selector. */
export const GROUP_SIZE = 50;
/** The longest code the tables use (bzip2 decoders accept up to 20). */
export const MAX_CODE_LENGTH = 17;
const REFINEMENTS = 4;

/** The tables of a block and which one codes each group of symbols. */
export interface HuffmanTables {
  /** Code length of every symbol, per table. */
  lengths: Uint8Array[];
  /** The table of each group of {@link GROUP_SIZE} symbols. */
  selectors: Uint8Array;
}

/** Tables and selectors for `symbols`, all below `alphabetSize`. */
export function chooseTables(symbols: Uint16Array, alphabetSize: number): HuffmanTables {
  const tableCount = symbols.length < 200 ? 2 : symbols.length < 600 ? 3 : symbols.length < 1200 ? 4 : symbols.length < 2400 ? 5 : 6;
  const groups = Math.ceil(symbols.length / GROUP_SIZE);
  const selectors = new Uint8Array(groups);
  let lengths = initialCosts(symbols, alphabetSize, tableCount);
  for (let round = 0; round < REFINEMENTS; round++) {
    const frequencies = Array.from({ length: tableCount }, () => new Uint32Array(alphabetSize));
    const costs = new Uint32Array(tableCount);
    for (let group = 0; group < groups; group++) {
      const start = group * GROUP_SIZE;
      const end = Math.min(start + GROUP_SIZE, symbols.length);
      costs.fill(0);
      for (let i = start; i < end; i++) {
        const symbol = symbols[i]!;
        for (let table = 0; table < tableCount; table++) costs[table]! += lengths[table]![symbol]!;
      }
      let best = 0;
      for (let table = 1; table < tableCount; table++) if (costs[table]! < costs[best]!) best = table;
      selectors[group] = best;
      const counted = frequencies[best]!;
      for (let i = start; i < end; i++) counted[symbols[i]!]!++;
    }
    lengths = frequencies.map((counted) => limitedCodeLengths(counted, MAX_CODE_LENGTH));
  }
  return { lengths, selectors };
}

/**
 * Starting costs: table t is cheap (0) on the t-th of `tableCount` slices of the alphabet of
 * about equal total frequency, dear (15) elsewhere.
 */
function initialCosts(symbols: Uint16Array, alphabetSize: number, tableCount: number): Uint8Array[] {
  const frequency = new Uint32Array(alphabetSize);
  for (let i = 0; i < symbols.length; i++) frequency[symbols[i]!]!++;
  const costs: Uint8Array[] = [];
  let remaining = symbols.length;
  let symbol = 0;
  for (let table = 0; table < tableCount; table++) {
    const share = remaining / (tableCount - table);
    const first = symbol;
    let taken = 0;
    while (symbol < alphabetSize && (symbol === first || taken + frequency[symbol]! <= share || table === tableCount - 1)) {
      taken += frequency[symbol]!;
      symbol++;
    }
    remaining -= taken;
    const cost = new Uint8Array(alphabetSize).fill(15);
    cost.fill(0, first, symbol);
    costs.push(cost);
  }
  return costs;
}
