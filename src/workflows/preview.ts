/**
 * Quick-look images: a 2-D array to an 8-bit grayscale PNG with a percentile stretch, as the
 * archives' notebooks show images with `imshow` between the 1st and 99th percentiles.
 * @module
 */
import { encode as encodePng } from "fast-png";
import { InvalidArgumentError, type NumericArray } from "../index.js";

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
