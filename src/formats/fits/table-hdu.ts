/**
 * Binary-table and ASCII-table HDUs: columns by name that read only their own bytes for a row
 * range, rows and cells, and variable-length arrays from the heap.
 * @module
 */
import type { ByteRange } from "../../core/byte-source.js";
import { concatBytes } from "../../core/bytes.js";
import type { NumericArray } from "../../core/typed-array.js";
import { type BinaryColumn, binaryColumns, decodeNumeric, decodeStrings } from "./columns.js";
import { Hdu } from "./hdu.js";
import type { Dtype } from "./image-data.js";

/** The values of one column over a row range. */
export type ColumnValues =
  | { kind: "numeric"; data: NumericArray; shape: number[]; dtype: Dtype }
  | { kind: "string"; values: string[]; shape: number[] }
  | { kind: "vla"; rows: Array<{ data: NumericArray; dtype: Dtype }> };

/** A row range `[start, end)`. */
export interface RowRange {
  /** First row (default 0). */
  start?: number;
  /** Row after the last (default: all rows). */
  end?: number;
  /** Cancels the reads. */
  signal?: AbortSignal;
}

/** Rows closer than this many bytes are read as one block rather than one range per row. */
const ROW_GAP_MERGE = 4096;

abstract class TableHdu extends Hdu {
  /** Number of rows (NAXIS2). */
  get nrows(): number {
    return this.header.integer("NAXIS2", 0);
  }

  /** Bytes per row (NAXIS1). */
  get rowWidth(): number {
    return this.header.integer("NAXIS1", 0);
  }

  /** Column names in order. */
  abstract get columnNames(): string[];

  /** The values of a column (by name, case-insensitive, or index) for a row range. */
  abstract column(nameOrIndex: string | number, rows?: RowRange): Promise<ColumnValues>;

  protected rowSpan(rows: RowRange): [number, number] {
    const start = rows.start ?? 0;
    const end = rows.end ?? this.nrows;
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > this.nrows || start > end) {
      throw this.formatError(`rows [${start}, ${end}) are outside a table of ${this.nrows} rows`);
    }
    return [start, end];
  }

  /** The bytes of one column's cells for rows `[start, end)`, packed. */
  protected async cellBytes(offset: number, width: number, start: number, end: number, signal?: AbortSignal): Promise<Uint8Array> {
    const count = end - start;
    if (count === 0 || width === 0) return new Uint8Array(0);
    const rowWidth = this.rowWidth;
    if (rowWidth - width <= ROW_GAP_MERGE) {
      const [block] = await this.readDataRanges([{ offset: start * rowWidth + offset, length: (count - 1) * rowWidth + width }], {
        signal,
      });
      const out = new Uint8Array(count * width);
      for (let row = 0; row < count; row++) out.set((block as Uint8Array).subarray(row * rowWidth, row * rowWidth + width), row * width);
      return out;
    }
    const ranges: ByteRange[] = Array.from({ length: count }, (_, row) => ({ offset: (start + row) * rowWidth + offset, length: width }));
    return concatBytes(await this.readDataRanges(ranges, { signal }));
  }

  /** One row as an object of column name to value. */
  async row(index: number): Promise<Record<string, unknown>> {
    const names = this.columnNames;
    const values = await Promise.all(names.map((_, column) => this.cell(index, column)));
    return Object.fromEntries(names.map((name, i) => [name || `col${i + 1}`, values[i]]));
  }

  /** One cell: a number, bigint, boolean, string, or a typed array for vector cells. */
  async cell(row: number, nameOrIndex: string | number): Promise<unknown> {
    const values = await this.column(nameOrIndex, { start: row, end: row + 1 });
    if (values.kind === "string") return values.values.length === 1 ? values.values[0] : values.values;
    if (values.kind === "vla") return values.rows[0]?.data;
    const perRow = values.shape.slice(1).reduce((product, length) => product * length, 1) * (values.dtype.startsWith("complex") ? 2 : 1);
    if (perRow === 1 && values.shape.length === 1) {
      const value = values.data[0];
      return values.dtype === "bool" ? value === 1 : value;
    }
    return values.data;
  }

  protected findIndex(nameOrIndex: string | number, names: string[]): number {
    if (typeof nameOrIndex === "number") {
      if (nameOrIndex < 0 || nameOrIndex >= names.length) throw this.formatError(`no column ${nameOrIndex}`);
      return nameOrIndex;
    }
    let index = names.indexOf(nameOrIndex);
    if (index < 0) index = names.findIndex((name) => name.toUpperCase() === nameOrIndex.toUpperCase());
    if (index < 0) throw this.formatError(`no column named ${JSON.stringify(nameOrIndex)} (columns: ${names.join(", ")})`);
    return index;
  }
}

/**
 * A binary table (XTENSION = 'BINTABLE'). Variable-length logical arrays come back as their raw
 * bytes (`T` = 84, `F` = 70, 0 = undefined) in an Int8Array, as astropy returns them, and
 * variable-length character arrays (`PA`) as their bytes in a Uint8Array.
 */
export class BinTableHdu extends TableHdu {
  private cachedColumns: BinaryColumn[] | undefined;

  /** The column descriptions. */
  get columns(): BinaryColumn[] {
    if (!this.cachedColumns) {
      try {
        this.cachedColumns = binaryColumns(this.header);
      } catch (error) {
        throw this.formatError((error as Error).message, this.layout.headerOffset, error);
      }
      const used = this.cachedColumns.reduce((sum, column) => sum + column.width, 0);
      if (used > this.rowWidth)
        throw this.formatError(`columns need ${used} bytes per row, NAXIS1 is ${this.rowWidth}`, this.layout.headerOffset);
    }
    return this.cachedColumns;
  }

  get columnNames(): string[] {
    return this.columns.map((column) => column.name);
  }

  async column(nameOrIndex: string | number, rows: RowRange = {}): Promise<ColumnValues> {
    const column = this.columns[this.findIndex(nameOrIndex, this.columnNames)] as BinaryColumn;
    const [start, end] = this.rowSpan(rows);
    const bytes = await this.cellBytes(column.offset, column.width, start, end, rows.signal);
    const count = end - start;
    if (column.code === "A") {
      const width = column.dims && column.dims.length > 1 ? (column.dims[column.dims.length - 1] as number) : column.repeat;
      const values = decodeStrings(bytes, width);
      const shape = column.dims && column.dims.length > 1 ? [count, ...column.dims.slice(0, -1)] : [count];
      return { kind: "string", values, shape };
    }
    if (column.code === "P" || column.code === "Q") return this.variableLength(column, bytes, count, rows.signal);
    const decoded = decodeNumeric(column.code, column.repeat, bytes, column.scale, column.zero);
    const cellShape = column.dims ?? (column.repeat === 1 && column.code !== "X" ? [] : [column.repeat]);
    return { kind: "numeric", data: decoded.data, shape: [count, ...cellShape], dtype: decoded.dtype };
  }

  /**
   * Reads the heap ranges a column's descriptors name. Each distinct range is read and decoded
   * once: rows that repeat a descriptor share one typed array. The distinct bytes must stay
   * within `maxColumnBytes`, so that the cost of the read is bounded by the heap, not by how
   * often a hostile file repeats a range.
   */
  private async variableLength(column: BinaryColumn, descriptors: Uint8Array, count: number, signal?: AbortSignal): Promise<ColumnValues> {
    const view = new DataView(descriptors.buffer, descriptors.byteOffset, descriptors.byteLength);
    const wide = column.code === "Q";
    const heapStart = this.header.integer("THEAP", this.rowWidth * this.nrows);
    if (heapStart < 0 || heapStart > this.layout.dataSize)
      throw this.formatError(`THEAP = ${heapStart} lies outside the data unit`, this.layout.headerOffset);
    const element = column.elementCode as BinaryColumn["code"];
    const distinct = new Map<string, { range: ByteRange; length: number }>();
    const rowKeys: string[] = [];
    let total = 0;
    for (let row = 0; row < count; row++) {
      const at = row * column.width;
      const length = wide ? Number(view.getBigInt64(at)) : view.getInt32(at);
      const offset = wide ? Number(view.getBigInt64(at + 8)) : view.getInt32(at + 4);
      const bytes = element === "X" ? Math.ceil(length / 8) : element === "A" ? length : length * cellWidthOf(element);
      if (!Number.isSafeInteger(bytes) || length < 0 || offset < 0 || heapStart + offset + bytes > this.layout.dataSize) {
        throw this.formatError(`row ${row}: variable-length array [${offset}, ${offset + bytes}) lies outside the heap`);
      }
      const key = `${offset}:${length}`;
      rowKeys.push(key);
      if (distinct.has(key)) continue;
      total += Math.max(bytes, length);
      if (total > this.limits.maxColumnBytes)
        throw this.formatError(
          `the variable-length arrays of column ${column.name} need more than ${this.limits.maxColumnBytes} bytes (option maxColumnBytes)`,
        );
      distinct.set(key, { range: { offset: heapStart + offset, length: bytes }, length });
    }
    const wanted = [...distinct.values()].filter((entry) => entry.range.length > 0);
    const parts = await this.readDataRanges(
      wanted.map((entry) => entry.range),
      { signal },
    );
    const decoded = new Map<string, { data: NumericArray; dtype: Dtype }>();
    const empty = new Uint8Array(0);
    let next = 0;
    for (const [key, entry] of distinct) {
      const bytes = entry.range.length > 0 ? (parts[next++] as Uint8Array) : empty;
      if (element === "X") decoded.set(key, decodeNumeric("X", entry.length, bytes));
      else if (element === "L") decoded.set(key, { data: new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length), dtype: "int8" });
      else if (element === "A") decoded.set(key, { data: bytes, dtype: "uint8" });
      else {
        try {
          decoded.set(key, decodeNumeric(element, entry.length, bytes, column.scale, column.zero));
        } catch (error) {
          throw this.formatError(`column ${column.name}: ${(error as Error).message}`, this.layout.headerOffset, error);
        }
      }
    }
    return { kind: "vla", rows: rowKeys.map((key) => decoded.get(key) as { data: NumericArray; dtype: Dtype }) };
  }
}

function cellWidthOf(code: BinaryColumn["code"]): number {
  return ({ L: 1, B: 1, I: 2, J: 4, K: 8, E: 4, D: 8, C: 8, M: 16 } as Record<string, number>)[code] ?? 1;
}

/** One column of an ASCII table. */
export interface AsciiColumn {
  /** TTYPEn. */
  name: string;
  /** TFORMn as written. */
  format: string;
  /** A, I, F, E or D. */
  code: "A" | "I" | "F" | "E" | "D";
  /** Byte offset of the field in a row (TBCOLn - 1). */
  offset: number;
  /** Field width in characters. */
  width: number;
}

/** An ASCII table (XTENSION = 'TABLE'). */
export class AsciiTableHdu extends TableHdu {
  /** The column descriptions. */
  get columns(): AsciiColumn[] {
    const count = this.header.integer("TFIELDS", 0);
    return Array.from({ length: count }, (_, i) => {
      const format = this.header.string(`TFORM${i + 1}`).trim();
      const match = /^([AIFED])(\d+)(?:\.\d+)?$/.exec(format);
      if (!match) throw this.formatError(`unknown ASCII table format ${JSON.stringify(format)}`, this.layout.headerOffset);
      const offset = this.header.integer(`TBCOL${i + 1}`) - 1;
      const width = Number(match[2]);
      if (offset < 0 || offset + width > this.rowWidth)
        throw this.formatError(`column ${i + 1} lies outside the row`, this.layout.headerOffset);
      return { name: this.header.string(`TTYPE${i + 1}`).trim(), format, code: match[1] as AsciiColumn["code"], offset, width };
    });
  }

  get columnNames(): string[] {
    return this.columns.map((column) => column.name);
  }

  async column(nameOrIndex: string | number, rows: RowRange = {}): Promise<ColumnValues> {
    const columns = this.columns;
    const index = this.findIndex(
      nameOrIndex,
      columns.map((column) => column.name),
    );
    const column = columns[index] as AsciiColumn;
    const [start, end] = this.rowSpan(rows);
    const bytes = await this.cellBytes(column.offset, column.width, start, end, rows.signal);
    const texts = decodeStrings(bytes, column.width);
    const count = end - start;
    if (column.code === "A") return { kind: "string", values: texts, shape: [count] };
    const scale = this.header.number(`TSCAL${index + 1}`, 1);
    const zero = this.header.number(`TZERO${index + 1}`, 0);
    const nullText = this.header.string(`TNULL${index + 1}`).trim();
    const isNull = (trimmed: string): boolean => trimmed === "" || (nullText !== "" && trimmed === nullText);
    if (column.code === "I") {
      const parse = (text: string, row: number): bigint => {
        const trimmed = text.trim();
        if (isNull(trimmed)) return 0n;
        if (!/^[+-]?\d+$/.test(trimmed)) throw this.formatError(`row ${start + row}: ${JSON.stringify(text)} is not an integer`);
        return BigInt(trimmed);
      };
      if (scale !== 1 || zero !== 0) {
        return {
          kind: "numeric",
          data: Float64Array.from(texts, (text, row) => Number(parse(text, row)) * scale + zero),
          shape: [count],
          dtype: "float64",
        };
      }
      if (column.width <= 4)
        return { kind: "numeric", data: Int16Array.from(texts, (text, row) => Number(parse(text, row))), shape: [count], dtype: "int16" };
      if (column.width <= 9)
        return { kind: "numeric", data: Int32Array.from(texts, (text, row) => Number(parse(text, row))), shape: [count], dtype: "int32" };
      return { kind: "numeric", data: BigInt64Array.from(texts, (text, row) => parse(text, row)), shape: [count], dtype: "int64" };
    }
    const data = Float64Array.from(texts, (text, row) => {
      if (isNull(text.trim())) return 0;
      const trimmed = text.trim().replace(/[dD]/, "E");
      const value = Number(trimmed);
      if (Number.isNaN(value) && !/nan/i.test(trimmed))
        throw this.formatError(`row ${start + row}: ${JSON.stringify(text)} is not a number`);
      return value * scale + zero;
    });
    return { kind: "numeric", data, shape: [count], dtype: "float64" };
  }
}
