/**
 * Writing FITS files: images of every type (unsigned integers through BZERO) and binary
 * tables, with headers and data padded to whole blocks.
 * @module
 */
import { concatBytes, LITTLE_ENDIAN_HOST, latin1Encode, swapBytes } from "../../core/bytes.js";
import type { NumericArray } from "../../core/typed-array.js";
import type { Card, HeaderValue } from "./card.js";
import { BLOCK, Header } from "./header.js";

/** An image HDU to write. */
export interface ImageInput {
  /** `image` (the default). */
  kind?: "image";
  /** The pixels in C order; none for a header-only HDU. */
  data?: NumericArray;
  /** The shape in numpy order (default: one axis of `data.length`). */
  shape?: number[];
  /** EXTNAME. */
  name?: string;
  /** More cards (structural keywords are written by the writer and skipped here). */
  cards?: Card[];
}

/** One column of a binary table to write. */
export interface ColumnInput {
  /** TTYPEn. */
  name: string;
  /** Values, row after row: numbers (typed array, `repeat` per row), booleans, or strings. */
  data: NumericArray | boolean[] | string[];
  /** Elements per row for numeric and boolean columns (default: length / rows). */
  repeat?: number;
  /** TUNITn. */
  unit?: string;
}

/** A binary-table HDU to write. */
export interface TableInput {
  /** `table`. */
  kind: "table";
  /** Number of rows. */
  rows: number;
  /** The columns. */
  columns: ColumnInput[];
  /** EXTNAME. */
  name?: string;
  /** More cards. */
  cards?: Card[];
}

const STRUCTURAL =
  /^(SIMPLE|XTENSION|BITPIX|NAXIS\d*|EXTEND|PCOUNT|GCOUNT|TFIELDS|TTYPE\d+|TFORM\d+|TUNIT\d+|BZERO|BSCALE|TZERO\d+|END|EXTNAME)$/;

interface Encoding {
  bitpix: number;
  zero: HeaderValue;
  code: string;
  bytes: (data: NumericArray) => Uint8Array;
}

function bigEndian(data: NumericArray, flip?: (view: Uint8Array) => void): Uint8Array {
  const bytes = new Uint8Array(data.byteLength);
  bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  const width = data.BYTES_PER_ELEMENT;
  if (LITTLE_ENDIAN_HOST && width > 1) {
    swapBytes(bytes, width);
  }
  flip?.(bytes);
  return bytes;
}

const flipSign = (bytes: Uint8Array, width: number): void => {
  for (let i = 0; i < bytes.length; i += width) bytes[i] = (bytes[i] as number) ^ 0x80;
};

function encodingOf(data: NumericArray): Encoding {
  if (data instanceof Uint8Array) return { bitpix: 8, zero: null, code: "B", bytes: (d) => bigEndian(d) };
  if (data instanceof Int8Array) return { bitpix: 8, zero: -128, code: "B", bytes: (d) => bigEndian(d, (b) => flipSign(b, 1)) };
  if (data instanceof Int16Array) return { bitpix: 16, zero: null, code: "I", bytes: (d) => bigEndian(d) };
  if (data instanceof Uint16Array) return { bitpix: 16, zero: 32768, code: "I", bytes: (d) => bigEndian(d, (b) => flipSign(b, 2)) };
  if (data instanceof Int32Array) return { bitpix: 32, zero: null, code: "J", bytes: (d) => bigEndian(d) };
  if (data instanceof Uint32Array) return { bitpix: 32, zero: 2147483648, code: "J", bytes: (d) => bigEndian(d, (b) => flipSign(b, 4)) };
  if (data instanceof BigInt64Array) return { bitpix: 64, zero: null, code: "K", bytes: (d) => bigEndian(d) };
  if (data instanceof BigUint64Array)
    return { bitpix: 64, zero: 9223372036854775808n, code: "K", bytes: (d) => bigEndian(d, (b) => flipSign(b, 8)) };
  if (data instanceof Float32Array) return { bitpix: -32, zero: null, code: "E", bytes: (d) => bigEndian(d) };
  return { bitpix: -64, zero: null, code: "D", bytes: (d) => bigEndian(d) };
}

function padded(bytes: Uint8Array, fill: number): Uint8Array {
  const size = Math.ceil(bytes.length / BLOCK) * BLOCK;
  if (size === bytes.length) return bytes;
  const out = new Uint8Array(size).fill(fill);
  out.set(bytes);
  return out;
}

function headerBytes(header: Header): Uint8Array {
  return latin1Encode(header.toString());
}

function extraCards(header: Header, cards: Card[] | undefined): void {
  for (const card of cards ?? []) if (!STRUCTURAL.test(card.keyword)) header.cards.push({ ...card });
}

function imageHdu(input: ImageInput, primary: boolean): Uint8Array[] {
  const data = input.data;
  const encoding = data ? encodingOf(data) : { bitpix: 8, zero: null, code: "B", bytes: () => new Uint8Array(0) };
  const shape = data ? (input.shape ?? [data.length]) : [];
  const elements = shape.reduce((product, length) => product * length, 1);
  if (data && elements !== data.length)
    throw new RangeError(`shape [${shape.join(", ")}] needs ${elements} values, data has ${data.length}`);
  const header = new Header();
  if (primary) header.set("SIMPLE", true, "conforms to FITS standard");
  else header.set("XTENSION", "IMAGE", "Image extension");
  header.set("BITPIX", encoding.bitpix, "array data type");
  header.set("NAXIS", shape.length, "number of array dimensions");
  for (const [i, length] of [...shape].reverse().entries()) header.cards.push({ keyword: `NAXIS${i + 1}`, value: length, comment: "" });
  if (primary) header.set("EXTEND", true);
  else {
    header.set("PCOUNT", 0, "number of parameters");
    header.set("GCOUNT", 1, "number of groups");
  }
  if (encoding.zero !== null) {
    header.set("BSCALE", 1);
    header.set("BZERO", encoding.zero);
  }
  if (input.name) header.set("EXTNAME", input.name, "extension name");
  extraCards(header, input.cards);
  return [headerBytes(header), padded(data ? encoding.bytes(data) : new Uint8Array(0), 0)];
}

function tableHdu(input: TableInput): Uint8Array[] {
  const rows = input.rows;
  const header = new Header();
  const encoded: Array<{ width: number; cell: (row: number) => Uint8Array }> = [];
  const formats: Array<{ name: string; form: string; unit?: string; zero?: HeaderValue }> = [];
  for (const column of input.columns) {
    if (column.data.length > 0 && typeof column.data[0] === "string") {
      const strings = column.data as string[];
      const width = Math.max(1, ...strings.map((text) => text.length));
      formats.push({ name: column.name, form: `${width}A`, unit: column.unit });
      encoded.push({ width, cell: (row) => latin1Encode((strings[row] ?? "").padEnd(width, " ")) });
      continue;
    }
    if (Array.isArray(column.data)) {
      const flags = column.data as boolean[];
      const repeat = column.repeat ?? flags.length / Math.max(1, rows);
      formats.push({ name: column.name, form: `${repeat}L`, unit: column.unit });
      encoded.push({
        width: repeat,
        cell: (row) => Uint8Array.from(flags.slice(row * repeat, (row + 1) * repeat), (flag) => (flag ? 0x54 : 0x46)),
      });
      continue;
    }
    const values = column.data as NumericArray;
    const encoding = encodingOf(values);
    const repeat = column.repeat ?? values.length / Math.max(1, rows);
    if (!Number.isInteger(repeat)) throw new RangeError(`column ${column.name}: ${values.length} values do not divide into ${rows} rows`);
    const all = encoding.bytes(values);
    const width = repeat * values.BYTES_PER_ELEMENT;
    formats.push({ name: column.name, form: `${repeat}${encoding.code}`, unit: column.unit, zero: encoding.zero });
    encoded.push({ width, cell: (row) => all.subarray(row * width, (row + 1) * width) });
  }
  const rowWidth = encoded.reduce((sum, column) => sum + column.width, 0);
  header.set("XTENSION", "BINTABLE", "binary table extension");
  header.set("BITPIX", 8, "array data type");
  header.set("NAXIS", 2, "number of array dimensions");
  header.cards.push({ keyword: "NAXIS1", value: rowWidth, comment: "length of dimension 1" });
  header.cards.push({ keyword: "NAXIS2", value: rows, comment: "length of dimension 2" });
  header.set("PCOUNT", 0, "number of group parameters");
  header.set("GCOUNT", 1, "number of groups");
  header.set("TFIELDS", formats.length, "number of table fields");
  formats.forEach((format, i) => {
    header.cards.push({ keyword: `TTYPE${i + 1}`, value: format.name, comment: "" });
    header.cards.push({ keyword: `TFORM${i + 1}`, value: format.form, comment: "" });
    if (format.unit) header.cards.push({ keyword: `TUNIT${i + 1}`, value: format.unit, comment: "" });
    if (format.zero !== undefined && format.zero !== null) header.cards.push({ keyword: `TZERO${i + 1}`, value: format.zero, comment: "" });
  });
  if (input.name) header.set("EXTNAME", input.name, "extension name");
  extraCards(header, input.cards);
  const data = new Uint8Array(rowWidth * rows);
  for (let row = 0; row < rows; row++) {
    let at = row * rowWidth;
    for (const column of encoded) {
      data.set(column.cell(row), at);
      at += column.width;
    }
  }
  return [headerBytes(header), padded(data, 0)];
}

/**
 * Writes HDUs to FITS bytes. The first must be an image (use one without data for an empty
 * primary HDU before tables).
 */
export function writeFits(hdus: ReadonlyArray<ImageInput | TableInput>): Uint8Array {
  if (hdus.length === 0 || hdus[0]?.kind === "table") throw new RangeError("a FITS file starts with an image HDU");
  const parts = hdus.flatMap((hdu, i) => (hdu.kind === "table" ? tableHdu(hdu) : imageHdu(hdu, i === 0)));
  return concatBytes(parts);
}
