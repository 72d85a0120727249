/**
 * Undoing the quantization of floating-point tiles: `value * ZSCALE + ZZERO`, with the
 * subtractive dithering of the tiled-image convention (a table of 10,000 pseudo-random numbers
 * from the Park-Miller generator, started for each tile from its row number and ZDITHER0).
 * @module
 */

/** The convention's quantization methods. */
export type QuantizeMethod = "NO_DITHER" | "SUBTRACTIVE_DITHER_1" | "SUBTRACTIVE_DITHER_2";

/** Quantized value marking an undefined pixel. */
export const NULL_VALUE = -2147483647;
/** Quantized value marking an exact zero (SUBTRACTIVE_DITHER_2). */
export const ZERO_VALUE = -2147483646;

let randoms: Float64Array | undefined;

/** The 10,000 numbers of the convention's generator (a = 16807, m = 2^31 - 1, seed 1), kept as float32 as the reference implementation keeps them. */
export function ditherTable(): Float64Array {
  if (!randoms) {
    const a = 16807;
    const m = 2147483647;
    let seed = 1;
    randoms = new Float64Array(10000);
    for (let i = 0; i < randoms.length; i++) {
      const product = a * seed;
      seed = product - m * Math.floor(product / m);
      randoms[i] = Math.fround(seed / m);
    }
  }
  return randoms;
}

/** How one tile was quantized. */
export interface Quantization {
  /** ZSCALE of the tile. */
  scale: number;
  /** ZZERO of the tile. */
  zero: number;
  /** ZQUANTIZ. */
  method: QuantizeMethod;
  /** ZDITHER0 (1 when the header has none). */
  zdither0: number;
  /** Row of the tile in the table, from 1. */
  tileRow: number;
  /** The quantized value standing for an undefined pixel (ZBLANK); dithered tiles also treat {@link NULL_VALUE} so. */
  nullValue?: number;
  /** BITPIX of the image: -32 gives float32 values, -64 float64. */
  bitpix: -32 | -64;
}

/**
 * Undoes quantization of one tile as cfitsio/astropy do: `(value - dither + 0.5) * scale +
 * zero` in double precision (rounded once to float32 for BITPIX -32), undefined pixels NaN.
 */
export function unquantize(values: Int32Array, options: Quantization): Float32Array | Float64Array {
  const { scale, zero, method, nullValue } = options;
  const out = options.bitpix === -32 ? new Float32Array(values.length) : new Float64Array(values.length);
  if (method === "NO_DITHER") {
    for (let i = 0; i < values.length; i++) {
      const value = values[i] as number;
      out[i] = value === nullValue ? Number.NaN : value * scale + zero;
    }
    return out;
  }
  const table = ditherTable();
  let seedIndex = (options.tileRow - 1 + options.zdither0 - 1) % 10000;
  if (seedIndex < 0) seedIndex += 10000;
  let next = Math.floor((table[seedIndex] as number) * 500);
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    if (value === NULL_VALUE || value === nullValue) out[i] = Number.NaN;
    else if (method === "SUBTRACTIVE_DITHER_2" && value === ZERO_VALUE) out[i] = 0;
    else out[i] = (value - (table[next] as number) + 0.5) * scale + zero;
    next++;
    if (next === 10000) {
      seedIndex = (seedIndex + 1) % 10000;
      next = Math.floor((table[seedIndex] as number) * 500);
    }
  }
  return out;
}
