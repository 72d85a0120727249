/**
 * The browser entry point of `skyfs/workflows`.
 * @module
 */
import "../platform/browser.js";

export * from "../api/workflows.js";
