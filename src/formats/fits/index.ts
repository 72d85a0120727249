/**
 * FITS reader and writer over any {@link ByteSource}.
 * @module skyfs/fits
 */
export type { ByteSource } from "../../core/byte-source.js";
