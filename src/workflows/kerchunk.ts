/**
 * Export of a FITS index entry as kerchunk / fsspec reference JSON (version 1), so that Python
 * users can open the image HDUs with `fsspec.filesystem("reference", fo=...)` and zarr without
 * reading any header.
 * @module
 */
import type { IndexedFile, IndexedHdu } from "../api/fits.js";
import { indexedHeader } from "../api/fits.js";

/** A reference document of version 1. */
export interface KerchunkReferences {
  /** Always 1. */
  version: 1;
  /** Keys of the zarr store: JSON text for metadata, `[url, offset, length]` for chunks. */
  refs: Record<string, string | [string, number, number]>;
}

/** Options of {@link toKerchunk}. */
export interface KerchunkOptions {
  /** Largest chunk in bytes (default 8 MiB); chunks are whole slabs along the first axis. */
  targetChunkBytes?: number;
}

/** Why an HDU was left out of the export. */
export interface SkippedHdu {
  /** The HDU's index. */
  index: number;
  /** The reason. */
  reason: string;
}

const DTYPES: Record<number, string> = { 8: "|u1", 16: ">i2", 32: ">i4", 64: ">i8", [-32]: ">f4", [-64]: ">f8" };
const UNSIGNED: Record<number, [number, string]> = { 16: [32768, "<u2"], 32: [2147483648, "<u4"] };

/**
 * The references of the image HDUs of one indexed file: each non-empty image HDU becomes a zarr
 * array (named by EXTNAME, or `hdu<n>`), chunked in whole slabs along its first numpy axis,
 * with the header values as attributes. Covered: PrimaryHDU and ImageHDU of every BITPIX;
 * BSCALE/BZERO as a `fixedscaleoffset` filter (unsigned 16- and 32-bit integers exactly; not
 * for 64-bit integers, whose scaling a float filter cannot keep exact); BLANK of an integer
 * image as the zarr `fill_value` (in the decoded values' units), which xarray's zarr engine
 * masks to NaN as astropy does (plain zarr gives the stored sentinel and names it in
 * `fill_value`). Not covered, and
 * listed in `skipped`: tables, tile-compressed and random-groups HDUs.
 */
export function toKerchunk(file: IndexedFile, options: KerchunkOptions = {}): { references: KerchunkReferences; skipped: SkippedHdu[] } {
  const refs: KerchunkReferences["refs"] = { ".zgroup": JSON.stringify({ zarr_format: 2 }) };
  const skipped: SkippedHdu[] = [];
  const names = new Set<string>();
  for (const hdu of file.hdus) {
    const reason = unsupported(hdu);
    if (reason) {
      skipped.push({ index: hdu.index, reason });
      continue;
    }
    let name = hdu.name && /^[A-Za-z0-9_.-]+$/.test(hdu.name) ? hdu.name : `hdu${hdu.index}`;
    if (names.has(name)) name = `${name}_${hdu.index}`;
    names.add(name);
    addImage(refs, name, hdu, file.url, options.targetChunkBytes ?? 8 * 1024 * 1024);
  }
  return { references: { version: 1, refs }, skipped };
}

function unsupported(hdu: IndexedHdu): string | undefined {
  if (hdu.type !== "PrimaryHDU" && hdu.type !== "ImageHDU") return `${hdu.type} is not exported (image HDUs only)`;
  if (!hdu.shape || hdu.shape.length === 0 || hdu.dataSize === 0) return "no data";
  if (hdu.bitpix === 64 && scaling(hdu).offset !== 0) return "a scaled 64-bit integer image cannot be expressed exactly";
  return undefined;
}

function scaling(hdu: IndexedHdu): { scale: number; offset: number; blank: number | undefined } {
  const header = indexedHeader(hdu, "");
  const blank = header.get("BLANK");
  return {
    scale: header.number("BSCALE", 1),
    offset: header.number("BZERO", 0),
    blank: (typeof blank === "number" || typeof blank === "bigint") && Number.isSafeInteger(Number(blank)) ? Number(blank) : undefined,
  };
}

function addImage(refs: KerchunkReferences["refs"], name: string, hdu: IndexedHdu, url: string, target: number): void {
  const shape = hdu.shape as number[];
  const bitpix = hdu.bitpix as number;
  const itemBytes = Math.abs(bitpix) / 8;
  const slabBytes = (shape.slice(1).reduce((product, length) => product * length, 1) || 1) * itemBytes;
  const first = shape[0] as number;
  let rows = 1;
  for (let candidate = first; candidate >= 1; candidate--) {
    if (first % candidate === 0 && candidate * slabBytes <= target) {
      rows = candidate;
      break;
    }
  }
  const chunks = [rows, ...shape.slice(1)];
  const { scale, offset, blank } = scaling(hdu);
  const unsigned = UNSIGNED[bitpix];
  let dtype = DTYPES[bitpix] as string;
  let filters: unknown[] | null = null;
  let fillValue: number | null = bitpix > 0 && blank !== undefined ? blank : null;
  if (scale !== 1 || offset !== 0) {
    const decoded = unsigned && scale === 1 && offset === unsigned[0] ? unsigned[1] : "<f8";
    const inverse = 1 / scale;
    filters = [{ id: "fixedscaleoffset", offset, scale: inverse, dtype: decoded, astype: dtype }];
    dtype = decoded;
    if (fillValue !== null) fillValue = fillValue / inverse + offset;
  }
  refs[`${name}/.zarray`] = JSON.stringify({
    chunks,
    compressor: null,
    dtype,
    fill_value: fillValue,
    filters,
    order: "C",
    shape,
    zarr_format: 2,
  });
  const header = indexedHeader(hdu, url);
  const attributes: Record<string, unknown> = { _ARRAY_DIMENSIONS: shape.map((_, axis) => `${name}_dim_${axis}`) };
  for (const card of header.cards) {
    if (!card.keyword || card.keyword === "COMMENT" || card.keyword === "HISTORY" || card.value === undefined) continue;
    const value = typeof card.value === "bigint" ? card.value.toString() : card.value;
    if (typeof value === "object" && value !== null) continue;
    if (!(card.keyword in attributes)) attributes[card.keyword] = value;
  }
  refs[`${name}/.zattrs`] = JSON.stringify(attributes);
  const chunkBytes = rows * slabBytes;
  const rest = shape.slice(1).map(() => "0");
  for (let chunk = 0; chunk < first / rows; chunk++) {
    refs[[`${name}/${chunk}`, ...rest].join(".")] = [url, hdu.dataOffset + chunk * chunkBytes, chunkBytes];
  }
}
