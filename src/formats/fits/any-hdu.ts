/**
 * The union of the HDU classes the reader gives out.
 * @module
 */
import type { CompImageHdu } from "./compression/comp-image-hdu.js";
import type { Hdu } from "./hdu.js";
import type { GroupsHdu, ImageHdu } from "./image-hdu.js";
import type { AsciiTableHdu, BinTableHdu } from "./table-hdu.js";

/** Any HDU the reader returns. */
export type AnyHdu = ImageHdu | GroupsHdu | BinTableHdu | AsciiTableHdu | CompImageHdu | Hdu;

/** An HDU that holds an image: the primary HDU, an IMAGE extension or a tile-compressed image. */
export type AnyImageHdu = ImageHdu | CompImageHdu;
