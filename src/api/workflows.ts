/**
 * The public surface of `skyfs/workflows` that runs on every platform.
 * @module
 */

export type { AsdfCutout, AsdfCutoutOptions } from "../workflows/asdf-cutout.js";
export { cutoutAsdf } from "../workflows/asdf-cutout.js";
export type { Cutout, CutoutOptions, CutoutSource } from "../workflows/cutout.js";
export { cutoutFits, resolveSection } from "../workflows/cutout.js";
export type { BuildIndexOptions, BuiltIndex, SkippedFile } from "../workflows/fits-index.js";
export { buildFitsIndex } from "../workflows/fits-index.js";
export type { KerchunkOptions, KerchunkReferences, SkippedHdu } from "../workflows/kerchunk.js";
export { toKerchunk } from "../workflows/kerchunk.js";
export type { GrayImage, ImagePlane, Preview, PreviewOptions } from "../workflows/preview.js";
export { imagePlane, percentiles, renderPreview, stretchImage } from "../workflows/preview.js";
export type { CutoutAtOptions, CutoutSize, SkyCutout, SkyCutoutSource, SkyPosition } from "../workflows/sky-cutout.js";
export { cutoutAt } from "../workflows/sky-cutout.js";
export type { Side, SideInput } from "../workflows/sky-size.js";
export { parseSide } from "../workflows/sky-size.js";
export type { CubeCutoutSize, FrameTable, TessCutout, TessCutoutOptions } from "../workflows/tess-cube.js";
export { tessCutout } from "../workflows/tess-cube.js";
export { writeTargetPixelFile } from "../workflows/tess-tpf.js";
