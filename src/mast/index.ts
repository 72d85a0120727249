/**
 * MAST data URIs as first-class URLs: `resolveCloudUris` turns many of them into cloud URLs
 * cheaply, and importing this module registers the `mast:` scheme, so that
 * `open("mast:HST/product/jbeveo010_drz.fits")` and `openFits("mast:...")` read from the cloud.
 * @module skyfs/mast
 */
import "../platform/node.js";

export * from "../api/mast.js";
