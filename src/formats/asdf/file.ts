/**
 * Opening an ASDF file over any ByteSource: the header lines and the YAML tree from the head of
 * the file, the block index from its tail (both in one batch), and blocks only when an array is
 * read.
 * @module
 */
import type { ByteRange, ByteSource, IoOptions } from "../../core/byte-source.js";
import { latin1Decode, latin1Encode } from "../../core/bytes.js";
import { FormatError, NotFoundError } from "../../core/errors.js";
import { type BlockHeader, checksumMatches, decompressBlock, MIN_BLOCK_HEADER, parseBlockHeader, parseBlockIndex } from "./blocks.js";
import { type BlockReader, NdArray } from "./ndarray.js";
import { KnownTag, Quantity, TaggedValue } from "./tags.js";
import { parseTree } from "./yaml-tree.js";

/** Options of {@link AsdfFile}. */
export interface AsdfOptions {
  /** Largest YAML tree read, in bytes (default 64 MiB). */
  maxTreeBytes?: number;
  /** Largest array (or decompressed block) allocated at once, in bytes (default 4 GiB). */
  maxArrayBytes?: number;
  /** Most YAML aliases (`*name`) the tree may use (default 10,000). */
  maxYamlAliases?: number;
  /** Most nodes the tree's aliases may stand for once expanded (default 1,000,000; refuses "billion laughs" trees). */
  maxYamlAliasNodes?: number;
  /**
   * Bytes of decompressed blocks kept in memory, so that several sections of one compressed
   * array decompress its block once (default 512 MiB; least recently used blocks go first).
   */
  blockCacheBytes?: number;
  /** Check each block's MD5 when it is read (default true). */
  verifyChecksums?: boolean;
  /** Opens another file for an external array source (default: relative to this file's URL, same store). */
  resolveExternal?: (url: string) => Promise<ByteSource>;
}

const HEAD_READ = 64 * 1024;
const TAIL_READ = 16 * 1024;
const YAML_END = /\r?\n\.\.\.\r?\n/;

/** An open ASDF file. */
export class AsdfFile implements BlockReader {
  /** The file's format version (`#ASDF x.y.z`). */
  readonly version: string;
  /** The ASDF standard version (`#ASDF_STANDARD`), when given. */
  readonly standardVersion: string | undefined;
  /** Comment lines of the header, without their `#`. */
  readonly comments: string[];
  /** The tree. */
  readonly tree: unknown;
  readonly maxArrayBytes: number;
  private readonly blocksStart: number;
  private readonly index: number[] | undefined;
  private readonly externals = new Map<string, Promise<AsdfFile>>();
  private headersPromise: Promise<BlockHeader[]> | undefined;
  private readonly decompressed = new Map<number, { bytes: number; data: Promise<Uint8Array> }>();
  private decompressedBytes = 0;

  private constructor(
    /** The file's bytes. */
    readonly source: ByteSource,
    private readonly options: AsdfOptions,
    parsed: {
      version: string;
      standard: string | undefined;
      comments: string[];
      yaml: string | undefined;
      blocksStart: number;
      index: number[] | undefined;
    },
  ) {
    this.version = parsed.version;
    this.standardVersion = parsed.standard;
    this.comments = parsed.comments;
    this.blocksStart = parsed.blocksStart;
    this.index = parsed.index;
    this.maxArrayBytes = options.maxArrayBytes ?? 4 * 1024 ** 3;
    try {
      this.tree =
        parsed.yaml === undefined
          ? {}
          : parseTree(parsed.yaml, {
              ndarray: (meta, tag) => new NdArray(this, meta, tag),
              maxAliases: options.maxYamlAliases,
              maxAliasNodes: options.maxYamlAliasNodes,
            });
    } catch (error) {
      throw new FormatError(`the YAML tree does not parse: ${(error as Error).message}`, { url: source.url, offset: 0, cause: error });
    }
  }

  /** Reads the head (and tail) of `source` and parses the tree. */
  static async open(source: ByteSource, options: AsdfOptions = {}): Promise<AsdfFile> {
    const fail = (message: string, offset = 0): FormatError => new FormatError(message, { url: source.url, offset });
    const maxTree = options.maxTreeBytes ?? 64 * 1024 * 1024;
    const tailLength = Math.min(source.size, TAIL_READ);
    const [head, tail] = await source.readMany([
      { offset: 0, length: Math.min(source.size, HEAD_READ) },
      { offset: source.size - tailLength, length: tailLength },
    ]);
    let text = latin1(head as Uint8Array);
    if (!text.startsWith("#ASDF ")) throw fail("no #ASDF header line: this is not an ASDF file");
    let lineEnd = text.indexOf("\n");
    const version = text.slice(6, lineEnd < 0 ? undefined : lineEnd).trim();
    const comments: string[] = [];
    let at = lineEnd + 1;
    while (lineEnd >= 0 && text[at] === "#") {
      lineEnd = text.indexOf("\n", at);
      if (lineEnd < 0) break;
      comments.push(text.slice(at + 1, lineEnd).trimEnd());
      at = lineEnd + 1;
    }
    const standard = comments
      .find((line) => line.startsWith("ASDF_STANDARD "))
      ?.slice(14)
      .trim();
    let yaml: string | undefined;
    let blocksStart = at;
    if (text.startsWith("%YAML", at) || text.startsWith("---", at)) {
      let end = YAML_END.exec(text.slice(at));
      while (!end && text.length < source.size) {
        if (text.length >= maxTree) throw fail(`no end of the YAML tree within ${maxTree} bytes (option maxTreeBytes)`, at);
        const more = await source.read(text.length, Math.min(text.length, maxTree - text.length + 1));
        text += latin1(more);
        end = YAML_END.exec(text.slice(at));
      }
      if (!end) {
        if (!/\r?\n\.\.\.\r?\n?$/.test(text)) throw fail("the YAML tree has no end marker (...)", at);
        end = /\r?\n\.\.\.\r?\n?$/.exec(text.slice(at)) as RegExpExecArray;
      }
      const yamlEnd = at + end.index + end[0].length;
      yaml = new TextDecoder().decode(latin1Encode(text.slice(at, yamlEnd)));
      blocksStart = yamlEnd;
    }
    const index = parseBlockIndex(latin1(tail as Uint8Array));
    return new AsdfFile(source, options, { version, standard, comments, yaml, blocksStart, index });
  }

  /** The value at a path (`roman/meta/exposure`, `/arrays/0`), or undefined. */
  get(path: string): unknown {
    let node: unknown = this.tree;
    for (const part of path.split("/").filter((segment) => segment !== "")) {
      if (node instanceof TaggedValue) node = node.value;
      else if (node instanceof KnownTag) node = node.node;
      if (Array.isArray(node)) node = node[Number(part)];
      else if (node !== null && typeof node === "object" && !(node instanceof NdArray)) node = (node as Record<string, unknown>)[part];
      else return undefined;
    }
    return node;
  }

  /**
   * The ndarray at a path (`roman/data`), also when it is the value of a quantity; throws
   * NotFoundError when the path names no array.
   */
  array(path: string): NdArray {
    const node = this.get(path);
    if (node instanceof NdArray) return node;
    if (node instanceof Quantity && node.value instanceof NdArray) return node.value;
    throw new NotFoundError(`no array at ${path} in the tree`, { url: this.source.url });
  }

  /** Paths of every ndarray in the tree (`/a/b/0`), in tree order. */
  arrays(): string[] {
    const found: string[] = [];
    const seen = new Set<unknown>();
    const walk = (node: unknown, path: string): void => {
      if (node instanceof NdArray) {
        found.push(path || "/");
        return;
      }
      if (node === null || typeof node !== "object" || seen.has(node)) return;
      seen.add(node);
      if (node instanceof TaggedValue) walk(node.value, path);
      else if (node instanceof KnownTag) walk(node.node, path);
      else if (Array.isArray(node)) {
        for (const [i, item] of node.entries()) walk(item, `${path}/${i}`);
      } else for (const [key, value] of Object.entries(node)) walk(value, `${path}/${key}`);
    };
    walk(this.tree, "");
    return found;
  }

  /** The headers of every block, in order (walks the blocks when there is no usable index). */
  async blocks(): Promise<BlockHeader[]> {
    return [...(await this.blockHeaders())];
  }

  async blockIsCompressed(index: number): Promise<boolean> {
    return (await this.blockHeader(index)).compression !== "";
  }

  async blockDataSize(index: number): Promise<number> {
    return (await this.blockHeader(index)).dataSize;
  }

  /**
   * The whole (decompressed) data of block `index`. Decompressed blocks are kept (up to
   * `blockCacheBytes`), so reading several sections of a compressed array costs one block read.
   */
  async readBlock(index: number): Promise<Uint8Array> {
    const header = await this.blockHeader(index);
    if (header.compression === "") return this.loadBlock(index, header);
    const key = header.offset;
    const cached = this.decompressed.get(key);
    if (cached) {
      this.decompressed.delete(key);
      this.decompressed.set(key, cached);
      return cached.data;
    }
    const data = this.loadBlock(index, header);
    const limit = this.options.blockCacheBytes ?? 512 * 1024 * 1024;
    if (header.dataSize > limit) return data;
    const entry = { bytes: header.dataSize, data };
    this.decompressed.set(key, entry);
    this.decompressedBytes += entry.bytes;
    data.catch(() => this.forget(key, entry));
    for (const [oldest, old] of this.decompressed) {
      if (this.decompressedBytes <= limit) break;
      this.forget(oldest, old);
    }
    return data;
  }

  private forget(key: number, entry: { bytes: number }): void {
    if (this.decompressed.get(key) !== entry) return;
    this.decompressed.delete(key);
    this.decompressedBytes -= entry.bytes;
  }

  private async loadBlock(index: number, header: BlockHeader): Promise<Uint8Array> {
    if (header.dataSize > this.maxArrayBytes)
      throw this.fail(`block ${index} holds ${header.dataSize} bytes, over the array limit of ${this.maxArrayBytes}`, header.offset);
    const stored = await this.source.read(header.dataOffset, header.usedSize);
    if (stored.length !== header.usedSize) throw this.fail(`block ${index} is cut short`, header.dataOffset);
    let data: Uint8Array;
    try {
      data = await decompressBlock(stored, header);
    } catch (error) {
      throw this.fail(`block ${index}: ${(error as Error).message}`, header.dataOffset);
    }
    if (this.options.verifyChecksums !== false && !checksumMatches(data, header))
      throw this.fail(`block ${index} does not match its MD5 checksum`, header.offset);
    return data;
  }

  async readBlockRanges(index: number, ranges: readonly ByteRange[], options: IoOptions = {}): Promise<Uint8Array[]> {
    const header = await this.blockHeader(index);
    const parts = await this.source.readMany(
      ranges.map((range) => ({ offset: header.dataOffset + range.offset, length: range.length })),
      options,
    );
    parts.forEach((part, i) => {
      if (part.length !== (ranges[i] as ByteRange).length) throw this.fail(`block ${index} is cut short`, header.dataOffset);
    });
    return parts;
  }

  async external(uri: string): Promise<AsdfFile> {
    let opened = this.externals.get(uri);
    if (!opened) {
      const url = new URL(uri, this.source.url).href;
      opened = (async () => {
        const open = this.options.resolveExternal ?? (async (target: string) => (await import("../../core/dispatch.js")).open(target));
        return AsdfFile.open(await open(url), this.options);
      })();
      this.externals.set(uri, opened);
    }
    return opened;
  }

  get url(): string {
    return this.source.url;
  }

  /** The tree as JSON: arrays summarised (`{"ndarray": {shape, dtype, source}}`), tags kept. */
  toJSON(): unknown {
    const convert = (node: unknown): unknown => {
      if (node instanceof NdArray)
        return { ndarray: { shape: node.declaredShape, dtype: describeDtype(node), source: node.meta.source ?? "inline" } };
      if (node instanceof TaggedValue) return { tag: node.tag, value: convert(node.value) };
      if (node instanceof KnownTag)
        return Object.fromEntries(
          Object.entries(node)
            .filter(([key, value]) => key !== "node" && value !== undefined)
            .map(([key, value]) => [key, convert(value)]),
        );
      if (typeof node === "bigint") return node.toString();
      if (typeof node === "number" && !Number.isFinite(node)) return String(node);
      if (Array.isArray(node)) return node.map(convert);
      if (node !== null && typeof node === "object")
        return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, convert(value)]));
      return node;
    };
    return convert(this.tree);
  }

  /** The tree as `asdf info` prints it: one line per node, arrays with their shape and dtype. */
  info(options: { maxRows?: number } = {}): string {
    const lines = [`root (AsdfObject)`];
    const maxRows = options.maxRows ?? 200;
    const walk = (node: unknown, indent: string, seen: Set<unknown>): void => {
      const entries: Array<[string, unknown]> = Array.isArray(node)
        ? node.map((item, i) => [`[${i}]`, item])
        : node !== null && typeof node === "object"
          ? Object.entries(node as Record<string, unknown>)
          : [];
      entries.forEach(([key, value], i) => {
        if (lines.length >= maxRows) return;
        const last = i === entries.length - 1;
        const branch = `${indent}${last ? "└─" : "├─"}${key}`;
        if (value instanceof NdArray)
          lines.push(`${branch} (NDArrayType): shape=(${value.declaredShape.join(", ")}), dtype=${describeDtype(value)}`);
        else if (value instanceof Quantity && value.value instanceof NdArray)
          lines.push(
            `${branch} (Quantity): shape=(${value.value.declaredShape.join(", ")}), dtype=${describeDtype(value.value)}, unit=${value.unit}`,
          );
        else if (value instanceof KnownTag) lines.push(`${branch} (${value.typeName}): ${value.describe()}`);
        else if (value instanceof TaggedValue) {
          lines.push(`${branch} (${className(value.tag)})`);
          walk(value.value, `${indent}${last ? "  " : "│ "}`, seen);
        } else if (value !== null && typeof value === "object" && !seen.has(value)) {
          lines.push(`${branch} (${Array.isArray(value) ? "list" : "dict"})`);
          seen.add(value);
          walk(value, `${indent}${last ? "  " : "│ "}`, seen);
        } else lines.push(`${branch} (${typeName(value)}): ${String(value)}`);
      });
    };
    walk(this.tree, "", new Set());
    if (lines.length >= maxRows) lines.push(`... (more than ${maxRows} rows)`);
    return lines.join("\n");
  }

  private fail(message: string, offset?: number): FormatError {
    return new FormatError(message, { url: this.source.url, offset });
  }

  private async blockHeader(index: number): Promise<BlockHeader> {
    const headers = await this.blockHeaders();
    const header = headers[index < 0 ? headers.length + index : index];
    if (!header) throw this.fail(`the file has ${headers.length} blocks, no block ${index}`);
    return header;
  }

  private blockHeaders(): Promise<BlockHeader[]> {
    this.headersPromise ??= this.loadHeaders();
    return this.headersPromise;
  }

  private async loadHeaders(): Promise<BlockHeader[]> {
    if (this.index && this.index.length > 0) {
      const usable = this.index.every(
        (offset, i) => offset >= this.blocksStart && offset < this.source.size && (i === 0 || offset > (this.index as number[])[i - 1]!),
      );
      if (usable) {
        const heads = await this.source.readMany(this.index.map((offset) => ({ offset, length: MIN_BLOCK_HEADER })));
        try {
          return heads.map((bytes, i) => parseBlockHeader(bytes, (this.index as number[])[i] as number, this.source.size));
        } catch {
          // a wrong index: walk the blocks instead
        }
      }
    }
    return this.walkBlocks();
  }

  private async walkBlocks(): Promise<BlockHeader[]> {
    const headers: BlockHeader[] = [];
    let at = this.blocksStart;
    while (at < this.source.size) {
      const bytes = await this.source.read(at, MIN_BLOCK_HEADER);
      if (latin1(bytes.subarray(0, 17)).startsWith("#ASDF BLOCK INDEX")) break;
      if (bytes.length < 4 || bytes[0] !== 0xd3) {
        if (headers.length === 0 && bytes.every((byte) => byte === 0x20 || byte === 0x0a || byte === 0)) break;
        throw this.fail("no block magic where a block should start", at);
      }
      let header: BlockHeader;
      try {
        header = parseBlockHeader(bytes, at, this.source.size);
      } catch (error) {
        throw this.fail((error as Error).message, at);
      }
      headers.push(header);
      at = header.dataOffset + header.allocatedSize;
      if (headers.length > 1_000_000) throw this.fail("more than a million blocks", at);
    }
    return headers;
  }
}

function latin1(bytes: Uint8Array): string {
  return latin1Decode(bytes);
}

/** The array's dtype, or what is wrong with its datatype (summaries never fail). */
function describeDtype(array: NdArray): string {
  try {
    return array.dtype;
  } catch (error) {
    return `invalid (${(error as Error).message})`;
  }
}

/** A tag as `asdf info` names its class: `.../wfi_image-1.0.0` as `WfiImage`. */
function className(tag: string): string {
  const name = (tag.split("/").pop() ?? tag).replace(/-\d+(\.\d+)*$/, "");
  return name.replace(/(^|_)([a-z0-9])/g, (_match, _sep: string, letter: string) => letter.toUpperCase());
}

function typeName(value: unknown): string {
  if (value === null) return "NoneType";
  if (typeof value === "number") return Number.isInteger(value) ? "int" : "float";
  if (typeof value === "bigint") return "int";
  if (typeof value === "boolean") return "bool";
  if (typeof value === "string") return "str";
  return typeof value;
}
