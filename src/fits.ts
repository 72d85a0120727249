/**
 * The `skyfs/fits` entry point: the FITS reader, and the URL
 * openers `openFits(url)` and `scanHeaders(url)` that work on any registered store. The reader
 * itself (src/formats/fits) reads only a ByteSource.
 * @module
 */
import "./platform/node.js";

export * from "./api/fits.js";
