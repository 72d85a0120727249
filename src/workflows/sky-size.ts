/**
 * Cutout sizes: pixels, or angles with a unit (`30arcsec`, `1.5arcmin`, `0.01deg`, `21px`).
 * @module
 */
import { InvalidArgumentError } from "../api/skyfs.js";

/** One side of a cutout: a number of pixels, or a string with a unit (px, arcsec, arcmin, deg). */
export type SideInput = number | string;

/** A side, parsed: pixels, or degrees on the sky. */
export type Side = { pixels: number } | { degrees: number };

const DEGREES_PER: Record<string, number> = { arcsec: 1 / 3600, '"': 1 / 3600, arcmin: 1 / 60, "'": 1 / 60, deg: 1 };

/** Parses one side. */
export function parseSide(input: SideInput): Side {
  if (typeof input === "number") {
    if (!Number.isFinite(input) || input <= 0) throw new InvalidArgumentError(`a cutout side must be positive, got ${input}`);
    return { pixels: input };
  }
  const match = /^\s*(\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)\s*(px|pix|pixels?|arcsec|arcmin|deg|"|')?\s*$/.exec(input);
  if (!match)
    throw new InvalidArgumentError(
      `a cutout side is a number with an optional unit (px, arcsec, arcmin, deg), got ${JSON.stringify(input)}`,
    );
  const value = Number(match[1]);
  if (!(value > 0)) throw new InvalidArgumentError(`a cutout side must be positive, got ${JSON.stringify(input)}`);
  const unit = match[2] ?? "px";
  const perUnit = DEGREES_PER[unit];
  return perUnit === undefined ? { pixels: value } : { degrees: value * perUnit };
}

/** numpy's `round`: halves go to the even neighbour. */
export function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const fraction = value - floor;
  if (fraction > 0.5) return floor + 1;
  if (fraction < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * The cutout's (height, width) in pixels as astropy's Cutout2D computes them: pixel sides are
 * rounded (halves to even), angular sides divided by the pixel scale and rounded. Cutout2D divides
 * the height (its first size element) by the scale of the first pixel axis and the width by the
 * second; this follows it so that cutouts agree pixel for pixel (the two are equal for square
 * pixels).
 */
export function cutoutShape(height: Side, width: Side, pixelScales: () => [number, number]): [number, number] {
  const count = (side: Side, axis: 0 | 1): number => {
    const n = "pixels" in side ? roundHalfEven(side.pixels) : roundHalfEven(side.degrees / pixelScales()[axis]);
    if (n < 1) throw new InvalidArgumentError("the cutout is smaller than one pixel");
    if (n > 1_000_000) throw new InvalidArgumentError(`a cutout side of ${n} pixels is absurd`);
    return n;
  };
  return [count(height, 0), count(width, 1)];
}
