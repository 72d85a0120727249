/**
 * Builders of small FITS files that lie: headers with any cards, and binary tables whose
 * variable-length array descriptors point anywhere in a heap.
 */

/** 80-character cards, END, padded to whole blocks. */
export function headerBlock(cards: readonly string[]): string {
  const text = [...cards, "END"].map((card) => card.padEnd(80).slice(0, 80)).join("");
  return text.padEnd(Math.ceil(text.length / 2880) * 2880, " ");
}

/** A card `KEYWORD = value` with the value right-aligned as FITS writes numbers. */
export function card(keyword: string, value: string | number): string {
  return `${keyword.padEnd(8)}= ${String(value).padStart(20)}`;
}

/** Bytes of header text and data, the data padded to whole blocks. */
export function fitsBytes(parts: ReadonlyArray<{ header: string; data?: Uint8Array }>): Uint8Array {
  const size = parts.reduce((sum, part) => sum + part.header.length + Math.ceil((part.data?.length ?? 0) / 2880) * 2880, 0);
  const out = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    out.set(Buffer.from(part.header, "latin1"), at);
    at += part.header.length;
    if (part.data) out.set(part.data, at);
    at += Math.ceil((part.data?.length ?? 0) / 2880) * 2880;
  }
  return out;
}

/** An empty primary header. */
export const EMPTY_PRIMARY = headerBlock([card("SIMPLE", "T"), card("BITPIX", 8), card("NAXIS", 0), card("EXTEND", "T")]);

/**
 * A file with one binary table of `descriptors.length` rows and a single `1PB` column whose
 * descriptors are `[count, offset]` pairs into a heap of `heapBytes` bytes (byte i = i mod 251).
 */
export function vlaTable(
  descriptors: ReadonlyArray<readonly [number, number]>,
  heapBytes: number,
  extraCards: readonly string[] = [],
): Uint8Array {
  const rows = descriptors.length;
  const data = new Uint8Array(rows * 8 + heapBytes);
  const view = new DataView(data.buffer);
  descriptors.forEach(([count, offset], row) => {
    view.setInt32(row * 8, count);
    view.setInt32(row * 8 + 4, offset);
  });
  for (let i = 0; i < heapBytes; i++) data[rows * 8 + i] = i % 251;
  const header = headerBlock([
    `XTENSION= 'BINTABLE'`,
    card("BITPIX", 8),
    card("NAXIS", 2),
    card("NAXIS1", 8),
    card("NAXIS2", rows),
    card("PCOUNT", heapBytes),
    card("GCOUNT", 1),
    card("TFIELDS", 1),
    "TTYPE1  = 'SPECTRUM'",
    `TFORM1  = '1PB(${heapBytes})'`,
    ...extraCards,
  ]);
  return fitsBytes([{ header: EMPTY_PRIMARY }, { header, data }]);
}
