/**
 * The browser entry point of `skyfs/mast`.
 * @module
 */
import "../platform/browser.js";

export * from "../api/mast.js";
