/**
 * bzip2's second stage: the transformed block as symbols. Each byte becomes its position in a
 * move-to-front list of the bytes the block uses; runs of zeros are written as bijective base-2
 * numbers in the digits RUNA (1) and RUNB (2); a position p > 0 is symbol p + 1; the block ends
 * with the symbol after the largest.
 * @module
 */

/** Symbol of the digit 1 of a zero run. */
export const RUNA = 0;
/** Symbol of the digit 2 of a zero run. */
export const RUNB = 1;

/** A block's symbols. */
export interface BlockSymbols {
  /** The symbols, the end-of-block symbol last. */
  symbols: Uint16Array;
  /** How many symbols the alphabet has: the used bytes plus RUNA, RUNB and end-of-block less one. */
  alphabetSize: number;
  /** Which byte values the block uses. */
  used: boolean[];
}

/** The symbols of the transformed block `last`. */
export function blockSymbols(last: Uint8Array): BlockSymbols {
  const used = new Array<boolean>(256).fill(false);
  for (let i = 0; i < last.length; i++) used[last[i]!] = true;
  const rankOf = new Uint8Array(256);
  const front = new Uint8Array(256);
  let count = 0;
  for (let value = 0; value < 256; value++) {
    if (!used[value]) continue;
    rankOf[value] = count;
    front[count] = count;
    count++;
  }
  const symbols = new Uint16Array(last.length + 1);
  let length = 0;
  let zeros = 0;
  const flushZeros = (): void => {
    let rest = zeros - 1;
    for (;;) {
      symbols[length++] = rest & 1 ? RUNB : RUNA;
      if (rest < 2) break;
      rest = (rest - 2) >>> 1;
    }
    zeros = 0;
  };
  for (let i = 0; i < last.length; i++) {
    const rank = rankOf[last[i]!]!;
    if (front[0] === rank) {
      zeros++;
      continue;
    }
    if (zeros > 0) flushZeros();
    if (front[1] === rank) {
      front[1] = front[0]!;
      front[0] = rank;
      symbols[length++] = 2;
      continue;
    }
    const position = front.indexOf(rank, 2);
    front.copyWithin(1, 0, position);
    front[0] = rank;
    symbols[length++] = position + 1;
  }
  if (zeros > 0) flushZeros();
  symbols[length++] = count + 1;
  return { symbols: symbols.slice(0, length), alphabetSize: count + 2, used };
}
