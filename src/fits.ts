/**
 * The `skyfs/fits` entry point: the FITS reader with the built-in stores registered, so that
 * `openFits(url)` works on any URL.
 * @module
 */
import "./backends/builtin.js";

export * from "./formats/fits/index.js";
