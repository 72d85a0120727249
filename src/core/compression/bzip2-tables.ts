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
    // Three tables' lengths per number, 10 bits each (a group costs at most 50 x 17 < 1024 bits).
    const low = packLengths(lengths, 0, alphabetSize);
    const high = packLengths(lengths, 3, alphabetSize);
    for (let group = 0; group < groups; group++) {
      const start = group * GROUP_SIZE;
      const end = Math.min(start + GROUP_SIZE, symbols.length);
      let lowCosts = 0;
      let highCosts = 0;
      for (let i = start; i < end; i++) {
        lowCosts += low[symbols[i]!]!;
        highCosts += high[symbols[i]!]!;
      }
      let best = 0;
      let bestCost = lowCosts & 1023;
      for (let table = 1; table < tableCount; table++) {
        const cost = (table < 3 ? lowCosts >>> (10 * table) : highCosts >>> (10 * (table - 3))) & 1023;
        if (cost < bestCost) {
          best = table;
          bestCost = cost;
        }
      }
      selectors[group] = best;
      const counted = frequencies[best]!;
      for (let i = start; i < end; i++) counted[symbols[i]!]!++;
    }
    lengths = frequencies.map((counted) => limitedCodeLengths(counted, MAX_CODE_LENGTH));
  }
  return { lengths, selectors };
}

/** The lengths of tables `first` to `first + 2` (those that exist) of each symbol, packed 10 bits apart. */
function packLengths(lengths: readonly Uint8Array[], first: number, alphabetSize: number): Uint32Array {
  const packed = new Uint32Array(alphabetSize);
  for (let table = first; table < Math.min(first + 3, lengths.length); table++) {
    const shift = 10 * (table - first);
    const tableLengths = lengths[table]!;
    for (let symbol = 0; symbol < alphabetSize; symbol++) packed[symbol]! |= tableLengths[symbol]! << shift;
  }
  return packed;
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
