/**
 * The archive workflows: cutouts (FITS and ASDF), previews, the cloud index of FITS files and its kerchunk export.
 *
 * ```ts
 * import { buildFitsIndex, cutoutAsdf, cutoutFits, renderPreview, toKerchunk } from "skyfs/workflows";
 * ```
 * @module skyfs/workflows
 */
import "../backends/builtin.js";

export type { AsdfCutout, AsdfCutoutOptions } from "./asdf-cutout.js";
export { cutoutAsdf } from "./asdf-cutout.js";
export type { Cutout, CutoutOptions, CutoutSource } from "./cutout.js";
export { cutoutFits, resolveSection } from "./cutout.js";
export type { BuildIndexOptions, BuiltIndex, SkippedFile } from "./fits-index.js";
export { buildFitsIndex } from "./fits-index.js";
export type { KerchunkOptions, KerchunkReferences, SkippedHdu } from "./kerchunk.js";
export { toKerchunk } from "./kerchunk.js";
export type { GrayImage, ImagePlane, Preview, PreviewOptions } from "./preview.js";
export { imagePlane, percentiles, renderPreview, stretchImage } from "./preview.js";
export type { CutoutAtOptions, CutoutSize, SkyCutout, SkyCutoutSource, SkyPosition } from "./sky-cutout.js";
export { cutoutAt } from "./sky-cutout.js";
export type { Side, SideInput } from "./sky-size.js";
export { parseSide } from "./sky-size.js";
export type { CubeCutoutSize, FrameTable, TessCutout, TessCutoutOptions } from "./tess-cube.js";
export { tessCutout } from "./tess-cube.js";
export { writeTargetPixelFile } from "./tess-tpf.js";
