/**
 * `core/ndarray`: arrays stored in a block (by number), in another ASDF file (by URI), or inline
 * in the tree, with datatype, byte order, shape (`*` for a streamed block), offset and strides.
 * A view, and a section of any array, reads only the byte runs it covers.
 * @module
 */
import type { ByteRange, IoOptions } from "../../core/byte-source.js";
import { FormatError, InvalidArgumentError } from "../../core/errors.js";
import type { NumericArray } from "../../core/typed-array.js";
import { type Datatype, dtypeName, parseDatatype, shown } from "./dtype.js";
import { decodeNumeric, decodeStrings } from "./values.js";
import { type AxisSlice, contiguousStrides, gatherRuns, planView, resolveSlices, type SectionPlan, type ViewLayout } from "./view-plan.js";
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
  /** Byte ranges of an uncompressed block's data, fetched as one planned `readMany`. */
  readBlockRanges(index: number, ranges: readonly ByteRange[], options?: IoOptions): Promise<Uint8Array[]>;
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
  read(options: IoOptions = {}): Promise<NdArrayData> {
    return this.section([], options);
  }

  /**
   * Reads a section: one `[start, end)` per axis in numpy order (slowest axis first), as in
   * Python slicing: negative bounds count from the end, `null`/`undefined` (or a missing
   * axis) mean the whole axis, bounds past the end are clipped. The same call as a FITS image
   * HDU's `section`.
   *
   * From an uncompressed block only the runs the section covers are read, all in one
   * `readMany`; a compressed block is decompressed once and kept by the file, so further
   * sections of it cost no more reads.
   */
  async section(slices: readonly AxisSlice[], options: IoOptions = {}): Promise<NdArrayData> {
    const datatype = this.datatype;
    if (this.meta.data !== undefined && this.meta.source === undefined) {
      const whole = this.readInline(datatype);
      const bounds = this.bounds(whole.shape, slices);
      const sliced = sliceInline(whole, bounds);
      return this.withMask(sliced, slices, options);
    }
    const { reader, block, shape, layout, dataSize } = await this.locate(datatype);
    const bounds = this.bounds(shape, slices);
    const outShape = bounds.map(([start, end]) => end - start);
    const count = outShape.reduce((product, length) => product * length, 1);
    const itemsize = datatype.itemsize;
    if (count * itemsize > reader.maxArrayBytes)
      throw this.fail(`${count * itemsize} bytes exceed the array limit of ${reader.maxArrayBytes} (option maxArrayBytes)`);
    if (count === 0 || itemsize === 0) return this.withMask(decode(new Uint8Array(0), datatype, count, outShape), slices, options);
    const plan = planView(layout, bounds);
    if (plan.low < 0 || plan.high > dataSize) throw this.fail(`the array reads bytes ${plan.low}-${plan.high} of a block of ${dataSize}`);
    let bytes: Uint8Array;
    if (await reader.blockIsCompressed(block)) bytes = gatherRuns(plan, await reader.readBlock(block), 0);
    else bytes = await readRuns(reader, block, plan, options);
    return this.withMask(decode(bytes, datatype, count, outShape, true), slices, options);
  }

  /** The shape, with a streamed block's `*` resolved (reads the block headers, not the data). */
  async resolveShape(): Promise<number[]> {
    const datatype = this.datatype;
    if (this.meta.data !== undefined && this.meta.source === undefined) {
      const shape = this.meta.shape;
      return (Array.isArray(shape) ? shape : inlineShape(this.meta.data)).map(Number);
    }
    return (await this.locate(datatype)).shape;
  }

  /** Where the array's bytes are: the block, its resolved shape and its view layout. */
  private async locate(
    datatype: Datatype,
  ): Promise<{ reader: BlockReader; block: number; shape: number[]; layout: ViewLayout; dataSize: number }> {
    const source = this.meta.source;
    let reader = this.reader;
    let block: number;
    if (typeof source === "number" && Number.isInteger(source)) block = source;
    else if (typeof source === "string") {
      reader = await this.reader.external(source);
      block = 0;
    } else throw this.fail(`an ndarray with neither data nor a usable source (${shown(source)})`);
    const itemsize = datatype.itemsize;
    const dataSize = await reader.blockDataSize(block);
    const offset = this.meta.offset === undefined ? 0 : Number(this.meta.offset);
    if (!Number.isSafeInteger(offset) || offset < 0) throw this.fail(`bad offset ${shown(this.meta.offset)}`);
    const declared = this.declaredShape;
    const rest = declared.slice(1).map(Number);
    const restCount = rest.reduce((product, length) => product * length, 1);
    const shape = declared.map((length, axis) => {
      if (length !== "*") return Number(length);
      if (axis !== 0) throw this.fail("only the first axis may be '*'");
      return restCount * itemsize === 0 ? 0 : Math.floor(Math.max(0, dataSize - offset) / (restCount * itemsize));
    });
    if (shape.some((length) => !Number.isSafeInteger(length) || length < 0)) throw this.fail(`bad shape ${shown(declared)}`);
    const given = this.meta.strides;
    let strides = contiguousStrides(shape, itemsize);
    if (Array.isArray(given) && given.length === shape.length) {
      strides = given.map(Number);
      if (strides.some((stride) => !Number.isSafeInteger(stride))) throw this.fail(`bad strides ${shown(given)}`);
    }
    return { reader, block, shape, layout: { shape, strides, offset, itemsize }, dataSize };
  }

  private bounds(shape: readonly number[], slices: readonly AxisSlice[]): Array<[number, number]> {
    try {
      return resolveSlices(shape, slices);
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message, { url: this.reader.url });
    }
  }

  private fail(message: string): FormatError {
    return new FormatError(message, { url: this.reader.url });
  }

  private readInline(datatype: Datatype): NdArrayData {
    const values = flatten(this.meta.data);
    const shape = (Array.isArray(this.meta.shape) ? (this.meta.shape as number[]) : inlineShape(this.meta.data)).map(Number);
    const count = shape.reduce((product, length) => product * length, 1);
    if (values.length !== count)
      throw new FormatError(`inline data holds ${values.length} values, the shape ${shown(shape)} needs ${count}`, {
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

  private async withMask(result: NdArrayData, slices: readonly AxisSlice[], options: IoOptions): Promise<NdArrayData> {
    const mask = this.meta.mask;
    if (!(mask instanceof NdArray)) return result;
    const read = await mask.section(slices, options);
    result.mask = Uint8Array.from(read.data as ArrayLike<number>, (value) => (Number(value) ? 1 : 0));
    return result;
  }
}

/** Most runs fetched in one `readMany`; longer plans go in batches of this many, one after the other. */
const RUNS_PER_BATCH = 65_536;

/**
 * Reads the runs of a plan from an uncompressed block into one new array: one `readMany` for
 * up to {@link RUNS_PER_BATCH} runs, the touched span once when it is no larger than the
 * section (views that overlap themselves, such as zero strides).
 */
async function readRuns(reader: BlockReader, block: number, plan: SectionPlan, options: IoOptions): Promise<Uint8Array> {
  const span = plan.high - plan.low;
  if (plan.runs > 1 && span <= plan.runs * plan.runBytes) {
    const [bytes] = await reader.readBlockRanges(block, [{ offset: plan.low, length: span }], options);
    return gatherRuns(plan, bytes as Uint8Array, plan.low);
  }
  const out = new Uint8Array(plan.runs * plan.runBytes);
  for (let from = 0; from < plan.runs; from += RUNS_PER_BATCH) {
    const to = Math.min(plan.runs, from + RUNS_PER_BATCH);
    const ranges = plan.runOffsets(from, to).map((offset) => ({ offset, length: plan.runBytes }));
    const parts = await reader.readBlockRanges(block, ranges, options);
    parts.forEach((part, i) => {
      out.set(part, (from + i) * plan.runBytes);
    });
  }
  return out;
}

/** An in-memory section of inline values (complex numbers take two slots each). */
function sliceInline(whole: NdArrayData, bounds: ReadonlyArray<readonly [number, number]>): NdArrayData {
  const shape = bounds.map(([start, end]) => end - start);
  const count = shape.reduce((product, length) => product * length, 1);
  const width = whole.dtype.startsWith("complex") ? 2 : 1;
  const layout = { shape: whole.shape, strides: contiguousStrides(whole.shape, width), offset: 0, itemsize: width };
  const source = whole.data as ArrayLike<unknown> & { slice(start?: number, end?: number): unknown };
  const picked: number[] = [];
  if (count > 0) {
    const plan = planView(layout, bounds);
    plan.forEachRun((at) => {
      for (let i = 0; i < plan.runBytes; i++) picked.push(at + i);
    });
  }
  const data = Array.isArray(source)
    ? picked.map((at) => source[at])
    : (() => {
        const out = source.slice(0, picked.length) as NumericArray;
        picked.forEach((at, i) => {
          out[i] = (source as NumericArray)[at] as never;
        });
        return out;
      })();
  return { ...whole, data: data as NdArrayData["data"], shape };
}

/** Decodes the bytes of `count` values; `owned` bytes (a fresh array) are converted in place. */
function decode(bytes: Uint8Array, datatype: Datatype, count: number, shape: number[], owned = false): NdArrayData {
  if (datatype.kind === "numeric")
    return { data: decodeNumeric(bytes, datatype.name, datatype.byteorder, count, owned), shape, dtype: dtypeName(datatype), datatype };
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
