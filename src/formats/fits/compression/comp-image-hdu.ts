/**
 * Tile-compressed images (ZIMAGE = T): the binary table presented as the image it holds. A
 * section reads only the tiles it touches: their table cells in one batch, then their
 * compressed bytes from the heap in a second.
 * @module
 */
import type { ByteRange } from "../../../core/byte-source.js";
import { FormatError, NotSupportedError, SkyfsError } from "../../../core/errors.js";
import type { NumericArray } from "../../../core/typed-array.js";
import { type BinaryColumn, binaryColumns } from "../columns.js";
import { Hdu } from "../hdu.js";
import type { Header } from "../header.js";
import { type ArrayResult, applyScaling, bytesPerPixel, decodeBigEndian, rawDtype, scalingOf } from "../image-data.js";
import type { ImageReadOptions } from "../image-hdu.js";
import type { AxisRange } from "../section.js";
import { normaliseSection } from "../section.js";
import { inflateTile, unshuffle } from "./byte-codecs.js";
import { NULL_VALUE, type QuantizeMethod, unquantize } from "./dither.js";
import { hcompressDecode } from "./hcompress.js";
import { compressedImageHeader } from "./image-header.js";
import { plioDecode } from "./plio.js";
import { riceDecode } from "./rice.js";

/** What the table cells of one tile say. */
interface TileCells {
  compressed?: ByteRange;
  gzip?: ByteRange;
  uncompressed?: ByteRange;
  uncompressedCode?: string;
  scale?: number;
  zero?: number;
  blank?: number;
}

/** A tile-compressed image HDU. */
export class CompImageHdu extends Hdu {
  private cachedImageHeader: Header | undefined;

  /** The header of the image, rebuilt from the table's Z keywords as astropy presents it. */
  get imageHeader(): Header {
    this.cachedImageHeader ??= this.structural(() => compressedImageHeader(this.header));
    return this.cachedImageHeader;
  }

  /** BITPIX of the image (ZBITPIX). */
  get bitpix(): number {
    return this.keyword("ZBITPIX");
  }

  /** The image's shape in numpy order. */
  get shape(): number[] {
    const axes = this.fitsAxes();
    return [...axes].reverse();
  }

  /** Rows of the table (one per tile). */
  get nrows(): number {
    return this.keyword("NAXIS2", 0);
  }

  /** The compression algorithm (ZCMPTYPE). */
  get compression(): string {
    return this.header.string("ZCMPTYPE").trim();
  }

  /** The whole image, decompressed and scaled (unless `raw`). */
  async data(options: ImageReadOptions = {}): Promise<ArrayResult> {
    return this.section([], options);
  }

  /**
   * A section, one `[start, end)` per axis in numpy order (missing trailing axes are whole),
   * reading only the tiles it touches.
   */
  async section(ranges: readonly AxisRange[], options: ImageReadOptions = {}): Promise<ArrayResult> {
    const shape = this.shape;
    let bounds: Array<[number, number]>;
    try {
      bounds = normaliseSection(shape, ranges);
    } catch (error) {
      throw this.formatError((error as Error).message);
    }
    const bitpix = this.bitpix;
    if (![8, 16, 32, 64, -32, -64].includes(bitpix))
      throw this.formatError(`ZBITPIX = ${bitpix} is not a FITS value`, this.layout.headerOffset);
    const outShape = bounds.map(([start, end]) => end - start);
    const elements = outShape.reduce((product, length) => product * length, shape.length === 0 ? 0 : 1);
    if (elements * 8 > this.limits.maxArrayBytes) {
      throw this.formatError(`${elements * 8} bytes exceed the array limit of ${this.limits.maxArrayBytes} (option maxArrayBytes)`);
    }
    const floating = bitpix < 0;
    const out: NumericArray = floating
      ? bitpix === -32
        ? new Float32Array(elements)
        : new Float64Array(elements)
      : newIntegerArray(bitpix, elements);
    if (elements > 0) {
      const tiles = this.tilesFor(bounds);
      const cells = await this.readCells(
        tiles.map((tile) => tile.row),
        options.signal,
      );
      const heap = await this.readHeap(cells, options.signal);
      tiles.forEach((tile, i) => {
        let values: NumericArray;
        try {
          values = this.structural(() => this.decodeTile(tile, cells[i] as TileCells, heap[i] as TileBytes));
        } catch (error) {
          if (error instanceof FormatError) throw this.formatError(`tile ${tile.row}: ${error.message}`, this.layout.dataOffset, error);
          throw error;
        }
        copyTile(values, tile, bounds, out);
      });
    }
    if (options.raw) return { data: out, shape: outShape, dtype: rawDtype(bitpix) };
    const scaled = applyScaling(out, bitpix, scalingOf(this.imageHeader));
    return { data: scaled.data, shape: outShape, dtype: scaled.dtype };
  }

  private fitsAxes(): number[] {
    const naxis = this.keyword("ZNAXIS", 0);
    if (naxis < 0 || naxis > 999) throw this.formatError(`ZNAXIS = ${naxis} is out of range`, this.layout.headerOffset);
    return Array.from({ length: naxis }, (_, i) => {
      const length = this.keyword(`ZNAXIS${i + 1}`);
      if (length < 0) throw this.formatError(`ZNAXIS${i + 1} = ${length} is negative`, this.layout.headerOffset);
      return length;
    });
  }

  private tileSizes(): number[] {
    return this.fitsAxes().map((length, i) => {
      const tile = this.keyword(`ZTILE${i + 1}`, i === 0 ? length : 1);
      if (tile <= 0) throw this.formatError(`ZTILE${i + 1} = ${tile} must be positive`, this.layout.headerOffset);
      return Math.min(tile, Math.max(1, length));
    });
  }

  /** The tiles a section touches, each with its row and its extent (FITS axis order). */
  private tilesFor(bounds: ReadonlyArray<[number, number]>): Tile[] {
    const axes = this.fitsAxes();
    const sizes = this.tileSizes();
    const fitsBounds = [...bounds].reverse();
    const counts = axes.map((length, i) => Math.ceil(length / (sizes[i] as number)));
    const ranges = fitsBounds.map(([start, end], i) => [
      Math.floor(start / (sizes[i] as number)),
      Math.floor((end - 1) / (sizes[i] as number)),
    ]);
    const tiles: Tile[] = [];
    const index = ranges.map(([first]) => first as number);
    for (;;) {
      let row = 0;
      let stride = 1;
      const origin: number[] = [];
      const extent: number[] = [];
      index.forEach((at, axis) => {
        row += at * stride;
        stride *= counts[axis] as number;
        const start = at * (sizes[axis] as number);
        origin.push(start);
        extent.push(Math.min(sizes[axis] as number, (axes[axis] as number) - start));
      });
      tiles.push({ row, origin, extent });
      let axis = 0;
      while (axis < index.length) {
        if ((index[axis] as number) < ((ranges[axis] as number[])[1] as number)) {
          index[axis] = (index[axis] as number) + 1;
          break;
        }
        index[axis] = (ranges[axis] as number[])[0] as number;
        axis++;
      }
      if (axis === index.length) break;
    }
    if (tiles.length > this.nrows) throw this.formatError(`the image needs ${tiles.length} tiles, the table has ${this.nrows} rows`);
    for (const tile of tiles) if (tile.row >= this.nrows) throw this.formatError(`tile ${tile.row} is past the table's ${this.nrows} rows`);
    return tiles;
  }

  private columnsByName(): Map<string, BinaryColumn> {
    let columns: BinaryColumn[];
    try {
      columns = binaryColumns(this.header);
    } catch (error) {
      throw this.formatError((error as Error).message, this.layout.headerOffset, error);
    }
    return new Map(columns.map((column) => [column.name.toUpperCase(), column]));
  }

  private async readCells(rows: readonly number[], signal?: AbortSignal): Promise<TileCells[]> {
    const rowWidth = this.keyword("NAXIS1");
    const columns = this.columnsByName();
    if (!columns.has("COMPRESSED_DATA"))
      throw this.formatError("the compressed image has no COMPRESSED_DATA column", this.layout.headerOffset);
    for (const column of columns.values()) {
      if (column.offset + column.width > rowWidth)
        throw this.formatError(
          `column ${column.name} ends at byte ${column.offset + column.width} of a ${rowWidth}-byte row`,
          this.layout.headerOffset,
        );
    }
    const heapStart = this.keyword("THEAP", rowWidth * this.nrows);
    const parts = await this.readDataRanges(
      rows.map((row) => ({ offset: row * rowWidth, length: rowWidth })),
      { signal },
    );
    const descriptor = (view: DataView, column: BinaryColumn | undefined, row: number): ByteRange | undefined => {
      if (!column || (column.code !== "P" && column.code !== "Q")) return undefined;
      const wide = column.code === "Q";
      const count = wide ? Number(view.getBigInt64(column.offset)) : view.getInt32(column.offset);
      const offset = wide ? Number(view.getBigInt64(column.offset + 8)) : view.getInt32(column.offset + 4);
      const width = { B: 1, I: 2, J: 4, K: 8, E: 4, D: 8 }[column.elementCode as string] ?? 1;
      const range = { offset: heapStart + offset, length: count * width };
      if (count < 0 || offset < 0 || range.offset + range.length > this.layout.dataSize) {
        throw this.formatError(`row ${row}: its compressed bytes lie outside the heap`);
      }
      return range;
    };
    const number = (view: DataView, column: BinaryColumn | undefined): number | undefined => {
      if (!column) return undefined;
      if (column.code === "D") return view.getFloat64(column.offset);
      if (column.code === "E") return view.getFloat32(column.offset);
      if (column.code === "J") return view.getInt32(column.offset);
      if (column.code === "I") return view.getInt16(column.offset);
      return undefined;
    };
    return parts.map((bytes, i) => {
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const row = rows[i] as number;
      const uncompressed = columns.get("UNCOMPRESSED_DATA");
      return {
        compressed: descriptor(view, columns.get("COMPRESSED_DATA"), row),
        gzip: descriptor(view, columns.get("GZIP_COMPRESSED_DATA"), row),
        uncompressed: descriptor(view, uncompressed, row),
        uncompressedCode: uncompressed?.elementCode,
        scale: number(view, columns.get("ZSCALE")),
        zero: number(view, columns.get("ZZERO")),
        blank: number(view, columns.get("ZBLANK")),
      };
    });
  }

  private async readHeap(cells: readonly TileCells[], signal?: AbortSignal): Promise<TileBytes[]> {
    const wanted: ByteRange[] = [];
    const picks = cells.map((cell) => {
      const pick =
        cell.compressed && cell.compressed.length > 0
          ? "compressed"
          : cell.gzip && cell.gzip.length > 0
            ? "gzip"
            : cell.uncompressed && cell.uncompressed.length > 0
              ? "uncompressed"
              : "compressed";
      const range = cell[pick] ?? { offset: 0, length: 0 };
      wanted.push(range);
      return pick;
    });
    const bytes = await this.readDataRanges(wanted, { signal });
    return picks.map((kind, i) => ({ kind, bytes: bytes[i] as Uint8Array }));
  }

  private decodeTile(tile: Tile, cells: TileCells, stored: TileBytes): NumericArray {
    const count = tile.extent.reduce((product, length) => product * length, 1);
    const bitpix = this.bitpix;
    const header = this.header;
    const tileBytes = count * 8;
    if (stored.kind === "uncompressed") {
      return convert(decodeBigEndian(stored.bytes, bitpixOfCode(cells.uncompressedCode)), bitpix, count);
    }
    if (stored.kind === "gzip") return convert(decodeBigEndian(inflateTile(stored.bytes, tileBytes), bitpix), bitpix, count);
    const scale = cells.scale ?? header.number("ZSCALE", Number.NaN);
    const quantized = bitpix < 0 && Number.isFinite(scale);
    const algorithm = this.compression;
    let integers: NumericArray;
    switch (algorithm) {
      case "RICE_1":
      case "RICE_ONE": {
        const bytepix = this.parameter("BYTEPIX", quantized ? 4 : Math.min(4, bytesPerPixel(bitpix)));
        integers = riceDecode(stored.bytes, count, bytepix, this.parameter("BLOCKSIZE", 32));
        break;
      }
      case "PLIO_1":
        integers = plioDecode(stored.bytes, count);
        break;
      case "GZIP_1":
      case "GZIP_2": {
        const width = quantized ? 4 : bytesPerPixel(bitpix);
        let inflated = inflateTile(stored.bytes, tileBytes);
        if (algorithm === "GZIP_2") inflated = unshuffle(inflated, width);
        integers = decodeBigEndian(inflated, quantized ? 32 : bitpix);
        break;
      }
      case "NOCOMPRESS":
        integers = decodeBigEndian(stored.bytes, quantized ? 32 : bitpix);
        break;
      case "HCOMPRESS_1": {
        const [nx = 1, ...slow] = tile.extent;
        const ny = slow.reduce((product, length) => product * length, 1);
        if (this.parameter("SMOOTH", 0) !== 0)
          throw new NotSupportedError("smoothed HCOMPRESS_1 tiles (SMOOTH != 0) are not decoded", { url: this.source.url });
        integers = hcompressDecode(stored.bytes, nx, ny);
        break;
      }
      default:
        throw this.formatError(`unknown compression ${JSON.stringify(algorithm)}`, this.layout.headerOffset);
    }
    if (integers.length < count) throw new FormatError(`the tile holds ${integers.length} values, it needs ${count}`);
    if (!quantized) return convert(integers, bitpix, count);
    const method = (header.string("ZQUANTIZ", "NO_DITHER").trim() || "NO_DITHER") as QuantizeMethod;
    return unquantize(integers instanceof Int32Array ? integers : Int32Array.from(integers as ArrayLike<number>), {
      scale,
      zero: cells.zero ?? header.number("ZZERO", 0),
      method: ["SUBTRACTIVE_DITHER_1", "SUBTRACTIVE_DITHER_2"].includes(method) ? method : "NO_DITHER",
      zdither0: this.keyword("ZDITHER0", 1),
      tileRow: tile.row + 1,
      nullValue: cells.blank ?? (header.has("ZBLANK") ? this.keyword("ZBLANK") : NULL_VALUE),
      bitpix: bitpix === -32 ? -32 : -64,
    });
  }

  /** An integer keyword of the table header; a missing or malformed one is a {@link FormatError}. */
  private keyword(name: string, fallback?: number): number {
    return this.structural(() => this.header.integer(name, fallback));
  }

  /**
   * Runs header interpretation or tile decoding: the errors a damaged file can provoke there
   * (bad cards, reads past a stream's end) become {@link FormatError}s; skyfs errors pass.
   */
  private structural<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      if (error instanceof SkyfsError) throw error;
      throw this.formatError((error as Error).message, this.layout.headerOffset, error);
    }
  }

  private parameter(name: string, fallback: number): number {
    for (let i = 1; i < 100; i++) {
      const key = this.header.get(`ZNAME${i}`);
      if (key === undefined) break;
      if (String(key).trim().toUpperCase() === name) {
        const value = this.header.get(`ZVAL${i}`);
        return typeof value === "number" ? value : fallback;
      }
    }
    return fallback;
  }
}

interface Tile {
  row: number;
  origin: number[];
  extent: number[];
}

interface TileBytes {
  kind: "compressed" | "gzip" | "uncompressed";
  bytes: Uint8Array;
}

function newIntegerArray(bitpix: number, length: number): NumericArray {
  if (bitpix === 8) return new Uint8Array(length);
  if (bitpix === 16) return new Int16Array(length);
  if (bitpix === 32) return new Int32Array(length);
  return new BigInt64Array(length);
}

function bitpixOfCode(code: string | undefined): number {
  return ({ B: 8, I: 16, J: 32, K: 64, E: -32, D: -64 } as Record<string, number>)[code ?? ""] ?? 8;
}

/** Values of a tile in the image's own type. */
function convert(values: NumericArray, bitpix: number, count: number): NumericArray {
  if (values.length < count) throw new FormatError(`the tile holds ${values.length} values, it needs ${count}`);
  const target = bitpix < 0 ? (bitpix === -32 ? new Float32Array(count) : new Float64Array(count)) : newIntegerArray(bitpix, count);
  if (target instanceof BigInt64Array) {
    for (let i = 0; i < count; i++) target[i] = BigInt(values[i] as number | bigint);
  } else {
    for (let i = 0; i < count; i++) (target as Exclude<NumericArray, BigInt64Array | BigUint64Array>)[i] = Number(values[i]);
  }
  return target;
}

/** Copies the part of a tile inside the section into the output array (C order). */
function copyTile(values: NumericArray, tile: Tile, bounds: ReadonlyArray<[number, number]>, out: NumericArray): void {
  const ndim = bounds.length;
  const outShape = bounds.map(([start, end]) => end - start);
  const tileOrigin = [...tile.origin].reverse();
  const tileShape = [...tile.extent].reverse();
  const lo = bounds.map(([start], axis) => Math.max(start, tileOrigin[axis] as number));
  const hi = bounds.map(([, end], axis) => Math.min(end, (tileOrigin[axis] as number) + (tileShape[axis] as number)));
  if (lo.some((value, axis) => value >= (hi[axis] as number))) return;
  const index = [...lo];
  const rowLength = (hi[ndim - 1] as number) - (lo[ndim - 1] as number);
  const target = out as unknown as { set(array: ArrayLike<number | bigint>, offset: number): void };
  for (;;) {
    let source = 0;
    let dest = 0;
    for (let axis = 0; axis < ndim; axis++) {
      source = source * (tileShape[axis] as number) + ((index[axis] as number) - (tileOrigin[axis] as number));
      dest = dest * (outShape[axis] as number) + ((index[axis] as number) - ((bounds[axis] as [number, number])[0] as number));
    }
    target.set((values as Int32Array).subarray(source, source + rowLength), dest);
    let axis = ndim - 2;
    while (axis >= 0) {
      index[axis] = (index[axis] as number) + 1;
      if ((index[axis] as number) < (hi[axis] as number)) break;
      index[axis] = lo[axis] as number;
      axis--;
    }
    if (axis < 0) break;
  }
}
