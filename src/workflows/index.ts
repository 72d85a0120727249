/**
 * The archive workflows: cutouts (FITS and ASDF), previews, the cloud index of FITS files and its kerchunk export.
 *
 * ```ts
 * import { buildFitsIndex, cutoutAsdf, cutoutFits, renderPreview, toKerchunk } from "skyfs/workflows";
 * ```
 * @module skyfs/workflows
 */
import "../platform/node.js";

export * from "../api/workflows.js";
