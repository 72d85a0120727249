/**
 * Cutouts: a section of an image HDU written as a new FITS file whose header keeps the
 * original's keywords (and, for an extension, the primary header's: telescope, instrument,
 * filter, dates), with the reference pixel moved so that the WCS still places every pixel on
 * the sky where it was, and a HISTORY card saying where the cutout came from.
 * @module
 */

import { type AxisRange, type Card, type Header, writeFits } from "../api/fits.js";
import { InvalidArgumentError, type NumericArray, redactUrl } from "../api/skyfs.js";

/** What a cutout needs of an image HDU (plain or tile-compressed). */
export interface CutoutSource {
  /** The header. */
  readonly header: Header;
  /** Shape in numpy order. */
  readonly shape: number[];
  /** Reads a section, scaled. */
  section(ranges: readonly AxisRange[]): Promise<{ data: NumericArray; shape: number[] }>;
}

/** Where a cutout comes from, for its header. */
export interface CutoutOptions {
  /** The primary header of the file, when the image is an extension: its keywords are carried over. */
  primaryHeader?: Header;
  /** The file's URL and the HDU's index, recorded in a HISTORY card (credentials removed). */
  origin?: { url: string; hdu: number };
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
/** Primary keywords that describe the file's layout rather than the observation. */
const PRIMARY_LAYOUT = /^(NEXTEND|INHERIT|EXTNAME|EXTVER|COMMENT)$/;

/**
 * Resolves a section against a shape as Python slices do: a negative bound counts from the
 * axis end, bounds are clipped to the axis, missing trailing axes are whole. Throws
 * {@link InvalidArgumentError} for more axes than the image has, bounds that are not
 * integers, and an empty section.
 */
export function resolveSection(shape: readonly number[], ranges: readonly AxisRange[]): Array<[number, number]> {
  if (ranges.length > shape.length) {
    throw new InvalidArgumentError(
      `the section has ${ranges.length} axes, the image ${shape.length} (shape ${JSON.stringify(shape)}, numpy order)`,
    );
  }
  return shape.map((length, axis): [number, number] => {
    const range = ranges[axis];
    if (!range) return [0, length];
    const [start, end] = range;
    if (!Number.isInteger(start) || !Number.isInteger(end))
      throw new InvalidArgumentError(`section bounds must be integers, got ${start}:${end}`);
    const place = (value: number): number => Math.min(length, Math.max(0, value < 0 ? length + value : value));
    const clipped: [number, number] = [place(start), place(end)];
    if (clipped[0] >= clipped[1]) throw new InvalidArgumentError(`the section ${start}:${end} of axis ${axis} (length ${length}) is empty`);
    return clipped;
  });
}

/**
 * Reads `ranges` of `hdu` (numpy order, Python slice bounds, see {@link resolveSection}) and
 * writes them as a FITS file. Values are written as read (scaled: BSCALE/BZERO/BLANK are applied
 * and dropped); every other keyword is kept, EXTNAME and EXTVER included; the primary header's
 * keywords not in the image's header come first; CRPIXn (with alternate WCS letters) and IRAF's
 * LTVn are shifted by the section's start on their axis; a HISTORY card names the origin.
 */
export async function cutoutFits(hdu: CutoutSource, ranges: readonly AxisRange[], options: CutoutOptions = {}): Promise<Cutout> {
  const shape = hdu.shape;
  if (shape.length === 0) throw new InvalidArgumentError("this HDU has no image data");
  const bounds = resolveSection(shape, ranges);
  const section = await hdu.section(bounds);
  const own = hdu.header.cards.filter((card) => !DROPPED.test(card.keyword));
  const present = new Set(own.map((card) => card.keyword));
  const inherited = (options.primaryHeader?.cards ?? []).filter(
    (card) =>
      !DROPPED.test(card.keyword) && !PRIMARY_LAYOUT.test(card.keyword) && (card.keyword === "HISTORY" || !present.has(card.keyword)),
  );
  const cards = [...inherited, ...own].map((card) => shifted(card, bounds));
  if (options.origin) {
    const where = bounds.map(([start, end]) => `${start}:${end}`).join(",");
    cards.push({
      keyword: "HISTORY",
      value: `skyfs cutout [${where}] of HDU ${options.origin.hdu} of ${redactUrl(options.origin.url).replace(/[^\x20-\x7e]/g, "?")}`,
      comment: "",
    });
  }
  const name = hdu.header.get("EXTNAME");
  const fits = writeFits([{ data: section.data, shape: section.shape, cards, name: typeof name === "string" ? name : undefined }]);
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
