/**
 * Planning a section (cutout) of an N-dimensional array stored in C order: the byte ranges of
 * every contiguous run it covers, computed up front so they can be fetched in one batch.
 * @module
 */
import type { ByteRange } from "../../core/byte-source.js";

/** A half-open interval `[start, end)` along one axis. */
export type AxisRange = readonly [number, number];

/** Checks and completes section ranges (missing trailing axes mean the whole axis). */
export function normaliseSection(shape: readonly number[], ranges: readonly AxisRange[]): Array<[number, number]> {
  if (ranges.length > shape.length) throw new RangeError(`section has ${ranges.length} axes, the array ${shape.length}`);
  return shape.map((length, axis) => {
    const range = ranges[axis];
    if (!range) return [0, length];
    const [start, end] = range;
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > length || start > end) {
      throw new RangeError(`section [${start}, ${end}) is outside axis ${axis} of length ${length}`);
    }
    return [start, end];
  });
}

/**
 * The byte ranges (relative to the array's first byte) that hold a section, in C order, with
 * runs that are contiguous across axes merged.
 */
export function planSection(shape: readonly number[], ranges: ReadonlyArray<readonly [number, number]>, itemSize: number): ByteRange[] {
  const n = shape.length;
  if (n === 0 || ranges.some(([start, end]) => end <= start)) return [];
  const strides = new Array<number>(n);
  strides[n - 1] = 1;
  for (let axis = n - 2; axis >= 0; axis--) strides[axis] = (strides[axis + 1] as number) * (shape[axis + 1] as number);
  let inner = n - 1;
  while (inner > 0) {
    const [start, end] = ranges[inner] as [number, number];
    if (start !== 0 || end !== shape[inner]) break;
    inner--;
  }
  const [innerStart, innerEnd] = ranges[inner] as [number, number];
  const runElements = (innerEnd - innerStart) * (strides[inner] as number);
  const plan: ByteRange[] = [];
  const index = ranges.slice(0, inner).map(([start]) => start);
  for (;;) {
    let element = innerStart * (strides[inner] as number);
    for (let axis = 0; axis < inner; axis++) element += (index[axis] as number) * (strides[axis] as number);
    plan.push({ offset: element * itemSize, length: runElements * itemSize });
    let axis = inner - 1;
    while (axis >= 0) {
      index[axis] = (index[axis] as number) + 1;
      if ((index[axis] as number) < (ranges[axis] as [number, number])[1]) break;
      index[axis] = (ranges[axis] as [number, number])[0];
      axis--;
    }
    if (axis < 0) break;
  }
  return plan;
}
