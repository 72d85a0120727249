/**
 * The `skyfs/asdf` entry point: the ASDF reader, and
 * `openAsdf(url)`, which works on any registered store and opens external array files on the
 * same store. The reader itself (src/formats/asdf) reads only a ByteSource.
 * @module
 */
import "./platform/node.js";

export * from "./api/asdf.js";
