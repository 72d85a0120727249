/**
 * Tile-compressed images: the HDU class and its codecs. Importing this module registers the
 * class for `CompImageHDU` headers.
 * @module
 */
import { registerHduFactory } from "../file.js";
import { CompImageHdu } from "./comp-image-hdu.js";

registerHduFactory("CompImageHDU", (...args) => new CompImageHdu(...args));

export { inflateTile, unshuffle } from "./byte-codecs.js";
export { CompImageHdu } from "./comp-image-hdu.js";
export type { Quantization, QuantizeMethod } from "./dither.js";
export { ditherTable, NULL_VALUE, unquantize, ZERO_VALUE } from "./dither.js";
export { hcompressDecode } from "./hcompress.js";
export { compressedImageHeader } from "./image-header.js";
export { plioDecode } from "./plio.js";
export { riceDecode } from "./rice.js";
