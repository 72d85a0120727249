/**
 * The public surface of `skyfs/mast` that runs on every platform; importing it registers the
 * `mast:` scheme.
 * @module
 */
import { registerMast } from "../mast/scheme.js";

registerMast();

export { cloudKey } from "../mast/cloud-path.js";
export type { Resolution, ResolveOptions, ResolveStats } from "../mast/resolve.js";
export { DEFAULT_BUCKET, DEFAULT_LOOKUP_URL, resolveCloudUri, resolveCloudUris } from "../mast/resolve.js";
export type { MastOptions } from "../mast/scheme.js";
export { MastBackend, registerMast } from "../mast/scheme.js";
export { tessFfiKey } from "../mast/tess-rule.js";
