/**
 * ASDF reader over any {@link ByteSource}: the YAML tree with every tag kept, blocks read
 * lazily (zlib, bzp2, lz4), ndarrays of every datatype as typed arrays in native byte order.
 *
 * ```ts
 * import { openAsdf } from "skyfs/asdf";
 * const af = await openAsdf("s3://bucket/roman/r0001_cal.asdf", { anon: true });
 * console.log(af.get("roman/meta/exposure"));
 * const data = await (af.get("roman/data") as NdArray).read();
 * ```
 * @module skyfs/asdf
 */
export type { ByteSource } from "../../core/byte-source.js";
export type { BlockHeader } from "./blocks.js";
export { BLOCK_MAGIC, STREAMED } from "./blocks.js";
export type { Datatype, NumericKind } from "./dtype.js";
export { dtypeName, parseDatatype } from "./dtype.js";
export type { AsdfOptions } from "./file.js";
export { AsdfFile } from "./file.js";
export type { BlockReader, NdArrayData } from "./ndarray.js";
export { NdArray } from "./ndarray.js";
export { AsdfTime, ExternalArray, KnownTag, Quantity, TaggedValue, tagValue, Unit } from "./tags.js";
export type { AxisSlice, SliceBound } from "./view-plan.js";
export { resolveSlices } from "./view-plan.js";
export type { ArrayInput, WriteAsdfOptions, WriteCompression } from "./writer.js";
export { writeAsdf } from "./writer.js";
export type { Complex } from "./yaml-tree.js";
export { parseComplex } from "./yaml-tree.js";
