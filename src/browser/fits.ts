/**
 * The browser entry point of `skyfs/fits`.
 * @module
 */
import "../platform/browser.js";

export * from "../api/fits.js";
