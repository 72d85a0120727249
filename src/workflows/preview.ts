/**
 * Quick-look images: a 2-D array to an 8-bit grayscale PNG with a percentile stretch, as the
 * archives' notebooks show images with `imshow` between the 1st and 99th percentiles.
 * @module
 */
import { encode as encodePng } from "fast-png";
import type { AxisRange } from "../api/fits.js";
import { InvalidArgumentError, type NumericArray } from "../api/skyfs.js";
import { resolveSection } from "./cutout.js";

/** Options of {@link renderPreview}. */
export interface PreviewOptions {
  /** Lower percentile mapped to black (default 1). */
  lowPercentile?: number;
  /** Upper percentile mapped to white (default 99). */
  highPercentile?: number;
  /** Longest side of the PNG in pixels; larger images are reduced by block averaging (default 1024). */
  maxSize?: number;
  /** Put row 0 at the bottom, as FITS displays do (default true). */
  originLower?: boolean;
}

/** A rendered preview and the values its stretch used. */
export interface Preview {
  /** The PNG file's bytes. */
  png: Uint8Array;
  /** Width of the PNG. */
  width: number;
  /** Height of the PNG. */
  height: number;
  /** The value shown as black. */
  low: number;
  /** The value shown as white. */
  high: number;
}

/** An image stretched to 8-bit gray levels, row by row, first row at the top. */
export interface GrayImage {
  /** One byte per pixel, `width * height` of them. */
  pixels: Uint8Array;
  /** Columns. */
  width: number;
  /** Rows. */
  height: number;
  /** The value shown as black. */
  low: number;
  /** The value shown as white. */
  high: number;
}

/**
 * Stretches the last two axes of an array (the first plane of a cube) to 8-bit gray levels
 * between two percentiles, reducing large images by block averaging. NaN pixels are black;
 * values are clipped to the percentile range. Runs anywhere (a page draws the result into a
 * canvas); {@link renderPreview} encodes it as a PNG.
 */
export function stretchImage(data: NumericArray, shape: readonly number[], options: PreviewOptions = {}): GrayImage {
  if (shape.length < 2) throw new InvalidArgumentError(`a preview needs at least two axes, got shape [${shape.join(", ")}]`);
  const ny = shape[shape.length - 2] as number;
  const nx = shape[shape.length - 1] as number;
  if (ny === 0 || nx === 0) throw new InvalidArgumentError("cannot preview an empty image");
  if (data.length < nx * ny) throw new InvalidArgumentError(`array holds ${data.length} values, shape needs ${nx * ny}`);
  const maxSize = options.maxSize ?? 1024;
  const factor = Math.max(1, Math.ceil(Math.max(nx, ny) / maxSize));
  const width = Math.ceil(nx / factor);
  const height = Math.ceil(ny / factor);
  const reduced = new Float64Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      let count = 0;
      for (let dy = 0; dy < factor && y * factor + dy < ny; dy++) {
        const row = (y * factor + dy) * nx;
        for (let dx = 0; dx < factor && x * factor + dx < nx; dx++) {
          const value = Number(data[row + x * factor + dx]);
          if (Number.isFinite(value)) {
            sum += value;
            count++;
          }
        }
      }
      reduced[y * width + x] = count > 0 ? sum / count : Number.NaN;
    }
  }
  const [low, high] = percentiles(reduced, options.lowPercentile ?? 1, options.highPercentile ?? 99);
  const pixels = new Uint8Array(width * height);
  const originLower = options.originLower ?? true;
  const span = high - low;
  for (let y = 0; y < height; y++) {
    const sourceRow = originLower ? height - 1 - y : y;
    for (let x = 0; x < width; x++) {
      const value = reduced[sourceRow * width + x] as number;
      let level = 0;
      if (Number.isFinite(value)) level = span > 0 ? Math.round((255 * (Math.min(high, Math.max(low, value)) - low)) / span) : 128;
      pixels[y * width + x] = level;
    }
  }
  return { pixels, width, height, low, high };
}

/**
 * Renders the last two axes of an array (the first plane of a cube) as an 8-bit grayscale PNG,
 * stretched as {@link stretchImage} does.
 */
export function renderPreview(data: NumericArray, shape: readonly number[], options: PreviewOptions = {}): Preview {
  const { pixels, width, height, low, high } = stretchImage(data, shape, options);
  const png = encodePng({ width, height, data: pixels, channels: 1, depth: 8 });
  return { png, width, height, low, high };
}

/** The `lowPct` and `highPct` percentiles of the finite values (linear interpolation, as numpy). */
export function percentiles(values: ArrayLike<number>, lowPct: number, highPct: number): [number, number] {
  if (!(lowPct >= 0 && highPct <= 100 && lowPct < highPct)) throw new InvalidArgumentError(`bad percentiles ${lowPct}, ${highPct}`);
  const finite = Float64Array.from(Array.prototype.filter.call(values, Number.isFinite) as number[]).sort();
  if (finite.length === 0) return [0, 0];
  const at = (pct: number): number => {
    const position = ((finite.length - 1) * pct) / 100;
    const below = Math.floor(position);
    const above = Math.min(finite.length - 1, below + 1);
    return (finite[below] as number) + ((finite[above] as number) - (finite[below] as number)) * (position - below);
  };
  return [at(lowPct), at(highPct)];
}

/** The plane of an image that a preview shows, and how to read it. */
export interface ImagePlane {
  /** The two axes of the plane (numpy order indexes). */
  axes: [number, number];
  /** The section to read: the plane's bounds on its axes, one index on every other axis. */
  ranges: AxisRange[];
  /** The shape of the plane as read: [rows, columns]. */
  shape: [number, number];
  /** How many planes the image holds. */
  planes: number;
}

/**
 * Chooses the plane of an image (numpy-order `shape`) to preview. The plane is the one of
 * NAXIS1 x NAXIS2 (the last two numpy axes), and `plane` counts along the other axes (the
 * first numpy axis slowest): for a `(frames, y, x)` cube, plane N is frame N. A 4-D image
 * whose NAXIS1 is 2 is read as a TESS cube (`(rows, columns, cadences, 2)`, value and error
 * per cadence, the layout of MAST's cube files): its plane is rows x columns, and `plane`
 * counts cadences (values, not errors). `section` (two axes, Python slice bounds) narrows the
 * plane.
 */
export function imagePlane(shape: readonly number[], plane = 0, section?: readonly AxisRange[]): ImagePlane {
  if (shape.length < 2) throw new InvalidArgumentError(`a preview needs at least two axes, got shape [${shape.join(", ")}]`);
  const tessCube = shape.length === 4 && shape[3] === 2;
  const axes: [number, number] = tessCube ? [0, 1] : [shape.length - 2, shape.length - 1];
  const others = shape.map((_, axis) => axis).filter((axis) => !axes.includes(axis) && !(tessCube && axis === 3));
  const planes = others.reduce((product, axis) => product * (shape[axis] as number), 1);
  if (!Number.isInteger(plane) || plane < 0 || plane >= planes)
    throw new InvalidArgumentError(
      `plane ${plane} does not exist: the image (shape [${shape.join(", ")}]) has ${planes} planes (0 to ${planes - 1})`,
    );
  if (section && section.length !== 2 && section.length !== 0)
    throw new InvalidArgumentError(`a preview section has two axes (rows, columns of the plane), got ${section.length}`);
  const bounds = resolveSection([shape[axes[0]] as number, shape[axes[1]] as number], section ?? []);
  const ranges = shape.map((): AxisRange => [0, 1]);
  let rest = plane;
  for (const axis of [...others].reverse()) {
    const length = shape[axis] as number;
    ranges[axis] = [rest % length, (rest % length) + 1];
    rest = Math.floor(rest / length);
  }
  ranges[axes[0]] = bounds[0] as [number, number];
  ranges[axes[1]] = bounds[1] as [number, number];
  const [rows, columns] = bounds as [[number, number], [number, number]];
  return { axes, ranges, shape: [rows[1] - rows[0], columns[1] - columns[0]], planes };
}
