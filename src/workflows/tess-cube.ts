/**
 * Cutouts of TESS full-frame-image cubes as MAST's astrocut lays them out: a primary header, an
 * image HDU of numpy shape (nrows, ncols, nframes, 2) holding flux and error for every pixel and
 * frame (so one pixel's time series is contiguous), and a table with one row of FFI header
 * keywords per frame. Only the byte runs of the wanted pixels' time series are read, planned as
 * one `readMany`, plus the frame table; the result is written as a target pixel file
 * ({@link writeTargetPixelFile}).
 * @module
 */
import {
  type BinaryColumn,
  type BinTableHdu,
  binaryColumns,
  CelestialWcs,
  decodeNumeric,
  Header,
  type HeaderValue,
  type ImageHdu,
  type OpenFitsUrlOptions,
  openFits,
  toWcsFrame,
} from "../api/fits.js";
import { type ByteSource, FormatError, InvalidArgumentError, latin1Decode } from "../api/skyfs.js";
import type { SkyPosition } from "./sky-cutout.js";
import { parseSide, roundHalfEven, type SideInput } from "./sky-size.js";
import { writeTargetPixelFile } from "./tess-tpf.js";

/** A cube cutout's size: one side for a square, or width (columns) and height (rows). */
export type CubeCutoutSize = SideInput | { width: SideInput; height: SideInput };

/** Options of {@link tessCutout}. */
export type TessCutoutOptions = OpenFitsUrlOptions & {
  /** Cancels the reads. */
  signal?: AbortSignal;
};

/** A cutout of a TESS cube: every frame of a small box of pixels. */
export interface TessCutout {
  /** Flux, C order (frame, row, column); NaN off the detector. */
  flux: Float32Array;
  /** Flux error, same layout. */
  fluxErr: Float32Array;
  /** (frames, rows, columns). */
  shape: [number, number, number];
  /** 1 where the cutout holds detector pixels, 0 where it was padded. */
  aperture: Int32Array;
  /** The cube pixel (0-based column, row) of the cutout's first pixel; negative when padded. */
  origin: [number, number];
  /** Where the position falls on the cube (0-based column, row). */
  position: [number, number];
  /** The frame table's header keywords of every frame (TSTART, TSTOP, BARYCORR, DQUALITY, FFI_FILE ...). */
  frames: FrameTable;
  /** The cube's primary header. */
  primaryHeader: Header;
  /** The WCS header of the cutout (the frame table's WCS, CRPIX and SIP reference shifted to the cutout). */
  wcsHeader: Header;
  /** The cutout's WCS. */
  wcs: CelestialWcs;
  /** The position asked for, in degrees. */
  target: { ra: number; dec: number };
  /** The target pixel file (primary, PIXELS table, APERTURE image), laid out as astrocut writes it. */
  toFits(): Uint8Array;
}

/** The per-frame table of a cube, by column. */
export interface FrameTable {
  /** Number of frames. */
  rows: number;
  /** A numeric column (`undefined` when absent). */
  numbers(name: string): Float64Array | undefined;
  /** A string column (`undefined` when absent). */
  strings(name: string): string[] | undefined;
  /** One row as header keywords (NaN values left out, as astrocut does). */
  rowHeader(row: number): Header;
}

/**
 * Cuts every frame of a box around a sky position out of a TESS cube, as astrocut's
 * `TessCubeCutout` does: the WCS comes from the frame table's middle row with a SIP WCS (the
 * cube's primary header when no row has one), the box limits are the position's pixel plus and
 * minus half the size, rounded, and pixels off the detector are NaN with aperture 0.
 */
export async function tessCutout(
  cube: string | ByteSource,
  position: SkyPosition,
  size: CubeCutoutSize,
  options: TessCutoutOptions = {},
): Promise<TessCutout> {
  const file = await openFits(cube, options);
  const primary = await file.hdu(0);
  const image = (await file.hdu(1)) as ImageHdu;
  const table = (await file.hdu(2)) as BinTableHdu;
  const shape = "shape" in image ? image.shape : [];
  if (shape.length !== 4 || shape[3] !== 2 || image.type !== "ImageHDU")
    throw new FormatError(`HDU 1 of a TESS cube is an image of shape (rows, columns, frames, 2), this one is (${shape.join(", ")})`, {
      url: file.source.url,
      index: 1,
    });
  if (table.type !== "BinTableHDU") throw new FormatError("HDU 2 of a TESS cube is the frame table", { url: file.source.url, index: 2 });
  const [nrows, ncols, nframes] = shape as [number, number, number, number];
  const frames = await readFrameTable(table, options.signal);
  if (frames.rows !== nframes)
    throw new FormatError(`the frame table has ${frames.rows} rows for ${nframes} frames`, { url: file.source.url, index: 2 });
  const wcsHeader = cubeWcsHeader(frames, primary.header);
  const wcs = CelestialWcs.fromHeader(wcsHeader);
  const frame = position.frame ?? "icrs";
  const [lng, lat] = frame === "wcs" ? [position.ra, position.dec] : toWcsFrame(position.ra, position.dec, frame, wcs.frame);
  const [px, py] = wcs.worldToPixel(lng, lat);
  if (!Number.isFinite(px) || !Number.isFinite(py)) throw new InvalidArgumentError("the position is not in the cube's footprint");
  const sides = typeof size === "object" ? size : { width: size, height: size };
  const [x0, x1] = limits(px, parseSide(sides.width), () => wcs.pixelScales()[0]);
  const [y0, y1] = limits(py, parseSide(sides.height), () => wcs.pixelScales()[1]);
  const cx0 = Math.max(0, x0);
  const cx1 = Math.min(ncols, x1);
  const cy0 = Math.max(0, y0);
  const cy1 = Math.min(nrows, y1);
  if (cx0 >= cx1 || cy0 >= cy1) throw new InvalidArgumentError("the cutout does not overlap the cube");
  const section = await image.section(
    [
      [cy0, cy1],
      [cx0, cx1],
    ],
    { signal: options.signal },
  );
  const width = x1 - x0;
  const height = y1 - y0;
  if (width * height * nframes * 2 * 4 > image.limits.maxArrayBytes)
    throw new InvalidArgumentError(
      `a cutout of ${width} x ${height} pixels x ${nframes} frames exceeds the array limit (option maxArrayBytes)`,
    );
  const flux = new Float32Array(nframes * height * width).fill(Number.NaN);
  const fluxErr = new Float32Array(nframes * height * width).fill(Number.NaN);
  const aperture = new Int32Array(height * width);
  const values = section.data as Float32Array;
  const columns = cx1 - cx0;
  for (let row = cy0; row < cy1; row++) {
    for (let column = cx0; column < cx1; column++) {
      const pixel = (row - y0) * width + (column - x0);
      aperture[pixel] = 1;
      const base = ((row - cy0) * columns + (column - cx0)) * nframes * 2;
      for (let t = 0; t < nframes; t++) {
        flux[t * height * width + pixel] = values[base + 2 * t] as number;
        fluxErr[t * height * width + pixel] = values[base + 2 * t + 1] as number;
      }
    }
  }
  const cutoutHeader = shiftedWcsHeader(wcsHeader, x0, y0);
  const result: TessCutout = {
    flux,
    fluxErr,
    shape: [nframes, height, width],
    aperture,
    origin: [x0, y0],
    position: [px, py],
    frames,
    primaryHeader: primary.header,
    wcsHeader: cutoutHeader,
    wcs: CelestialWcs.fromHeader(cutoutHeader),
    target: { ra: position.ra, dec: position.dec },
    toFits: () => writeTargetPixelFile(result),
  };
  return result;
}

/** astrocut's limits: centre minus and plus half the size, rounded (halves to even); at least one pixel. */
function limits(centre: number, side: ReturnType<typeof parseSide>, scale: () => number): [number, number] {
  const half = "pixels" in side ? side.pixels / 2 : side.degrees / scale() / 2;
  let low = roundHalfEven(centre - half);
  let high = roundHalfEven(centre + half);
  if (low === high) {
    low = Math.floor(centre);
    high = low + 1;
  }
  if (high - low > 100_000) throw new InvalidArgumentError(`a cutout of ${high - low} pixels a side is absurd`);
  return [low, high];
}

/** The WCS header astrocut uses: the middle frame's row (or the next with CTYPE2 = 'DEC--TAN-SIP'), else the primary header. */
function cubeWcsHeader(frames: FrameTable, primary: Header): Header {
  const ctype2 = frames.strings("CTYPE2");
  if (ctype2) {
    const middle = Math.floor(frames.rows / 2);
    for (let step = 0; step < frames.rows; step++) {
      const row = (middle + step) % frames.rows;
      if (ctype2[row]?.trim() === "DEC--TAN-SIP") return frames.rowHeader(row);
    }
  }
  return primary;
}

const WCS_KEYWORD =
  /^(WCSAXES|CTYPE\d|CUNIT\d|CRPIX\d|CRVAL\d|CDELT\d|CD\d_\d|PC\d_\d|LONPOLE|LATPOLE|RADESYS|EQUINOX|(A|B|AP|BP)_(ORDER|\d_\d))$/;

/** The cutout's WCS keywords: the cube's, with CRPIX (and so the SIP reference) moved by the origin, and astrocut's physical alternate P. */
function shiftedWcsHeader(header: Header, x0: number, y0: number): Header {
  const cards = header.cards.filter((card) => WCS_KEYWORD.test(card.keyword)).map((card) => ({ ...card }));
  const out = new Header(cards);
  out.set("CRPIX1", header.number("CRPIX1", 0) - x0);
  out.set("CRPIX2", header.number("CRPIX2", 0) - y0);
  const physical: Array<[string, HeaderValue, string]> = [
    ["WCSNAMEP", "PHYSICAL", "name of world coordinate system alternate P"],
    ["WCSAXESP", 2, "number of WCS physical axes"],
    ["CTYPE1P", "RAWX", "physical WCS axis 1 type (CCD column)"],
    ["CUNIT1P", "PIXEL", "physical WCS axis 1 unit"],
    ["CRPIX1P", 1, "reference CCD column"],
    ["CRVAL1P", x0 + 1, "value at reference CCD column"],
    ["CDELT1P", 1, "physical WCS axis 1 step"],
    ["CTYPE2P", "RAWY", "physical WCS axis 2 type (CCD row)"],
    ["CUNIT2P", "PIXEL", "physical WCS axis 2 unit"],
    ["CRPIX2P", 1, "reference CCD row"],
    ["CRVAL2P", y0 + 1, "value at reference CCD row"],
    ["CDELT2P", 1, "physical WCS axis 2 step"],
  ];
  for (const [keyword, value, comment] of physical) out.set(keyword, value, comment);
  return out;
}

/** Reads the whole frame table in one request and decodes columns on demand. */
async function readFrameTable(table: BinTableHdu, signal: AbortSignal | undefined): Promise<FrameTable> {
  const columns = binaryColumns(table.header);
  const rows = table.nrows;
  const rowWidth = table.rowWidth;
  const [bytes] = await table.readDataRanges([{ offset: 0, length: rows * rowWidth }], { signal });
  const data = bytes as Uint8Array;
  const byName = new Map(columns.map((column) => [column.name.toUpperCase(), column]));
  const cells = (column: BinaryColumn, start: number, end: number): Uint8Array => {
    const out = new Uint8Array((end - start) * column.width);
    for (let row = start; row < end; row++) {
      const at = row * rowWidth + column.offset;
      out.set(data.subarray(at, at + column.width), (row - start) * column.width);
    }
    return out;
  };
  const numbersOf = (column: BinaryColumn, start: number, end: number): Float64Array | undefined => {
    if (column.repeat !== 1 || !"BIJKED".includes(column.code)) return undefined;
    return Float64Array.from(
      decodeNumeric(column.code, 1, cells(column, start, end), column.scale, column.zero).data as ArrayLike<number>,
      Number,
    );
  };
  const stringsOf = (column: BinaryColumn, start: number, end: number): string[] | undefined => {
    if (column.code !== "A") return undefined;
    const text = latin1Decode(cells(column, start, end));
    return Array.from({ length: end - start }, (_, i) => text.slice(i * column.width, (i + 1) * column.width).replace(/[\0 ]+$/, ""));
  };
  return {
    rows,
    numbers(name) {
      const column = byName.get(name.toUpperCase());
      return column && numbersOf(column, 0, rows);
    },
    strings(name) {
      const column = byName.get(name.toUpperCase());
      return column && stringsOf(column, 0, rows);
    },
    rowHeader(row) {
      const header = new Header();
      for (const column of columns) {
        if (column.code === "L" && column.repeat === 1) {
          const flag = data[row * rowWidth + column.offset];
          if (flag === 0x54 || flag === 0x46) header.cards.push({ keyword: column.name, value: flag === 0x54, comment: "" });
          continue;
        }
        const text = stringsOf(column, row, row + 1);
        if (text) {
          header.cards.push({ keyword: column.name, value: text[0] as string, comment: "" });
          continue;
        }
        const value = numbersOf(column, row, row + 1)?.[0];
        if (value !== undefined && !Number.isNaN(value)) header.cards.push({ keyword: column.name, value, comment: "" });
      }
      return header;
    },
  };
}
