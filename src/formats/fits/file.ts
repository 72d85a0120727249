/**
 * Opening a FITS file over any ByteSource: HDUs walked lazily by reading headers only (each
 * header's size gives the next header's offset), an astropy-like summary, and header scans.
 * @module
 */
import type { ByteSource } from "../../core/byte-source.js";
import { latin1Decode } from "../../core/bytes.js";
import { FormatError } from "../../core/errors.js";
import type { AnyHdu, AnyImageHdu } from "./any-hdu.js";
import { CardError } from "./card.js";
import { CompImageHdu } from "./compression/comp-image-hdu.js";
import { type FitsIndex, type IndexedFile, indexEntryFor, indexedHeader } from "./fits-index.js";
import { DEFAULT_LIMITS, type FitsLimits, Hdu } from "./hdu.js";
import { BLOCK, CARD, findEndCard, type Header, parseHeaderCards } from "./header.js";
import { GroupsHdu, ImageHdu } from "./image-hdu.js";
import { axes, dataSize, type HduLayout, type HduType, hduType, padToBlock } from "./layout.js";
import { AsciiTableHdu, BinTableHdu } from "./table-hdu.js";

/** Options of {@link openFits}. */
export interface OpenFitsOptions extends FitsLimits {
  /** Bytes read for the first try at a header (default 2880 x 4); doubled until END is found. */
  headerReadSize?: number;
  /** Cancels the reads. */
  signal?: AbortSignal;
  /**
   * A cloud index (a whole document or this file's entry): HDUs come from it without reading
   * any header, after checking that the object's size and ETag still match.
   */
  index?: FitsIndex | IndexedFile;
}

/** Turns an HDU header into the right HDU class. */
export type HduFactory = (source: ByteSource, type: HduType, header: Header, layout: HduLayout, limits: Required<FitsLimits>) => AnyHdu;

const factories: Partial<Record<HduType, HduFactory>> = {
  PrimaryHDU: (...args) => new ImageHdu(...args),
  ImageHDU: (...args) => new ImageHdu(...args),
  GroupsHDU: (...args) => new GroupsHdu(...args),
  BinTableHDU: (...args) => new BinTableHdu(...args),
  TableHDU: (...args) => new AsciiTableHdu(...args),
};

/** Lets a module (e.g. tile compression) supply the class for a kind of HDU. */
export function registerHduFactory(type: HduType, factory: HduFactory): void {
  factories[type] = factory;
}

/** A FITS file whose HDUs are read on demand. */
export class FitsFile {
  private readonly loaded: AnyHdu[] = [];
  private ended = false;
  /** The last header bytes read: the next HDU's header often starts inside them. */
  private lastHeaderRead: { offset: number; bytes: Uint8Array } | undefined;
  private readonly limits: Required<FitsLimits>;

  constructor(
    /** The file's bytes. */
    readonly source: ByteSource,
    private readonly options: OpenFitsOptions = {},
  ) {
    const limits = { ...DEFAULT_LIMITS, ...options };
    this.limits = {
      maxHeaderBytes: Math.max(BLOCK, limits.maxHeaderBytes),
      maxArrayBytes: limits.maxArrayBytes,
      maxColumnBytes: limits.maxColumnBytes,
    };
  }

  /** The HDU at `index` (0 = primary), or the first with this EXTNAME (and EXTVER). */
  async hdu(which: number | string, ver?: number): Promise<AnyHdu> {
    if (typeof which === "number") {
      while (this.loaded.length <= which && !this.ended) await this.loadNext();
      const found = this.loaded[which];
      if (!found)
        throw new FormatError(`the file has ${this.loaded.length} HDU${this.loaded.length === 1 ? "" : "s"}, no HDU ${which}`, {
          url: this.source.url,
        });
      return found;
    }
    const wanted = which.toUpperCase();
    for (let i = 0; ; i++) {
      while (this.loaded.length <= i && !this.ended) await this.loadNext();
      const hdu = this.loaded[i];
      if (!hdu) throw new FormatError(`no HDU named ${which}${ver === undefined ? "" : ` version ${ver}`}`, { url: this.source.url });
      if (hdu.name.toUpperCase() === wanted && (ver === undefined || hdu.ver === ver)) return hdu;
    }
  }

  /**
   * Like {@link hdu}, for an HDU that must hold an image (plain or tile-compressed), typed so:
   * `(await fits.imageHdu("SCI")).section(...)`. A FormatError when it holds something else.
   */
  async imageHdu(which: number | string, ver?: number): Promise<AnyImageHdu> {
    const hdu = await this.hdu(which, ver);
    if (hdu instanceof ImageHdu || hdu instanceof CompImageHdu) return hdu;
    throw new FormatError(`HDU ${hdu.index}${hdu.name ? ` (${hdu.name})` : ""} is a ${hdu.type}, not an image`, { url: this.source.url });
  }

  /** Every HDU (reads every header, no data). */
  async hdus(): Promise<AnyHdu[]> {
    while (!this.ended) await this.loadNext();
    return [...this.loaded];
  }

  /** A table of the HDUs like astropy's `info()`: No., Name, Ver, Type, Cards, Dimensions, Format. */
  async info(): Promise<string> {
    const rows = (await this.hdus()).map((hdu) => {
      const [dimensions, format] = describeData(hdu);
      return [String(hdu.index), hdu.name, String(hdu.ver), hdu.type, String(hdu.header.cards.length), dimensions, format];
    });
    const head = ["No.", "Name", "Ver", "Type", "Cards", "Dimensions", "Format"];
    const widths = head.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] as string).length)));
    const line = (cells: string[]): string =>
      cells
        .map((cell, column) => cell.padEnd(widths[column] as number))
        .join("  ")
        .trimEnd();
    return [`Filename: ${this.source.url}`, line(head), ...rows.map(line)].join("\n");
  }

  private async loadNext(): Promise<void> {
    const index = this.loaded.length;
    if (this.options.index) {
      const entry = indexEntryFor(this.options.index, this.source.url, this.source.size, this.source.etag);
      const indexed = entry.hdus[index];
      if (!indexed) {
        this.ended = true;
        return;
      }
      this.loaded.push(this.makeHdu(indexed.type, indexedHeader(indexed, this.source.url), indexedLayout(indexed, index, this.source)));
      return;
    }
    const previous = this.loaded[index - 1];
    const offset = previous ? previous.layout.nextOffset : 0;
    if (index > 0 && offset >= this.source.size) {
      this.ended = true;
      return;
    }
    const hdu = await this.readHdu(index, offset);
    if (hdu) this.loaded.push(hdu);
    else this.ended = true;
  }

  /**
   * Bytes `[offset, offset + length)` of the file (fewer at its end) for a header, using what the
   * previous header read already brought and fetching only the rest.
   */
  private async readHeaderBytes(offset: number, length: number): Promise<Uint8Array> {
    const last = this.lastHeaderRead;
    const end = Math.min(offset + length, this.source.size);
    let bytes: Uint8Array;
    if (last && offset >= last.offset && offset < last.offset + last.bytes.length) {
      const known = last.bytes.subarray(offset - last.offset, Math.min(last.bytes.length, end - last.offset));
      if (offset + known.length >= end) return known;
      const rest = await this.source.read(offset + known.length, end - offset - known.length, { signal: this.options.signal });
      bytes = new Uint8Array(known.length + rest.length);
      bytes.set(known, 0);
      bytes.set(rest, known.length);
    } else {
      bytes = await this.source.read(offset, length, { signal: this.options.signal });
    }
    this.lastHeaderRead = { offset, bytes };
    return bytes;
  }

  /**
   * How many header bytes to read at `position`, `read` of this header already read, when the
   * walk would like `want`: what is in memory (the source's cache, the last header read) when
   * that is less than `want` but holds whole blocks, so that a header inside the cached head
   * costs no request; else, when the store must be asked, `want` or three times what was read
   * already, whichever is more, so that a long header costs few requests.
   */
  private headerReadLength(position: number, want: number, read: number): number {
    const last = this.lastHeaderRead;
    const lastHolds = last && position >= last.offset ? last.offset + last.bytes.length - position : 0;
    const cached = Math.max(this.source.cachedLength?.(position) ?? 0, lastHolds);
    if (cached >= want || position + cached >= this.source.size) return want;
    const wholeBlocks = cached - ((read + cached) % BLOCK);
    if (wholeBlocks > 0) return wholeBlocks;
    return Math.max(want, Math.min(3 * read, this.limits.maxHeaderBytes - read));
  }

  private async readHdu(index: number, offset: number): Promise<AnyHdu | undefined> {
    const fail = (message: string, at = offset, cause?: unknown): FormatError =>
      new FormatError(message, { index, offset: at, url: this.source.url, cause });
    let size = Math.max(BLOCK, this.options.headerReadSize ?? BLOCK * 4);
    let text = "";
    let cards = -1;
    while (cards < 0) {
      const length = this.headerReadLength(offset + text.length, Math.min(size, this.limits.maxHeaderBytes) - text.length, text.length);
      // Whole cards only: every read starts on a card boundary, so END is found in the bytes and
      // only the header itself is decoded to text.
      const want = Math.max(CARD, length - (length % CARD));
      const bytes = await this.readHeaderBytes(offset + text.length, want);
      if (index === 0 && text.length === 0 && bytes.length < BLOCK)
        throw fail(bytes.length === 0 ? "empty file" : "the file is shorter than one FITS block");
      if (index > 0 && text.length === 0 && !startsWith(bytes, "XTENSION")) return undefined;
      const end = findEndCard(bytes);
      const cardsBefore = text.length / CARD;
      text += latin1Decode(end >= 0 ? bytes.subarray(0, (end + 1) * CARD) : bytes);
      if (index === 0 && !text.startsWith("SIMPLE  =")) throw fail("no SIMPLE card: this is not a FITS file");
      if (end >= 0) {
        cards = cardsBefore + end;
        break;
      }
      if (bytes.length < want) throw fail("the header has no END card before the end of the file", offset + text.length);
      if (text.length >= this.limits.maxHeaderBytes)
        throw fail(`no END card within ${this.limits.maxHeaderBytes} header bytes (option maxHeaderBytes)`);
      size *= 2;
    }
    let header: Header;
    let type: HduType;
    let layout: HduLayout;
    try {
      header = parseHeaderCards(text, cards);
      type = hduType(header, index);
      if (type === "GroupsHDU" && header.integer("NAXIS") === 0) presentAsGroups(header);
      axes(header);
      const headerSize = padToBlock((cards + 1) * CARD);
      const size = dataSize(header, type);
      layout = {
        index,
        headerOffset: offset,
        headerSize,
        dataOffset: offset + headerSize,
        dataSize: size,
        nextOffset: offset + headerSize + padToBlock(size),
      };
    } catch (error) {
      if (error instanceof CardError || error instanceof RangeError) throw fail(`bad header: ${error.message}`, offset, error);
      throw error;
    }
    if (!Number.isSafeInteger(layout.nextOffset) || layout.nextOffset <= offset)
      throw fail(`the HDU walk does not advance (next HDU at byte ${layout.nextOffset})`);
    if (layout.nextOffset > this.source.size) {
      throw fail(
        `the file is truncated: HDU ${index}'s data unit, padded to whole blocks as FITS requires, ends at byte ${layout.nextOffset}; the file has ${this.source.size} bytes`,
        layout.dataOffset,
      );
    }
    return this.makeHdu(type, header, layout);
  }

  private makeHdu(type: HduType, header: Header, layout: HduLayout): AnyHdu {
    const factory = factories[type] ?? ((...args) => new Hdu(...args));
    return factory(this.source, type, header, layout, this.limits);
  }
}

/** The layout an index gives for HDU `index`, checked against the object. */
function indexedLayout(entry: HduLayout, index: number, source: ByteSource): HduLayout {
  const layout: HduLayout = {
    index,
    headerOffset: entry.headerOffset,
    headerSize: entry.headerSize,
    dataOffset: entry.dataOffset,
    dataSize: entry.dataSize,
    nextOffset: entry.nextOffset,
  };
  const sane =
    Object.values(layout).every((value) => Number.isSafeInteger(value) && value >= 0) &&
    layout.dataOffset === layout.headerOffset + layout.headerSize &&
    layout.nextOffset > layout.headerOffset &&
    layout.dataOffset + layout.dataSize <= source.size;
  if (!sane) throw new FormatError("the index gives an impossible layout for this HDU", { index, url: source.url });
  return layout;
}

/** A GROUPS = T primary header without axes is read, as astropy reads it, with NAXIS = 1 and NAXIS1 = 0. */
function presentAsGroups(header: Header): void {
  header.set("NAXIS", 1);
  const at = header.cards.findIndex((card) => card.keyword === "NAXIS");
  header.cards.splice(at + 1, 0, { keyword: "NAXIS1", value: 0, comment: "" });
}

function startsWith(bytes: Uint8Array, prefix: string): boolean {
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix.charCodeAt(i)) return false;
  return bytes.length >= prefix.length;
}

function describeData(hdu: AnyHdu): [string, string] {
  if (hdu instanceof BinTableHdu || hdu instanceof AsciiTableHdu) {
    const formats = hdu.columns.map((column) => column.format).join(", ");
    return [`${hdu.nrows}R x ${hdu.columns.length}C`, `[${formats}]`];
  }
  if (hdu instanceof GroupsHdu)
    return [`(${hdu.dataShape.slice(1).reverse().join(", ")})`, `${hdu.groups} Groups  ${hdu.params.length} Parameters`];
  if (hdu instanceof ImageHdu || hdu.type === "CompImageHDU") {
    const image = hdu as unknown as { shape: number[]; bitpix: number };
    let shape: number[];
    let bitpix: number;
    try {
      shape = image.shape;
      bitpix = image.bitpix;
    } catch {
      return ["", ""];
    }
    const format =
      ({ 8: "uint8", 16: "int16", 32: "int32", 64: "int64", [-32]: "float32", [-64]: "float64" } as Record<number, string>)[bitpix] ?? "";
    return [`(${[...shape].reverse().join(", ")})`, shape.length === 0 ? "" : format];
  }
  return ["", ""];
}

/** Opens a FITS file from a ByteSource. Reads nothing until an HDU is asked for. */
export function openFitsSource(source: ByteSource, options: OpenFitsOptions = {}): FitsFile {
  return new FitsFile(source, options);
}

/**
 * Yields every HDU's header, in order, reading headers only: the way to survey a 44 GB cube
 * without paying for its data.
 */
export async function* scanSourceHeaders(source: ByteSource, options: OpenFitsOptions = {}): AsyncGenerator<AnyHdu> {
  const file = new FitsFile(source, options);
  for (let index = 0; ; index++) {
    let hdu: AnyHdu;
    try {
      hdu = await file.hdu(index);
    } catch (error) {
      if (index > 0 && error instanceof FormatError && /no HDU/.test(error.message)) return;
      throw error;
    }
    yield hdu;
  }
}

export type { AnyHdu } from "./any-hdu.js";
