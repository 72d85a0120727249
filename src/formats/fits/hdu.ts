/**
 * What every HDU has: its header, layout and identity, and checked reads of its data unit.
 * @module
 */
import type { ByteRange, ByteSource } from "../../core/byte-source.js";
import { FormatError } from "../../core/errors.js";
import type { Header } from "./header.js";
import type { HduLayout, HduType } from "./layout.js";

/** Limits that protect readers from hostile files. */
export interface FitsLimits {
  /** Largest header accepted, in bytes (default 64 MiB). */
  maxHeaderBytes?: number;
  /** Largest array allocated at once, in bytes (default 4 GiB). */
  maxArrayBytes?: number;
  /**
   * Most bytes one column read of variable-length arrays may produce, counting each distinct
   * heap range once (rows whose descriptors repeat a range share its values) (default 1 GiB).
   */
  maxColumnBytes?: number;
}

/** Default limits. */
export const DEFAULT_LIMITS: Required<FitsLimits> = {
  maxHeaderBytes: 64 * 1024 * 1024,
  maxArrayBytes: 4 * 1024 * 1024 * 1024,
  maxColumnBytes: 1024 * 1024 * 1024,
};

/** An HDU of a FITS file. */
export class Hdu {
  /** EXTNAME (`PRIMARY` for the primary HDU without one). */
  readonly name: string;
  /** EXTVER (default 1). */
  readonly ver: number;

  constructor(
    /** The file's bytes. */
    readonly source: ByteSource,
    /** astropy's name for the kind of HDU. */
    readonly type: HduType,
    /** The header. */
    readonly header: Header,
    /** Where the header and data lie. */
    readonly layout: HduLayout,
    /** Limits in force. */
    readonly limits: Required<FitsLimits>,
  ) {
    this.name = hduName(header, type, layout.index);
    const extver = header.get("EXTVER");
    this.ver = typeof extver === "number" && Number.isInteger(extver) ? extver : 1;
  }

  /** Position of the HDU in the file, from 0. */
  get index(): number {
    return this.layout.index;
  }

  /** A {@link FormatError} that names this HDU and a byte offset. */
  formatError(message: string, offset = this.layout.dataOffset, cause?: unknown): FormatError {
    return new FormatError(message, { index: this.index, offset, url: this.source.url, cause });
  }

  /** Checks that `length` bytes at `offset` lie inside the file and under the array limit. */
  checkRange(offset: number, length: number): void {
    if (length > this.limits.maxArrayBytes) {
      throw this.formatError(`${length} bytes exceed the array limit of ${this.limits.maxArrayBytes} (option maxArrayBytes)`, offset);
    }
    if (offset + length > this.source.size) {
      throw this.formatError(`the data unit needs bytes up to ${offset + length}, the file has ${this.source.size}`, offset);
    }
  }

  /** Reads byte ranges relative to the data unit's start, all in one batch, after checking them. */
  async readDataRanges(ranges: readonly ByteRange[], options: { signal?: AbortSignal } = {}): Promise<Uint8Array[]> {
    const absolute = ranges.map((range) => ({ offset: this.layout.dataOffset + range.offset, length: range.length }));
    for (const range of absolute) this.checkRange(range.offset, range.length);
    const parts = await this.source.readMany(absolute, options);
    parts.forEach((part, i) => {
      if (part.length !== (absolute[i] as ByteRange).length)
        throw this.formatError("the file ended inside the data unit", (absolute[i] as ByteRange).offset);
    });
    return parts;
  }

  /** Reads the whole data unit (without padding). */
  async readData(options: { signal?: AbortSignal } = {}): Promise<Uint8Array> {
    if (this.layout.dataSize === 0) return new Uint8Array(0);
    const [bytes] = await this.readDataRanges([{ offset: 0, length: this.layout.dataSize }], options);
    return bytes as Uint8Array;
  }
}

/**
 * An HDU's name as astropy gives it: EXTNAME, PRIMARY for a primary HDU without one, and for a
 * compressed image the image's EXTNAME (the table's own `COMPRESSED_IMAGE` is the default).
 */
function hduName(header: Header, type: HduType, index: number): string {
  const names = header
    .getAll("EXTNAME")
    .filter((value): value is string => typeof value === "string")
    .map((value) => value.trim());
  if (type === "CompImageHDU") return names.find((name) => name !== "COMPRESSED_IMAGE") ?? "COMPRESSED_IMAGE";
  const extname = names[0] ?? "";
  return extname !== "" ? extname : index === 0 ? "PRIMARY" : "";
}
