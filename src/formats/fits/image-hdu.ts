/**
 * Image HDUs (primary and extensions) and random-groups primary HDUs.
 * @module
 */

import { concatBytes } from "../../core/bytes.js";
import { Hdu } from "./hdu.js";
import type { Header } from "./header.js";
import { type ArrayResult, applyScaling, bytesPerPixel, decodeBigEndian, rawDtype, scalingOf } from "./image-data.js";
import { axes } from "./layout.js";
import { type AxisRange, normaliseSection, planSection } from "./section.js";

/** Options of image reads. */
export interface ImageReadOptions {
  /** Return the stored values without BSCALE/BZERO/BLANK. */
  raw?: boolean;
  /** Cancels the reads. */
  signal?: AbortSignal;
}

/** An image (or cube) HDU. */
export class ImageHdu extends Hdu {
  /** BITPIX. */
  get bitpix(): number {
    return this.header.integer("BITPIX");
  }

  /** The array's shape in numpy order (NAXISn first); `[]` when there is no data. */
  get shape(): number[] {
    return axes(this.header).reverse();
  }

  /** The whole array, scaled (unless `raw`). */
  async data(options: ImageReadOptions = {}): Promise<ArrayResult> {
    return this.section([], options);
  }

  /**
   * A section (cutout): one `[start, end)` per axis in numpy order (missing trailing axes are
   * whole). Every byte range is planned first and fetched with one `readMany` call.
   */
  async section(ranges: readonly AxisRange[], options: ImageReadOptions = {}): Promise<ArrayResult> {
    const shape = this.shape;
    let bounds: Array<[number, number]>;
    try {
      bounds = normaliseSection(shape, ranges);
    } catch (error) {
      throw this.formatError((error as Error).message);
    }
    const bitpix = this.bitpix;
    const itemSize = bytesPerPixel(bitpix);
    const outShape = bounds.map(([start, end]) => end - start);
    const elements = outShape.reduce((product, length) => product * length, shape.length === 0 ? 0 : 1);
    this.checkRange(this.layout.dataOffset, elements * itemSize);
    const plan = planSection(shape, bounds, itemSize);
    const bytes = concatBytes(await this.readDataRanges(plan, options));
    const raw = decodeBigEndian(bytes, bitpix);
    if (options.raw) return { data: raw, shape: outShape, dtype: rawDtype(bitpix) };
    const scaled = applyScaling(raw, bitpix, scalingOf(this.header));
    return { data: scaled.data, shape: outShape, dtype: scaled.dtype };
  }
}

/** A random-groups primary HDU: GCOUNT groups of PCOUNT parameters and an array each. */
export class GroupsHdu extends Hdu {
  /** Number of groups (GCOUNT). */
  get groups(): number {
    return this.header.integer("GCOUNT", 1);
  }

  /** The parameter names (PTYPEn). */
  get params(): string[] {
    const count = this.header.integer("PCOUNT", 0);
    return Array.from({ length: count }, (_, i) => this.header.string(`PTYPE${i + 1}`).trim());
  }

  /** Shape of the data arrays of all groups, groups first (numpy order). */
  get dataShape(): number[] {
    return [this.groups, ...axes(this.header).slice(1).reverse()];
  }

  /** The parameters (groups x params, PSCALn/PZEROn applied) and the arrays (BSCALE/BZERO applied). */
  async read(options: ImageReadOptions = {}): Promise<{ params: Float64Array; data: ArrayResult }> {
    const bitpix = this.header.integer("BITPIX");
    const raw = decodeBigEndian(await this.readData(options), bitpix);
    const pcount = this.params.length;
    const perGroup = this.dataShape.slice(1).reduce((product, length) => product * length, 1);
    const params = new Float64Array(this.groups * pcount);
    const values: (number | bigint)[] = [];
    for (let group = 0; group < this.groups; group++) {
      const base = group * (pcount + perGroup);
      for (let p = 0; p < pcount; p++) {
        const scale = this.header.number(`PSCAL${p + 1}`, 1);
        const zero = this.header.number(`PZERO${p + 1}`, 0);
        params[group * pcount + p] = Number(raw[base + p]) * scale + zero;
      }
      for (let i = 0; i < perGroup; i++) values.push(raw[base + pcount + i] as number | bigint);
    }
    const rawData = selectLike(raw, values);
    if (options.raw) return { params, data: { data: rawData, shape: this.dataShape, dtype: rawDtype(bitpix) } };
    const scaled = applyScaling(rawData, bitpix, scalingOf(this.header as Header));
    return { params, data: { data: scaled.data, shape: this.dataShape, dtype: scaled.dtype } };
  }
}

function selectLike(template: ArrayResult["data"], values: Array<number | bigint>): ArrayResult["data"] {
  const Constructor = template.constructor as new (length: number) => ArrayResult["data"];
  const out = new Constructor(values.length);
  for (let i = 0; i < values.length; i++) (out as unknown as Array<number | bigint>)[i] = values[i] as number | bigint;
  return out;
}
