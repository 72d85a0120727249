/**
 * FITS reader and writer over any {@link ByteSource}.
 *
 * ```ts
 * import { openFits } from "skyfs/fits";
 * const fits = await openFits("s3://bucket/hst/x_drz.fits", { anon: true });
 * console.log(await fits.info());
 * const sci = await fits.imageHdu("SCI");
 * const cutout = await sci.section([[100, 200], [300, 400]]);
 * ```
 * @module skyfs/fits
 */
export type { ByteSource } from "../../core/byte-source.js";
export type { AnyHdu, AnyImageHdu } from "./any-hdu.js";
export type { Card, ComplexValue, HeaderValue } from "./card.js";
export { COMMENTARY_KEYWORDS, formatCard, parseCard } from "./card.js";
export type { ChecksumReport } from "./checksum.js";
export { onesComplementSum, verifyChecksum } from "./checksum.js";
export type { BinaryColumn, ColumnCode, DecodedNumbers } from "./columns.js";
export { binaryColumns, decodeNumeric, parseTform } from "./columns.js";
export * from "./compression/index.js";
export type { HduFactory, OpenFitsOptions } from "./file.js";
export { FitsFile, openFitsSource, registerHduFactory, scanSourceHeaders } from "./file.js";
export type { FitsIndex, IndexedFile, IndexedHdu } from "./fits-index.js";
export { FITS_INDEX_FORMAT, indexEntryFor, indexedHeader, indexHdu } from "./fits-index.js";
export type { FitsLimits } from "./hdu.js";
export { DEFAULT_LIMITS, Hdu } from "./hdu.js";
export { BLOCK, CARD, cardRecords, Header, parseHeaderCards } from "./header.js";
export type { ArrayResult, Dtype, Scaling } from "./image-data.js";
export { applyScaling, decodeBigEndian } from "./image-data.js";
export type { ImageReadOptions } from "./image-hdu.js";
export { GroupsHdu, ImageHdu } from "./image-hdu.js";
export type { HduLayout, HduType } from "./layout.js";
export type { AxisRange } from "./section.js";
export { planSection } from "./section.js";
export type { AsciiColumn, ColumnValues, RowRange } from "./table-hdu.js";
export { AsciiTableHdu, BinTableHdu } from "./table-hdu.js";
export * from "./wcs/index.js";
export type { ColumnInput, ImageInput, TableInput } from "./writer.js";
export { writeFits } from "./writer.js";
