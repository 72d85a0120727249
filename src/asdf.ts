/**
 * The `skyfs/asdf` entry point: the ASDF reader with the built-in stores registered, so that
 * `openAsdf(url)` works on any URL.
 * @module
 */
import "./backends/builtin.js";

export * from "./formats/asdf/index.js";
