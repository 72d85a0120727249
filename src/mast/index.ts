/**
 * MAST data URIs as first-class URLs: `resolveCloudUris` turns many of them into cloud URLs
 * cheaply, and importing this module registers the `mast:` scheme, so that
 * `open("mast:HST/product/jbeveo010_drz.fits")` and `openFits("mast:...")` read from the cloud.
 * @module skyfs/mast
 */
import "../backends/builtin.js";
import { registerMast } from "./scheme.js";

registerMast();

export { cloudKey } from "./cloud-path.js";
export type { Resolution, ResolveOptions, ResolveStats } from "./resolve.js";
export { DEFAULT_BUCKET, DEFAULT_LOOKUP_URL, resolveCloudUri, resolveCloudUris } from "./resolve.js";
export type { MastOptions } from "./scheme.js";
export { MastBackend, registerMast } from "./scheme.js";
export { tessFfiKey } from "./tess-rule.js";
