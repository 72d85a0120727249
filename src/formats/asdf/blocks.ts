/**
 * ASDF binary blocks: their headers, the block index at the end of a file, walking the blocks
 * when the index is missing or wrong, and decompression (zlib, bzp2, ASDF's lz4 framing).
 * @module
 */
import lz4 from "lz4js";
import { latin1Decode } from "../../core/bytes.js";
import { NEED_INPUT } from "../../core/compression/bit-input.js";
import { bunzip2 } from "../../core/compression/bunzip2.js";
import type { FormatError } from "../../core/errors.js";
import { md5 } from "../../core/hash.js";
import { inflate, TOO_LARGE } from "../../core/inflate.js";

/** The four bytes every block starts with. */
export const BLOCK_MAGIC = Uint8Array.of(0xd3, 0x42, 0x4c, 0x4b);
/** The flag of a streamed block (its data runs to the end of the file). */
export const STREAMED = 1;

/** One block's header, with where its data lies. */
export interface BlockHeader {
  /** Offset of the block's magic in the file. */
  offset: number;
  /** Bytes of the header after the magic and the size field. */
  headerSize: number;
  /** Flags (bit 0: streamed). */
  flags: number;
  /** Compression: "" (none), "zlib", "bzp2" or "lz4". */
  compression: string;
  /** Bytes reserved for the data in the file. */
  allocatedSize: number;
  /** Bytes of (compressed) data stored. */
  usedSize: number;
  /** Bytes of the data once decompressed. */
  dataSize: number;
  /** MD5 of the decompressed data; all zeros when not given. */
  checksum: Uint8Array;
  /** Offset of the block's data. */
  dataOffset: number;
}

/** The smallest block header: magic, size field, then 48 bytes of fields. */
export const MIN_BLOCK_HEADER = 4 + 2 + 48;

/** Parses a block header at `offset` from bytes starting there. Throws a message on damage. */
export function parseBlockHeader(bytes: Uint8Array, offset: number, fileSize: number): BlockHeader {
  if (bytes.length < MIN_BLOCK_HEADER) throw new Error("the block header is cut short");
  for (let i = 0; i < 4; i++) if (bytes[i] !== BLOCK_MAGIC[i]) throw new Error("no block magic here");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerSize = view.getUint16(4);
  if (headerSize < 48) throw new Error(`a block header size of ${headerSize} is too small`);
  const flags = view.getUint32(6);
  const compression = latin1Decode(bytes.subarray(10, 14)).replace(/\0+$/, "");
  const size = (at: number): number => {
    const value = view.getBigUint64(at);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error("a block size is absurd");
    return Number(value);
  };
  const header: BlockHeader = {
    offset,
    headerSize,
    flags,
    compression,
    allocatedSize: size(14),
    usedSize: size(22),
    dataSize: size(30),
    checksum: bytes.slice(38, 54),
    dataOffset: offset + 6 + headerSize,
  };
  if (!["", "zlib", "bzp2", "lz4"].includes(compression)) throw new Error(`unknown block compression ${JSON.stringify(compression)}`);
  if (header.flags & STREAMED) {
    header.usedSize = Math.max(0, fileSize - header.dataOffset);
    header.allocatedSize = header.usedSize;
    header.dataSize = header.usedSize;
  } else if (header.usedSize > header.allocatedSize || header.dataOffset + header.allocatedSize > fileSize) {
    throw new Error(`the block claims ${header.allocatedSize} bytes, the file ends ${fileSize - header.dataOffset} bytes after its header`);
  }
  return header;
}

/** Parses the block index (`#ASDF BLOCK INDEX` then a YAML list of offsets) from the file's tail. */
export function parseBlockIndex(tail: string): number[] | undefined {
  const at = tail.lastIndexOf("#ASDF BLOCK INDEX");
  if (at < 0) return undefined;
  const body = tail.slice(at).split(/\r?\n/).slice(1);
  const offsets: number[] = [];
  for (const line of body) {
    const match = /^- (\d+)\s*$/.exec(line);
    if (match) offsets.push(Number(match[1]));
  }
  return offsets;
}

/**
 * Decompresses a block's data to exactly `dataSize` bytes, written straight into one array of
 * that size: the decompressor stops (and this throws) as soon as the data would grow past it,
 * so a small block claiming a small size can never inflate to more.
 */
export async function decompressBlock(data: Uint8Array, header: BlockHeader): Promise<Uint8Array> {
  const expected = header.dataSize;
  if (header.compression === "") return data;
  const out = new Uint8Array(expected);
  let written: number;
  switch (header.compression) {
    case "zlib":
      written = inflateInto(data, out);
      break;
    case "bzp2":
      written = bunzipInto(data, out);
      break;
    case "lz4":
      written = lz4Frames(data, out);
      break;
    default:
      throw new Error(`unknown block compression ${JSON.stringify(header.compression)}`);
  }
  if (written !== expected) throw new Error(`the block decompresses to ${written} bytes, its header says ${expected}`);
  return out;
}

function tooLarge(size: number): Error {
  return new Error(`the block decompresses to more than its data size of ${size} bytes`);
}

/** zlib, straight into `out`, stopping as soon as the stream would grow past it. */
function inflateInto(data: Uint8Array, out: Uint8Array): number {
  try {
    return inflate(data, { maxBytes: out.length, into: out }).length;
  } catch (error) {
    if ((error as FormatError).code === TOO_LARGE) throw tooLarge(out.length);
    throw new Error(`zlib: ${(error as Error).message}`);
  }
}

/** bzip2 into `out` (the portable resumable decoder, fed the whole block at once), refusing more than fits. */
function bunzipInto(data: Uint8Array, out: Uint8Array): number {
  const decoder = bunzip2();
  let written = 0;
  let fed = false;
  try {
    for (let step = decoder.next(); !step.done; ) {
      if (step.value === NEED_INPUT) {
        step = decoder.next(fed ? undefined : data);
        fed = true;
        continue;
      }
      if (written + step.value.length > out.length) throw tooLarge(out.length);
      out.set(step.value, written);
      written += step.value.length;
      step = decoder.next();
    }
  } catch (error) {
    throw new Error(`bzp2: ${(error as Error).message}`);
  }
  return written;
}

/**
 * ASDF's lz4 framing: chunks of [4-byte big-endian length][lz4 block whose first 4 bytes give
 * its decompressed size, little-endian].
 */
function lz4Frames(data: Uint8Array, out: Uint8Array): number {
  const expected = out.length;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let at = 0;
  let written = 0;
  while (at < data.length) {
    if (at + 8 > data.length) throw new Error("an lz4 chunk header is cut short");
    const length = view.getUint32(at);
    const size = view.getUint32(at + 4, true);
    if (length < 4 || at + 4 + length > data.length) throw new Error("an lz4 chunk runs past the block");
    if (written + size > expected) throw new Error("the lz4 chunks decompress to more than the block's data size");
    const produced = lz4.decompressBlock(data, out, at + 8, length - 4, written);
    if (produced - written !== size) throw new Error("an lz4 chunk decompresses to another size than it says");
    written = produced;
    at += 4 + length;
  }
  return written;
}

/** Whether the MD5 of `data` matches the block's checksum (true when the block gives none). */
export function checksumMatches(data: Uint8Array, header: BlockHeader): boolean {
  if (header.checksum.every((byte) => byte === 0)) return true;
  const digest = md5(data);
  return digest.every((byte, i) => byte === header.checksum[i]);
}
