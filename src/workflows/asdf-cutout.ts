/**
 * ASDF cutouts: a section of one array of an ASDF file (a Roman image's `roman/data`, say)
 * written as a new ASDF file that keeps the `meta` next to the array and records where the
 * cutout comes from.
 * @module
 */
import {
  type AsdfFile,
  type AxisSlice,
  KnownTag,
  NdArray,
  Quantity,
  resolveSlices,
  TaggedValue,
  tagValue,
  type WriteCompression,
  writeAsdf,
} from "../api/asdf.js";
import { InvalidArgumentError, type NumericArray } from "../api/skyfs.js";

/** Options of {@link cutoutAsdf}. */
export interface AsdfCutoutOptions {
  /** Compression of the cutout's blocks (default none). */
  compression?: WriteCompression;
}

/** An ASDF cutout: the file's bytes and the section it holds. */
export interface AsdfCutout {
  /** The new ASDF file. */
  asdf: Uint8Array;
  /** The section's shape. */
  shape: number[];
  /** The section's `[start, end)` per axis in the source array. */
  bounds: Array<[number, number]>;
}

/**
 * Reads a section of the array at `path` (`roman/data`; a quantity's array keeps its unit) and
 * writes it as an ASDF file with the same path. The `meta` mapping beside the array in the
 * source is copied whole (its tags kept, its arrays read; structured arrays become null), and a `cutout` mapping beside
 * the array records the source (`source`, `array`), the section's `start` and `stop` per axis
 * and the source array's shape: pixel (y, x) of the cutout is pixel (y + start[0], x +
 * start[1]) of the source, for any WCS in `meta`.
 */
export async function cutoutAsdf(
  file: AsdfFile,
  path: string,
  slices: readonly AxisSlice[],
  options: AsdfCutoutOptions = {},
): Promise<AsdfCutout> {
  const array = file.array(path);
  const node = file.get(path);
  const sourceShape = await array.resolveShape();
  let bounds: Array<[number, number]>;
  try {
    bounds = resolveSlices(sourceShape, slices);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message, { url: file.url });
  }
  if (bounds.some(([start, end]) => end <= start)) throw new InvalidArgumentError(`the section of ${path} is empty`, { url: file.url });
  if (array.datatype.kind !== "numeric") throw new InvalidArgumentError(`${path} holds ${array.dtype} values; cutouts take numeric arrays`);
  const section = await array.section(bounds);
  const written = { data: section.data as NumericArray, shape: section.shape, dtype: section.dtype };
  const parts = path.split("/").filter((part) => part !== "");
  const name = parts.pop() as string;
  const parentPath = parts.join("/");
  const parent = parentPath === "" ? file.tree : file.get(parentPath);
  const parentNode = parent instanceof TaggedValue ? parent.value : parent instanceof KnownTag ? parent.node : parent;
  const leaf: Record<string, unknown> = {
    [name]: node instanceof Quantity ? Quantity.of(written, node.unit) : written,
    cutout: {
      source: file.url,
      array: parts.concat(name).join("/"),
      start: bounds.map(([start]) => start),
      stop: bounds.map(([, end]) => end),
      source_shape: sourceShape,
    },
  };
  const meta = parentNode !== null && typeof parentNode === "object" ? (parentNode as Record<string, unknown>).meta : undefined;
  if (meta !== undefined) leaf.meta = await materialize(meta);
  let tree: Record<string, unknown> = leaf;
  for (const part of [...parts].reverse()) tree = { [part]: tree };
  return { asdf: writeAsdf(tree, { compression: options.compression }), shape: section.shape, bounds };
}

/** A tree with its arrays read, ready for `writeAsdf`. */
async function materialize(node: unknown): Promise<unknown> {
  if (node instanceof NdArray) {
    const read = await node.read();
    if (read.datatype.kind === "string") return read.data;
    if (read.datatype.kind !== "numeric") return null;
    return { data: read.data as NumericArray, shape: read.shape, dtype: read.dtype };
  }
  if (node instanceof KnownTag) return tagValue(node.tag, await materialize(node.node));
  if (node instanceof TaggedValue) return new TaggedValue(node.tag, await materialize(node.value));
  if (Array.isArray(node)) return Promise.all(node.map(materialize));
  if (node !== null && typeof node === "object" && Object.getPrototypeOf(node) === Object.prototype) {
    const entries = await Promise.all(Object.entries(node).map(async ([key, value]) => [key, await materialize(value)] as const));
    return Object.fromEntries(entries);
  }
  return node;
}
