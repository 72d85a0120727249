/**
 * The browser entry point of `skyfs` (picked by bundlers through the `browser` condition of the
 * package's exports): HTTP over `fetch`, GCS over its JSON API, no local files.
 * @module
 */
import "../platform/browser.js";

export * from "../api/skyfs.js";
