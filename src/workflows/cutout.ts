/**
 * Cutouts: a section of an image HDU written as a new FITS file whose header keeps the
 * original's keywords, with the reference pixel moved so that the WCS still places every pixel
 * on the sky where it was.
 * @module
 */
import { type AxisRange, type Card, type Header, writeFits } from "../fits.js";
import { InvalidArgumentError, type NumericArray } from "../index.js";

/** What a cutout needs of an image HDU (plain or tile-compressed). */
export interface CutoutSource {
  /** The header. */
  readonly header: Header;
  /** Shape in numpy order. */
  readonly shape: number[];
  /** Reads a section, scaled. */
  section(ranges: readonly AxisRange[]): Promise<{ data: NumericArray; shape: number[] }>;
}

/** A cutout: the FITS bytes and the section it holds. */
export interface Cutout {
  /** The new file: a primary HDU holding the section. */
  fits: Uint8Array;
  /** The section's shape (numpy order). */
  shape: number[];
  /** The section's `[start, end)` per axis (numpy order), clipped to the image. */
  bounds: Array<[number, number]>;
}

const DROPPED = /^(SIMPLE|XTENSION|BITPIX|NAXIS\d*|EXTEND|PCOUNT|GCOUNT|BSCALE|BZERO|BLANK|CHECKSUM|DATASUM|END|Z[A-Z0-9]*)$/;

/**
 * Reads `ranges` of `hdu` (numpy order; missing trailing axes are whole) and writes them as a
 * FITS file. Values are written as read (scaled: BSCALE/BZERO/BLANK are applied and dropped),
 * every other keyword is kept, and CRPIXn (with alternate WCS letters) and IRAF's LTVn are
 * shifted by the section's start on their axis.
 */
export async function cutoutFits(hdu: CutoutSource, ranges: readonly AxisRange[]): Promise<Cutout> {
  const shape = hdu.shape;
  if (shape.length === 0) throw new InvalidArgumentError("this HDU has no image data");
  const bounds = shape.map((length, axis): [number, number] => {
    const range = ranges[axis];
    if (!range) return [0, length];
    const [start, end] = range;
    if (!Number.isInteger(start) || !Number.isInteger(end))
      throw new InvalidArgumentError(`section bounds must be integers, got ${start}:${end}`);
    const clipped: [number, number] = [Math.max(0, start), Math.min(length, end)];
    if (clipped[0] >= clipped[1]) throw new InvalidArgumentError(`the section ${start}:${end} of axis ${axis} (length ${length}) is empty`);
    return clipped;
  });
  const section = await hdu.section(bounds);
  const cards = hdu.header.cards.filter((card) => !DROPPED.test(card.keyword)).map((card) => shifted(card, bounds));
  const fits = writeFits([{ data: section.data, shape: section.shape, cards }]);
  return { fits, shape: section.shape, bounds };
}

function shifted(card: Card, bounds: ReadonlyArray<[number, number]>): Card {
  const match = /^(CRPIX|LTV)(\d+)([A-Z]?)$/.exec(card.keyword);
  if (!match || typeof card.value !== "number") return card;
  const fitsAxis = Number(match[2]);
  const start = bounds[bounds.length - fitsAxis]?.[0];
  if (start === undefined || start === 0) return card;
  return { ...card, value: card.value - start };
}
