/**
 * Trigonometry in degrees, exact at multiples of 90 degrees (so that a reference point on the
 * equator or at a pole gives exact zeros and ones, as the FITS WCS papers' formulas expect).
 * @module
 */

/** Degrees per radian. */
export const R2D = 180 / Math.PI;
/** Radians per degree. */
export const D2R = Math.PI / 180;

/** Sine of an angle in degrees. */
export function sind(angle: number): number {
  const quarter = angle / 90;
  if (Number.isInteger(quarter)) {
    const turn = ((quarter % 4) + 4) % 4;
    return turn === 1 ? 1 : turn === 3 ? -1 : 0;
  }
  return Math.sin(angle * D2R);
}

/** Cosine of an angle in degrees. */
export function cosd(angle: number): number {
  const quarter = angle / 90;
  if (Number.isInteger(quarter)) {
    const turn = ((quarter % 4) + 4) % 4;
    return turn === 0 ? 1 : turn === 2 ? -1 : 0;
  }
  return Math.cos(angle * D2R);
}

/** Tangent of an angle in degrees (exact at multiples of 45 degrees). */
export function tand(angle: number): number {
  const eighth = angle / 45;
  if (Number.isInteger(eighth)) {
    const turn = ((eighth % 4) + 4) % 4;
    if (turn === 0) return 0;
    if (turn === 1) return 1;
    if (turn === 3) return -1;
  }
  return Math.tan(angle * D2R);
}

/** atan2 in degrees. */
export function atan2d(y: number, x: number): number {
  return Math.atan2(y, x) * R2D;
}

/** asin in degrees, exact at -1, 0 and 1. */
export function asind(value: number): number {
  if (value === 1) return 90;
  if (value === -1) return -90;
  return Math.asin(value) * R2D;
}

/** acos in degrees, exact at -1, 0 and 1. */
export function acosd(value: number): number {
  if (value === 1) return 0;
  if (value === 0) return 90;
  if (value === -1) return 180;
  return Math.acos(value) * R2D;
}

/** atan in degrees. */
export function atand(value: number): number {
  return Math.atan(value) * R2D;
}
