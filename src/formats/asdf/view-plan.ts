/**
 * Planning a section of an ndarray view (shape, strides, offset into a block): Python-style
 * slice bounds, the bytes the section touches, and its contiguous runs. Runs are walked, never
 * listed element by element, so planning costs memory in proportion to the axes, whatever the
 * shape and strides claim.
 * @module
 */

/** One bound of a slice: an index (negative counts from the end), or open (`null`/`undefined`). */
export type SliceBound = number | null | undefined;

/**
 * One axis of a section: `[start, end)` as in Python slicing (`[0, 100]`, `[-100, null]`,
 * `[10]` for "from 10 to the end", `[]` for the whole axis).
 */
export type AxisSlice = readonly [SliceBound?, SliceBound?];

/** Turns Python-style slices into `[start, end)` per axis, clipped as Python clips them. */
export function resolveSlices(shape: readonly number[], slices: readonly AxisSlice[]): Array<[number, number]> {
  if (slices.length > shape.length) throw new RangeError(`the section has ${slices.length} axes, the array ${shape.length}`);
  return shape.map((length, axis) => {
    const [start, end] = slices[axis] ?? [];
    const at = (bound: SliceBound, open: number): number => {
      if (bound === null || bound === undefined) return open;
      if (!Number.isInteger(bound)) throw new RangeError(`slice bounds must be integers, got ${String(bound)} on axis ${axis}`);
      return Math.min(length, Math.max(0, bound < 0 ? length + bound : bound));
    };
    const from = at(start, 0);
    return [from, Math.max(from, at(end, length))];
  });
}

/** The layout of an array's bytes: a view into a block. */
export interface ViewLayout {
  /** Shape, C order. */
  shape: readonly number[];
  /** Bytes between neighbours along each axis (may be zero or negative). */
  strides: readonly number[];
  /** Byte offset of element [0, 0, ...] in the block. */
  offset: number;
  /** Bytes per element. */
  itemsize: number;
}

/** The strides of a C-contiguous array. */
export function contiguousStrides(shape: readonly number[], itemsize: number): number[] {
  const strides: number[] = new Array(shape.length);
  let step = itemsize;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    strides[axis] = step;
    step *= shape[axis] as number;
  }
  return strides;
}

/** How a section is read: its runs (contiguous byte spans, in C order) and the bytes they touch. */
export interface SectionPlan {
  /** Number of runs. */
  runs: number;
  /** Bytes of each run. */
  runBytes: number;
  /** First byte touched (in the block). */
  low: number;
  /** One past the last byte touched. */
  high: number;
  /** Calls `visit` with the block offset of each run, in C order of the section. */
  forEachRun(visit: (offset: number) => void): void;
  /** The block offsets of runs `from` to `to - 1`. */
  runOffsets(from: number, to: number): number[];
}

/**
 * Plans a non-empty section (`bounds` from {@link resolveSlices}, each with `end > start`). The
 * innermost axes merge into one run where the view is contiguous and the section spans them
 * whole.
 */
export function planView(layout: ViewLayout, bounds: ReadonlyArray<readonly [number, number]>): SectionPlan {
  const { shape, strides, offset, itemsize } = layout;
  const n = shape.length;
  let runAxis = n;
  let runElements = 1;
  if (n > 0 && strides[n - 1] === itemsize) {
    runAxis = n - 1;
    let [start, end] = bounds[runAxis] as readonly [number, number];
    runElements = end - start;
    while (
      runAxis > 0 &&
      start === 0 &&
      end === shape[runAxis] &&
      strides[runAxis - 1] === (shape[runAxis] as number) * (strides[runAxis] as number)
    ) {
      runAxis--;
      [start, end] = bounds[runAxis] as readonly [number, number];
      runElements *= end - start;
    }
  }
  let low = offset;
  let high = offset;
  let first = offset;
  bounds.forEach(([start, end], axis) => {
    const stride = strides[axis] as number;
    first += start * stride;
    low += Math.min(start * stride, (end - 1) * stride);
    high += Math.max(start * stride, (end - 1) * stride);
  });
  const outer = bounds.slice(0, runAxis);
  const runs = outer.reduce((product, [start, end]) => product * (end - start), 1);
  const forRange = (from: number, to: number, visit: (offset: number) => void): void => {
    const index = outer.map(([start]) => start);
    let at = first;
    let remaining = from;
    for (let axis = outer.length - 1; axis >= 0 && remaining > 0; axis--) {
      const [start, end] = outer[axis] as readonly [number, number];
      const step = remaining % (end - start);
      index[axis] = start + step;
      at += step * (strides[axis] as number);
      remaining = Math.floor(remaining / (end - start));
    }
    for (let run = from; run < to; run++) {
      visit(at);
      for (let axis = outer.length - 1; axis >= 0; axis--) {
        const [start, end] = outer[axis] as readonly [number, number];
        const stride = strides[axis] as number;
        if ((index[axis] as number) + 1 < end) {
          index[axis] = (index[axis] as number) + 1;
          at += stride;
          break;
        }
        at -= ((index[axis] as number) - start) * stride;
        index[axis] = start;
      }
    }
  };
  return {
    runs,
    runBytes: runElements * itemsize,
    low,
    high: high + itemsize,
    forEachRun: (visit) => forRange(0, runs, visit),
    runOffsets: (from, to) => {
      const offsets: number[] = [];
      forRange(from, to, (at) => offsets.push(at));
      return offsets;
    },
  };
}

/** Copies each run of `plan` out of `bytes` (which hold the block from byte `base`) into one new array. */
export function gatherRuns(plan: SectionPlan, bytes: Uint8Array, base: number): Uint8Array {
  const out = new Uint8Array(plan.runs * plan.runBytes);
  const width = plan.runBytes;
  let at = 0;
  if (width >= 64) {
    plan.forEachRun((offset) => {
      out.set(bytes.subarray(offset - base, offset - base + width), at);
      at += width;
    });
  } else {
    plan.forEachRun((offset) => {
      const from = offset - base;
      for (let i = 0; i < width; i++) out[at + i] = bytes[from + i] as number;
      at += width;
    });
  }
  return out;
}
