/**
 * Writing ASDF files: a tree of plain values, arrays, known tags and tagged values as YAML 1.1
 * (the subset every ASDF reader parses the same way), each array in its own block (raw, zlib, bzp2
 * or ASDF-framed lz4) with its MD5 checksum, and the block index at the end.
 * @module
 */
import { zlibSync } from "fflate";
import lz4 from "lz4js";
import { concatBytes } from "../../core/bytes.js";
import { bzip2Encode } from "../../core/compression/bzip2-encode.js";
import { InvalidArgumentError } from "../../core/errors.js";
import { md5 } from "../../core/hash.js";
import type { NumericArray } from "../../core/typed-array.js";
import { BLOCK_MAGIC } from "./blocks.js";
import { KnownTag, TaggedValue } from "./tags.js";

/** Block compressions the writer produces: none, zlib, bzip2 (`bzp2`, 900 kB blocks) or lz4 in ASDF's framing. */
export type WriteCompression = "none" | "zlib" | "bzp2" | "lz4";

/**
 * An array to write: typed values in native byte order and their shape (C order), as
 * {@link NdArray.read} and `section` return them. `dtype` tells `complex64`/`complex128` (then
 * `data` holds re, im interleaved) and `bool` apart; otherwise the typed array's type decides.
 */
export interface ArrayInput {
  /** The values. */
  data: NumericArray;
  /** The shape (default: one axis as long as the values). */
  shape?: readonly number[];
  /** numpy name of the element type, when the typed array alone does not tell. */
  dtype?: string;
  /** This array's block compression (default: the file's). */
  compression?: WriteCompression;
}

/** Options of {@link writeAsdf}. */
export interface WriteAsdfOptions {
  /** Compression of every array's block (default `none`). */
  compression?: WriteCompression;
  /** Write each block's MD5 (default true). */
  checksums?: boolean;
  /** Write the block index at the end of the file (default true). */
  blockIndex?: boolean;
  /** The `asdf_library` entry (default: skyfs). */
  library?: { name: string; version: string; homepage?: string; author?: string };
}

const ASDF_PREFIX = "tag:stsci.edu:asdf/";
const NDARRAY_TAG = `${ASDF_PREFIX}core/ndarray-1.0.0`;
const NATIVE_ORDER = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1 ? "little" : "big";
const RESERVED = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~)$/;
const PLAIN = /^[A-Za-z_][A-Za-z0-9_.\-/]*$/;
/** Characters to escape in YAML 1.1: DEL and C1 controls, its extra line breaks (NEL, LS, PS), the BOM, U+FFFE/U+FFFF. */
const NOT_PRINTABLE = /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g;

/**
 * Writes `tree` as an ASDF file (standard 1.5.0). Values may be plain data (objects, arrays,
 * strings, numbers, bigints, booleans, null, dates as YAML timestamps), `{re, im}` complex numbers, arrays
 * ({@link ArrayInput}, or a bare typed array for one axis), known tags ({@link Quantity},
 * {@link Unit}, {@link AsdfTime}, {@link ExternalArray}) and any other {@link TaggedValue}.
 * Objects reached twice are written twice (no anchors); a cycle is refused.
 */
export function writeAsdf(tree: Record<string, unknown>, options: WriteAsdfOptions = {}): Uint8Array {
  const blocks: Array<{ data: Uint8Array; compression: WriteCompression }> = [];
  const library = options.library ?? { name: "skyfs", version: "0.1.0" };
  const root: Record<string, unknown> = { asdf_library: new TaggedValue(`${ASDF_PREFIX}core/software-1.0.0`, library), ...tree };
  const emitter = new YamlEmitter((array) => {
    blocks.push({ data: bytesOf(array.data), compression: array.compression ?? options.compression ?? "none" });
    return blocks.length - 1;
  });
  const body = emitter.mapping(root, 0);
  const text = `#ASDF 1.0.0\n#ASDF_STANDARD 1.5.0\n%YAML 1.1\n%TAG ! ${ASDF_PREFIX}\n--- !core/asdf-1.1.0\n${body}...\n`;
  const parts: Uint8Array[] = [new TextEncoder().encode(text)];
  let offset = (parts[0] as Uint8Array).length;
  const offsets: number[] = [];
  for (const block of blocks) {
    const stored = compress(block.data, block.compression);
    const header = new Uint8Array(6 + 48);
    const view = new DataView(header.buffer);
    header.set(BLOCK_MAGIC);
    view.setUint16(4, 48);
    header.set(new TextEncoder().encode(block.compression === "none" ? "\0\0\0\0" : block.compression.padEnd(4, "\0")), 10);
    view.setBigUint64(14, BigInt(stored.length));
    view.setBigUint64(22, BigInt(stored.length));
    view.setBigUint64(30, BigInt(block.data.length));
    if (options.checksums !== false) header.set(md5(block.data), 38);
    offsets.push(offset);
    parts.push(header, stored);
    offset += header.length + stored.length;
  }
  if (options.blockIndex !== false && blocks.length > 0)
    parts.push(new TextEncoder().encode(`#ASDF BLOCK INDEX\n%YAML 1.1\n---\n${offsets.map((at) => `- ${at}\n`).join("")}...\n`));
  return concatBytes(parts);
}

/** Block-style YAML of a tree; arrays are handed to `addBlock`, which returns their block number. */
class YamlEmitter {
  private readonly open = new Set<unknown>();

  constructor(private readonly addBlock: (array: ArrayInput) => number) {}

  /** The entries of a mapping, one per line at `indent`. */
  mapping(object: Record<string, unknown>, indent: number): string {
    const entries = Object.entries(object).filter(([, value]) => value !== undefined);
    if (entries.length === 0) return `${" ".repeat(indent)}{}\n`;
    return this.guard(object, () =>
      entries.map(([key, value]) => `${" ".repeat(indent)}${scalarString(key)}:${this.after(value, indent)}`).join(""),
    );
  }

  /** What follows `key:` or `-`: ` scalar\n`, or a newline and a nested block. */
  private after(value: unknown, indent: number): string {
    const inline = this.inline(value);
    if (inline !== undefined) return ` ${inline}\n`;
    const [tag, node] = this.tagged(value);
    const prefix = tag ? ` ${tag}` : "";
    const nestedInline = this.inline(node);
    if (nestedInline !== undefined) return `${prefix} ${nestedInline}\n`;
    if (Array.isArray(node)) return `${prefix}\n${this.sequence(node, indent + 2)}`;
    return `${prefix}\n${this.mapping(node as Record<string, unknown>, indent + 2)}`;
  }

  private sequence(items: readonly unknown[], indent: number): string {
    return this.guard(items, () => items.map((item) => `${" ".repeat(indent)}-${this.after(item, indent)}`).join(""));
  }

  /** A one-line rendering, for scalars and short flows of scalars; undefined for anything else. */
  private inline(value: unknown): string | undefined {
    if (value === null || value === undefined) return "null";
    if (typeof value === "boolean") return value ? "true" : "false";
    if (typeof value === "bigint") return value.toString();
    if (typeof value === "number") return numberText(value);
    if (typeof value === "string") return scalarString(value);
    if (value instanceof Date) return timestampText(value);
    if (isComplex(value)) return `!core/complex-1.0.0 ${complexText(value.re, value.im)}`;
    if (
      Array.isArray(value) &&
      value.length <= 16 &&
      value.every((item) => item === null || ["boolean", "bigint", "number", "string"].includes(typeof item))
    )
      return `[${value.map((item) => this.inline(item)).join(", ")}]`;
    if (isPlainObject(value) && Object.keys(value).length === 0) return "{}";
    return undefined;
  }

  /** The tag (`!core/...` or `!<...>`) and the node to write for a value. */
  private tagged(value: unknown): [string | undefined, unknown] {
    if (ArrayBuffer.isView(value)) return this.tagged({ data: value as NumericArray });
    if (isArrayInput(value)) return [tagText(NDARRAY_TAG), this.ndarray(value)];
    if (value instanceof KnownTag) return [tagText(value.tag), value.node];
    if (value instanceof TaggedValue) return [tagText(value.tag), value.value];
    if (Array.isArray(value) || isPlainObject(value)) return [undefined, value];
    throw new InvalidArgumentError(
      `writeAsdf cannot write ${Object.prototype.toString.call(value)} (read arrays first; write typed arrays with their shape)`,
    );
  }

  private ndarray(array: ArrayInput): Record<string, unknown> {
    const datatype = datatypeOf(array);
    const perValue = datatype.startsWith("complex") ? 2 : 1;
    const shape = array.shape ? [...array.shape] : [array.data.length / perValue];
    const count = shape.reduce((product, length) => product * length, 1);
    if (shape.some((length) => !Number.isSafeInteger(length) || length < 0) || count * perValue !== array.data.length)
      throw new InvalidArgumentError(`an array of ${array.data.length} values cannot have the shape [${shape.join(", ")}]`);
    return { source: this.addBlock(array), datatype, byteorder: NATIVE_ORDER, shape };
  }

  private guard(value: unknown, write: () => string): string {
    if (this.open.has(value)) throw new InvalidArgumentError("writeAsdf cannot write a tree that contains itself");
    this.open.add(value);
    try {
      return write();
    } finally {
      this.open.delete(value);
    }
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function isComplex(value: unknown): value is { re: number; im: number } {
  return isPlainObject(value) && Object.keys(value).length === 2 && typeof value.re === "number" && typeof value.im === "number";
}

function isArrayInput(value: unknown): value is ArrayInput {
  return value !== null && typeof value === "object" && ArrayBuffer.isView((value as ArrayInput).data) && !(value instanceof DataView);
}

function datatypeOf(array: ArrayInput): string {
  const data = array.data;
  if (array.dtype === "bool" && data instanceof Uint8Array) return "bool8";
  if (array.dtype === "complex64" && data instanceof Float32Array) return "complex64";
  if (array.dtype === "complex128" && data instanceof Float64Array) return "complex128";
  if (data instanceof Int8Array) return "int8";
  if (data instanceof Uint8Array) return "uint8";
  if (data instanceof Int16Array) return "int16";
  if (data instanceof Uint16Array) return "uint16";
  if (data instanceof Int32Array) return "int32";
  if (data instanceof Uint32Array) return "uint32";
  if (data instanceof Float32Array) return "float32";
  if (data instanceof Float64Array) return "float64";
  if (data instanceof BigInt64Array) return "int64";
  if (data instanceof BigUint64Array) return "uint64";
  throw new InvalidArgumentError(`writeAsdf cannot write a ${Object.prototype.toString.call(data)}`);
}

function bytesOf(data: NumericArray): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function compress(data: Uint8Array, compression: WriteCompression): Uint8Array {
  if (compression === "zlib") return zlibSync(data);
  if (compression === "bzp2") return bzip2Encode(data);
  if (compression === "lz4") return lz4Frames(data);
  if (compression === "none") return data;
  throw new InvalidArgumentError(`writeAsdf compresses blocks with zlib, bzp2 or lz4, not ${JSON.stringify(compression)}`);
}

/** ASDF's lz4 framing: 4 MiB chunks, each a 4-byte big-endian length then an lz4 block led by its size. */
function lz4Frames(data: Uint8Array): Uint8Array {
  const chunk = 4 * 1024 * 1024;
  const frames: Uint8Array[] = [];
  const table = new Uint32Array(1 << 16);
  for (let at = 0; at < data.length; at += chunk) {
    const piece = data.subarray(at, Math.min(data.length, at + chunk));
    let compressed: Uint8Array = new Uint8Array(lz4.compressBound(piece.length));
    table.fill(0);
    let length = lz4.compressBlock(piece, compressed, 0, piece.length, table);
    if (length === 0) {
      compressed = literalsOnly(piece);
      length = compressed.length;
    }
    const frame = new Uint8Array(8 + length);
    const view = new DataView(frame.buffer);
    view.setUint32(0, length + 4);
    view.setUint32(4, piece.length, true);
    frame.set(compressed.subarray(0, length), 8);
    frames.push(frame);
  }
  return concatBytes(frames);
}

/** An lz4 block that holds `data` as literals (what lz4js leaves to the caller when it finds no match). */
function literalsOnly(data: Uint8Array): Uint8Array {
  const extra = data.length >= 15 ? Math.floor((data.length - 15) / 255) + 1 : 0;
  const out = new Uint8Array(1 + extra + data.length);
  out[0] = Math.min(15, data.length) << 4;
  let at = 1;
  for (let rest = data.length - 15; rest >= 0; rest -= 255) out[at++] = Math.min(255, rest);
  out.set(data, at);
  return out;
}

function tagText(tag: string): string {
  return tag.startsWith(ASDF_PREFIX) ? `!${tag.slice(ASDF_PREFIX.length)}` : `!<${tag}>`;
}

/**
 * A string as a plain scalar when it cannot be read as anything else, double-quoted otherwise
 * (JSON's escapes are YAML's; characters YAML does not allow in a stream are escaped too).
 */
function scalarString(text: string): string {
  if (PLAIN.test(text) && !RESERVED.test(text)) return text;
  return JSON.stringify(text).replace(NOT_PRINTABLE, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** A number as YAML 1.1 reads it back: integers bare, floats with a dot (PyYAML needs one), `.nan`, `.inf`. */
function numberText(value: number): string {
  if (Number.isNaN(value)) return ".nan";
  if (!Number.isFinite(value)) return value > 0 ? ".inf" : "-.inf";
  if (Number.isSafeInteger(value)) return String(value);
  const text = String(value);
  if (text.includes(".")) return text;
  return text.includes("e") ? text.replace("e", ".0e") : `${text}.0`;
}

/** A date as a YAML timestamp (read back as the same instant); years must have four digits. */
function timestampText(date: Date): string {
  const text = Number.isNaN(date.getTime()) ? "" : date.toISOString();
  if (!/^\d{4}-/.test(text)) throw new InvalidArgumentError(`writeAsdf cannot write the date ${String(date)} as a YAML timestamp`);
  return text;
}

function complexText(re: number, im: number): string {
  const part = (value: number): string =>
    Number.isNaN(value) ? "nan" : !Number.isFinite(value) ? (value > 0 ? "inf" : "-inf") : String(value);
  const imaginary = part(im);
  return `(${part(re)}${imaginary.startsWith("-") ? "" : "+"}${imaginary}j)`;
}
