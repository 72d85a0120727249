/**
 * The cloud index of FITS files: per file its URL, size and ETag, and per HDU its header cards,
 * where its header and data lie, and its array or table layout. With an index, a reader opens a
 * file without reading a single header, and an index made for another version of the object is
 * refused.
 * @module
 */
import type { GzipIndexJson } from "../../core/compression/gzip-index.js";
import { ConsistencyError, FormatError } from "../../core/errors.js";
import type { AnyHdu } from "./any-hdu.js";
import { CARD, cardRecords, type Header, parseHeaderCards } from "./header.js";
import { ImageHdu } from "./image-hdu.js";
import type { HduLayout, HduType } from "./layout.js";
import { BinTableHdu } from "./table-hdu.js";

/** The `format` field of every index document. */
export const FITS_INDEX_FORMAT = "skyfs-fits-index";

/** One HDU in the index. */
export interface IndexedHdu extends HduLayout {
  /** astropy's name for its kind. */
  type: HduType;
  /** EXTNAME (or PRIMARY). */
  name: string;
  /** EXTVER. */
  ver: number;
  /** The header as 80-character card images, without END. */
  cards: string[];
  /** BITPIX of an image. */
  bitpix?: number;
  /** Shape of an image in numpy order. */
  shape?: number[];
  /** Rows, row length and columns of a binary table. */
  table?: { rows: number; rowBytes: number; columns: Array<{ name: string; format: string; offset: number }> };
}

/** One file in the index. */
export interface IndexedFile {
  /** Where the file is read from. */
  url: string;
  /** Its size in bytes. */
  size: number;
  /** Its ETag when indexed, or null when the store gave none. */
  etag: string | null;
  /** Its HDUs, in order. */
  hdus: IndexedHdu[];
  /**
   * For a gzip-compressed file (then `size` is the uncompressed size and `etag` the compressed
   * object's): the seek index that lets a section decode from the nearest checkpoint.
   */
  gzipIndex?: GzipIndexJson;
}

/** A whole index document. */
export interface FitsIndex {
  /** Always {@link FITS_INDEX_FORMAT}. */
  format: typeof FITS_INDEX_FORMAT;
  /** Version of the document's layout (1). */
  version: 1;
  /** When it was built (ISO 8601). */
  created: string;
  /** The files. */
  files: IndexedFile[];
}

/** Describes one HDU for the index. */
export function indexHdu(hdu: AnyHdu): IndexedHdu {
  const entry: IndexedHdu = { ...hdu.layout, type: hdu.type, name: hdu.name, ver: hdu.ver, cards: cardImages(hdu.header) };
  if (hdu instanceof ImageHdu) {
    entry.bitpix = hdu.bitpix;
    entry.shape = hdu.shape;
  }
  if (hdu instanceof BinTableHdu) {
    entry.table = {
      rows: hdu.nrows,
      rowBytes: hdu.header.integer("NAXIS1"),
      columns: hdu.columns.map((column) => ({ name: column.name, format: column.format, offset: column.offset })),
    };
  }
  return entry;
}

/** The header's cards as 80-character images, without END: the records `Header.toString` joins. */
function cardImages(header: Header): string[] {
  return header.cards.flatMap(cardRecords);
}

/** The header of an indexed HDU. */
export function indexedHeader(hdu: IndexedHdu, url: string): Header {
  const bad = hdu.cards.find((image) => image.length !== CARD);
  if (bad !== undefined)
    throw new FormatError(`the index holds a card that is not 80 characters: ${JSON.stringify(bad)}`, { url, index: hdu.index });
  return parseHeaderCards(hdu.cards.join(""), hdu.cards.length);
}

/**
 * The entry for `url` in `index` (an index document or a single file's entry), checked
 * against the object's size and ETag: a changed object raises {@link ConsistencyError}.
 */
export function indexEntryFor(index: FitsIndex | IndexedFile, url: string, size: number, etag: string | undefined): IndexedFile {
  const entry = "files" in index ? index.files.find((file) => file.url === url) : index;
  if (!entry) throw new FormatError(`the index has no entry for ${url}`, { url });
  if (entry.size !== size || (entry.etag !== null && etag !== undefined && entry.etag !== etag)) {
    throw new ConsistencyError(
      `the index was built for another version of this object (indexed: ${entry.size} bytes, ETag ${entry.etag}; now: ${size} bytes, ETag ${etag}); rebuild it`,
      { url },
    );
  }
  return entry;
}
