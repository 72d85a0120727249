/**
 * `core/ndarray`: arrays stored in a block (by number), in another ASDF file (by URI), or inline
 * in the tree, with datatype, byte order, shape (`*` for a streamed block), offset and strides.
 * A view reads only the byte ranges it covers.
 * @module
 */
import type { ByteRange } from "../../core/byte-source.js";
import { FormatError } from "../../core/errors.js";
import type { NumericArray } from "../../core/typed-array.js";
import { type Datatype, dtypeName, parseDatatype } from "./dtype.js";
import { decodeNumeric, decodeStrings } from "./values.js";
import type { Complex } from "./yaml-tree.js";

/** What an ndarray needs from its file: block bytes and other files. */
export interface BlockReader {
  /** The file's URL (for messages). */
  readonly url: string;
  /** Whether block `index` is stored compressed (then only whole reads are possible). */
  blockIsCompressed(index: number): Promise<boolean>;
  /** Decompressed size of block `index`. */
  blockDataSize(index: number): Promise<number>;
  /** The whole decompressed data of block `index`. */
  readBlock(index: number): Promise<Uint8Array>;
  /** Byte ranges of an uncompressed block's data. */
  readBlockRanges(index: number, ranges: readonly ByteRange[]): Promise<Uint8Array[]>;
  /** The reader of another ASDF file, by URI relative to this one. */
  external(uri: string): Promise<BlockReader>;
  /** Largest array allocated at once, in bytes. */
  readonly maxArrayBytes: number;
}

/** An array's values: typed array (numbers), strings, or packed records (structured). */
export interface NdArrayData {
  /** Numbers in native byte order (complex interleaved re, im), strings, or the raw records. */
  data: NumericArray | string[] | Uint8Array;
  /** Shape, C order. */
  shape: number[];
  /** numpy name of the element type (`string`, `structured` for those kinds). */
  dtype: string;
  /** The parsed datatype. */
  datatype: Datatype;
  /** The mask, when the array has one (true = masked), same shape. */
  mask?: Uint8Array;
}

/** An ndarray of an ASDF tree; nothing is read until {@link NdArray.read}. */
export class NdArray {
  constructor(
    private readonly reader: BlockReader,
    /** The ndarray's mapping as written in the tree. */
    readonly meta: Record<string, unknown>,
    /** Its tag. */
    readonly tag: string,
  ) {}

  /** The datatype (inferred from inline data when absent). */
  get datatype(): Datatype {
    const byteorder = this.meta.byteorder === "big" ? "big" : "little";
    if (this.meta.datatype !== undefined) {
      try {
        return parseDatatype(this.meta.datatype, byteorder);
      } catch (error) {
        throw new FormatError((error as Error).message, { url: this.reader.url });
      }
    }
    return inferDatatype(this.meta.data);
  }

  /** numpy's name of the element type. */
  get dtype(): string {
    return dtypeName(this.datatype);
  }

  /** The shape as written (`*` stands for "as long as the streamed block holds"). */
  get declaredShape(): Array<number | "*"> {
    const shape = this.meta.shape;
    if (Array.isArray(shape)) return shape as Array<number | "*">;
    if (this.meta.data !== undefined) return inlineShape(this.meta.data);
    return [];
  }

  /** Reads the values (only the byte ranges the array covers, for uncompressed blocks). */
  async read(): Promise<NdArrayData> {
    const datatype = this.datatype;
    const fail = (message: string): FormatError => new FormatError(message, { url: this.reader.url });
    if (this.meta.data !== undefined && this.meta.source === undefined) return this.withMask(this.readInline(datatype));
    const source = this.meta.source;
    let reader = this.reader;
    let block: number;
    if (typeof source === "number" && Number.isInteger(source)) block = source;
    else if (typeof source === "string") {
      reader = await this.reader.external(source);
      block = 0;
    } else throw fail(`an ndarray with neither data nor a usable source (${JSON.stringify(source)})`);
    const itemsize = datatype.itemsize;
    const dataSize = await reader.blockDataSize(block);
    const offset = typeof this.meta.offset === "number" ? this.meta.offset : 0;
    const declared = this.declaredShape;
    const rest = declared.slice(1).map(Number);
    const restCount = rest.reduce((product, length) => product * length, 1);
    const shape = declared.map((length, axis) => {
      if (length !== "*") return Number(length);
      if (axis !== 0) throw fail("only the first axis may be '*'");
      return restCount * itemsize === 0 ? 0 : Math.floor((dataSize - offset) / (restCount * itemsize));
    });
    if (shape.some((length) => !Number.isSafeInteger(length) || length < 0)) throw fail(`bad shape ${JSON.stringify(declared)}`);
    const count = shape.reduce((product, length) => product * length, 1);
    if (count * itemsize > reader.maxArrayBytes)
      throw fail(`${count * itemsize} bytes exceed the array limit of ${reader.maxArrayBytes} (option maxArrayBytes)`);
    const ranges = viewRanges(shape, itemsize, offset, this.meta.strides);
    for (const range of ranges) {
      if (range.offset < 0 || range.offset + range.length > dataSize)
        throw fail(`the array reads bytes ${range.offset}-${range.offset + range.length} of a block of ${dataSize}`);
    }
    let parts: Uint8Array[];
    if (await reader.blockIsCompressed(block)) {
      const whole = await reader.readBlock(block);
      parts = ranges.map((range) => whole.subarray(range.offset, range.offset + range.length));
    } else parts = ranges.length === 0 ? [] : await reader.readBlockRanges(block, ranges);
    const bytes = concat(parts, count * itemsize);
    return this.withMask(decode(bytes, datatype, count, shape));
  }

  private readInline(datatype: Datatype): NdArrayData {
    const values = flatten(this.meta.data);
    const shape = (Array.isArray(this.meta.shape) ? (this.meta.shape as number[]) : inlineShape(this.meta.data)).map(Number);
    const count = shape.reduce((product, length) => product * length, 1);
    if (values.length !== count)
      throw new FormatError(`inline data holds ${values.length} values, the shape ${JSON.stringify(shape)} needs ${count}`, {
        url: this.reader.url,
      });
    if (datatype.kind === "string") return { data: values.map(String), shape, dtype: "string", datatype };
    if (datatype.kind !== "numeric") throw new FormatError("inline structured arrays are not supported", { url: this.reader.url });
    const native = { ...datatype, byteorder: (new Uint8Array(Uint16Array.of(1).buffer)[0] === 1 ? "little" : "big") as "big" | "little" };
    const numbers = decodeNumeric(new Uint8Array(0), native.name, native.byteorder, count);
    values.forEach((value, i) => {
      if (datatype.name === "complex64" || datatype.name === "complex128") {
        const complex = typeof value === "object" && value !== null ? (value as Complex) : { re: Number(value), im: 0 };
        (numbers as Float64Array)[2 * i] = complex.re;
        (numbers as Float64Array)[2 * i + 1] = complex.im;
      } else if (numbers instanceof BigInt64Array || numbers instanceof BigUint64Array) numbers[i] = BigInt(value as number | bigint);
      else (numbers as Float64Array)[i] = value === null ? Number.NaN : typeof value === "boolean" ? Number(value) : Number(value);
    });
    return { data: numbers, shape, dtype: dtypeName(datatype), datatype };
  }

  private async withMask(result: NdArrayData): Promise<NdArrayData> {
    const mask = this.meta.mask;
    if (!(mask instanceof NdArray)) return result;
    const read = await mask.read();
    result.mask = Uint8Array.from(read.data as ArrayLike<number>, (value) => (Number(value) ? 1 : 0));
    return result;
  }
}

/** Byte ranges (in C order of the elements) that a view covers. */
function viewRanges(shape: readonly number[], itemsize: number, offset: number, strides: unknown): ByteRange[] {
  const count = shape.reduce((product, length) => product * length, 1);
  if (count === 0) return [];
  const contiguous: number[] = [];
  let step = itemsize;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    contiguous[axis] = step;
    step *= shape[axis] as number;
  }
  const given = Array.isArray(strides) && strides.length === shape.length ? (strides as number[]).map(Number) : contiguous;
  if (given.every((stride, axis) => stride === contiguous[axis])) return [{ offset, length: count * itemsize }];
  const last = shape.length - 1;
  const rowContiguous = given[last] === itemsize;
  const rowLength = rowContiguous ? (shape[last] as number) * itemsize : itemsize;
  const outer = rowContiguous ? shape.slice(0, last) : shape;
  const ranges: ByteRange[] = [];
  const index = outer.map(() => 0);
  const total = outer.reduce((product, length) => product * length, 1);
  for (let n = 0; n < total; n++) {
    let at = offset;
    index.forEach((i, axis) => {
      at += i * (given[axis] as number);
    });
    ranges.push({ offset: at, length: rowLength });
    for (let axis = outer.length - 1; axis >= 0; axis--) {
      index[axis] = (index[axis] as number) + 1;
      if ((index[axis] as number) < (outer[axis] as number)) break;
      index[axis] = 0;
    }
  }
  return ranges;
}

function concat(parts: readonly Uint8Array[], length: number): Uint8Array {
  if (parts.length === 1 && (parts[0] as Uint8Array).length === length) return parts[0] as Uint8Array;
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function decode(bytes: Uint8Array, datatype: Datatype, count: number, shape: number[]): NdArrayData {
  if (datatype.kind === "numeric")
    return { data: decodeNumeric(bytes, datatype.name, datatype.byteorder, count), shape, dtype: dtypeName(datatype), datatype };
  if (datatype.kind === "string") return { data: decodeStrings(bytes, datatype, count), shape, dtype: "string", datatype };
  return { data: bytes.slice(), shape, dtype: "structured", datatype };
}

function flatten(value: unknown): unknown[] {
  return Array.isArray(value) ? value.flatMap(flatten) : [value];
}

function inlineShape(value: unknown): number[] {
  const shape: number[] = [];
  let level = value;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0];
  }
  return shape;
}

function inferDatatype(data: unknown): Datatype {
  const values = flatten(data);
  if (values.some((value) => typeof value === "string")) {
    const length = Math.max(0, ...values.map((value) => String(value).length));
    return { kind: "string", encoding: "ucs4", length, itemsize: 4 * length, byteorder: "little" };
  }
  if (values.some((value) => typeof value === "object" && value !== null)) return parseDatatype("complex128");
  if (values.length > 0 && values.every((value) => typeof value === "boolean")) return parseDatatype("bool8");
  if (values.every((value) => typeof value === "bigint" || (typeof value === "number" && Number.isInteger(value))))
    return parseDatatype("int64");
  return parseDatatype("float64");
}
