/**
 * Cutouts by sky position, as astropy's `Cutout2D(data, SkyCoord(ra, dec), size, wcs=WCS(header))`
 * makes them: the position goes through the header's celestial WCS (SIP inverted exactly), the
 * box is placed the way Cutout2D places it, only the pixels inside the image are read (one
 * planned batch), and the header's reference pixels (CRPIX of every description, which SIP uses
 * too, and IRAF's LTV) are shifted by the cutout's origin.
 * @module
 */
import {
  type AxisRange,
  type Card,
  CelestialWcs,
  Header,
  type HeaderValue,
  type PositionFrame,
  toWcsFrame,
  writeFits,
} from "../api/fits.js";
import { InvalidArgumentError, type NumericArray } from "../api/skyfs.js";
import { cutoutShape, parseSide, type SideInput } from "./sky-size.js";

/** A position on the sky, in degrees. */
export interface SkyPosition {
  /** Right ascension (or the WCS's longitude when `frame` is `"wcs"`). */
  ra: number;
  /** Declination (or the WCS's latitude). */
  dec: number;
  /** The frame of the position: `icrs` (the default, as for a SkyCoord), `fk5` (J2000), or `wcs` (the header's own, unconverted). */
  frame?: PositionFrame | "wcs";
}

/** A cutout's size: one side for a square, or width and height. */
export type CutoutSize = SideInput | { width: SideInput; height: SideInput };

/** What a sky cutout needs of an image HDU (plain or tile-compressed). */
export interface SkyCutoutSource {
  /** The header (of a compressed image: the table's, whose image header is `imageHeader`). */
  readonly header: Header;
  /** A compressed image's own header. */
  readonly imageHeader?: Header;
  /** Shape in numpy order. */
  readonly shape: number[];
  /** Reads a section, scaled. */
  section(ranges: readonly AxisRange[], options?: { signal?: AbortSignal }): Promise<{ data: NumericArray; shape: number[] }>;
}

/** Options of {@link cutoutAt}. */
export interface CutoutAtOptions {
  /** `partial` (default): the full size, pixels off the image filled; `trim`: only what lies on the image; `strict`: refuse a box that is not wholly on the image. */
  mode?: "partial" | "trim" | "strict";
  /** The alternate WCS to place the position with (`A`..`Z`). */
  wcsKey?: string;
  /** Cancels the reads. */
  signal?: AbortSignal;
}

/** A cutout made around a sky position. */
export interface SkyCutout {
  /** The pixels in C order (scaled values; off-image pixels NaN, or `blank` for integer images). */
  data: NumericArray;
  /** Shape in numpy order (leading axes of a cube kept whole, then height, width). */
  shape: number[];
  /** The cutout's header: the original's keywords with CRPIX (every description) and LTV shifted. */
  header: Header;
  /** The original pixel (0-based x, y) of the cutout's first pixel; negative when the box starts off the image. */
  origin: [number, number];
  /** Where the position falls in the original image (0-based x, y). */
  position: [number, number];
  /** The WCS of the cutout (the header's, shifted). */
  wcs: CelestialWcs;
  /** The value off-image integer pixels hold (written as BLANK), when any were filled. */
  blank: number | bigint | undefined;
  /** The cutout as a FITS file (one primary HDU). */
  toFits(): Uint8Array;
}

/** The most pixels a cutout may hold (2^29). */
const MAX_ELEMENTS = 2 ** 29;

const DROPPED = /^(SIMPLE|XTENSION|BITPIX|NAXIS\d*|EXTEND|PCOUNT|GCOUNT|BSCALE|BZERO|BLANK|CHECKSUM|DATASUM|END|Z[A-Z0-9]*)$/;

/**
 * Cuts a box around a sky position out of an image HDU, as Cutout2D does with `mode` partial
 * (default), trim or strict. Throws {@link InvalidArgumentError} when the box misses the image
 * (or, in strict mode, leaves it) and a `WcsError` when the header has no usable celestial WCS.
 */
export async function cutoutAt(
  hdu: SkyCutoutSource,
  position: SkyPosition,
  size: CutoutSize,
  options: CutoutAtOptions = {},
): Promise<SkyCutout> {
  const header = hdu.imageHeader ?? hdu.header;
  const wcs = CelestialWcs.fromHeader(header, { key: options.wcsKey });
  const shape = hdu.shape;
  if (shape.length < 2) throw new InvalidArgumentError("a sky cutout needs an image with at least two axes");
  const [xAxis, yAxis] = wcs.pixelAxes;
  if (xAxis !== 0 || yAxis !== 1) throw new InvalidArgumentError("a sky cutout needs the celestial axes to be the image's first two axes");
  const frame = position.frame ?? "icrs";
  const [lng, lat] = frame === "wcs" ? [position.ra, position.dec] : toWcsFrame(position.ra, position.dec, frame, wcs.frame);
  const [px, py] = wcs.worldToPixel(lng, lat);
  if (!Number.isFinite(px) || !Number.isFinite(py))
    throw new InvalidArgumentError(
      `the position (${position.ra}, ${position.dec}) is outside this image's projection, or where its distortion does not invert`,
    );
  const sides =
    typeof size === "object"
      ? { height: parseSide(size.height), width: parseSide(size.width) }
      : { height: parseSide(size), width: parseSide(size) };
  const [height, width] = cutoutShape(sides.height, sides.width, () => wcs.pixelScales());
  const ny = shape[shape.length - 2] as number;
  const nx = shape[shape.length - 1] as number;
  const box = placeBox([py, px], [height, width], [ny, nx], options.mode ?? "partial");
  const leading = shape.slice(0, -2);
  const elements = leading.reduce((product, length) => product * length, box.shape[0] * box.shape[1]);
  if (elements > MAX_ELEMENTS) throw new InvalidArgumentError(`a cutout of ${elements} pixels is more than the ${MAX_ELEMENTS} allowed`);
  const ranges: AxisRange[] = [...leading.map((length): AxisRange => [0, length]), box.large[0], box.large[1]];
  const section = await hdu.section(ranges, { signal: options.signal });
  const outShape = [...leading, box.shape[0], box.shape[1]];
  const filled = box.shape[0] !== box.large[0][1] - box.large[0][0] || box.shape[1] !== box.large[1][1] - box.large[1][0];
  const { data, blank } = filled ? placeInto(section.data, leading, box) : { data: section.data, blank: undefined };
  const origin: [number, number] = [box.origin[1], box.origin[0]];
  const cards = header.cards.filter((card) => !DROPPED.test(card.keyword)).map((card) => shiftedCard(card, origin));
  if (blank !== undefined) cards.push({ keyword: "BLANK", value: storedBlank(data), comment: "value of pixels off the original image" });
  const outHeader = new Header(cards);
  return {
    data,
    shape: outShape,
    header: outHeader,
    origin,
    position: [px, py],
    wcs: CelestialWcs.fromHeader(outHeader, { key: options.wcsKey }),
    blank,
    toFits: () => writeFits([{ data, shape: outShape, cards: outHeader.cards }]),
  };
}

interface Box {
  /** `[start, end)` of the part on the image, per axis (y, x). */
  large: [[number, number], [number, number]];
  /** Where that part lands in the cutout, per axis (y, x). */
  small: [number, number];
  /** The cutout's shape (y, x). */
  shape: [number, number];
  /** The original pixel of the cutout's first pixel (y, x). */
  origin: [number, number];
}

/** astropy's `overlap_slices`: the box of `size` centred on `position` against an image of `extent`. */
function placeBox(position: [number, number], size: [number, number], extent: [number, number], mode: "partial" | "trim" | "strict"): Box {
  const min = [0, 1].map((axis) => Math.ceil((position[axis] as number) - (size[axis] as number) / 2)) as [number, number];
  const max = [0, 1].map((axis) => Math.ceil((position[axis] as number) + (size[axis] as number) / 2)) as [number, number];
  for (const axis of [0, 1]) {
    if ((max[axis] as number) < 0 || (min[axis] as number) >= (extent[axis] as number))
      throw new InvalidArgumentError("the cutout does not overlap the image");
  }
  if (mode === "strict" && [0, 1].some((axis) => (min[axis] as number) < 0 || (max[axis] as number) > (extent[axis] as number)))
    throw new InvalidArgumentError("the cutout overlaps the image only partially (mode strict)");
  const large = [0, 1].map((axis) => [Math.max(0, min[axis] as number), Math.min(extent[axis] as number, max[axis] as number)]) as [
    [number, number],
    [number, number],
  ];
  if (large.some(([start, end]) => end <= start)) throw new InvalidArgumentError("the cutout does not overlap the image");
  if (mode === "trim") {
    return { large, small: [0, 0], shape: [large[0][1] - large[0][0], large[1][1] - large[1][0]], origin: [large[0][0], large[1][0]] };
  }
  return { large, small: [Math.max(0, -min[0]), Math.max(0, -min[1])], shape: size, origin: min };
}

/** The fill value of an array type: NaN for floats, the type's minimum (0 for unsigned) for integers. */
function fillOf(data: NumericArray): number | bigint {
  if (data instanceof Float32Array || data instanceof Float64Array) return Number.NaN;
  if (data instanceof BigInt64Array) return -(2n ** 63n);
  if (data instanceof BigUint64Array) return 0n;
  if (data instanceof Int8Array) return -128;
  if (data instanceof Int16Array) return -32768;
  if (data instanceof Int32Array) return -(2 ** 31);
  return 0;
}

/** The stored BITPIX value the fill value is written as (what BLANK says). */
function storedBlank(data: NumericArray): HeaderValue {
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) return -(2n ** 63n);
  if (data instanceof Uint8Array || data instanceof Int8Array) return 0;
  if (data instanceof Int16Array || data instanceof Uint16Array) return -32768;
  return -(2 ** 31);
}

function placeInto(source: NumericArray, leading: readonly number[], box: Box): { data: NumericArray; blank: number | bigint | undefined } {
  const planes = leading.reduce((product, length) => product * length, 1);
  const [height, width] = box.shape;
  const rows = box.large[0][1] - box.large[0][0];
  const columns = box.large[1][1] - box.large[1][0];
  const Constructor = source.constructor as new (length: number) => NumericArray;
  const out = new Constructor(planes * height * width);
  const fill = fillOf(source);
  (out as { fill(value: number | bigint): unknown }).fill(fill);
  for (let plane = 0; plane < planes; plane++) {
    for (let row = 0; row < rows; row++) {
      const from = (plane * rows + row) * columns;
      const to = (plane * height + box.small[0] + row) * width + box.small[1];
      (out as { set(values: ArrayLike<number | bigint>, at: number): void }).set(
        source.subarray(from, from + columns) as ArrayLike<number | bigint>,
        to,
      );
    }
  }
  return { data: out, blank: typeof fill === "number" && Number.isNaN(fill) ? undefined : fill };
}

/** CRPIX1/CRPIX2 (any description) and LTV1/LTV2 moved by the cutout's origin (x, y). */
function shiftedCard(card: Card, origin: [number, number]): Card {
  const match = /^(CRPIX|LTV)([12])([A-Z]?)$/.exec(card.keyword);
  if (!match || typeof card.value !== "number") return { ...card };
  const shift = origin[Number(match[2]) - 1] as number;
  return shift === 0 ? { ...card } : { ...card, value: card.value - shift };
}
