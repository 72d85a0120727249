/**
 * The browser entry point of `skyfs/asdf`.
 * @module
 */
import "../platform/browser.js";

export * from "../api/asdf.js";
