/**
 * The uncompressed size a compressed file records, read from its few bytes that say it (gzip's
 * ISIZE trailer, xz's index, a zstd frame header), so that a decompressed source knows its size
 * without decoding everything.
 * @module
 */
import type { ByteSource, IoOptions } from "../byte-source.js";
import { firstMemberEndsWithin } from "./gzip.js";

const XZ_TAIL = 4096;
/** Largest expansion of deflate (a run of one byte: 258 bytes per 2 bits, about 1032:1). */
const DEFLATE_MAX_RATIO = 1032;

/**
 * The uncompressed size `raw` records, or undefined when it records none that can be trusted
 * (then the caller decodes once to learn it). `head` holds the first bytes of `raw`.
 */
export async function recordedSize(
  compression: "gzip" | "xz" | "zstd",
  raw: ByteSource,
  head: Uint8Array,
  options: IoOptions,
): Promise<number | undefined> {
  switch (compression) {
    case "gzip":
      return gzipSize(raw, head, options);
    case "xz":
      return xzSize(raw, options);
    case "zstd":
      return zstdFrameSize(head);
  }
}

/**
 * gzip's trailer records the last member's length modulo 2^32. It is taken as the size when the
 * stream has one member (the first member does not end inside `head`): the smallest value
 * congruent to it that deflate can give for the compressed size (a stream that decodes past it
 * raises a size error, so a wrong guess never returns wrong bytes).
 */
async function gzipSize(raw: ByteSource, head: Uint8Array, options: IoOptions): Promise<number | undefined> {
  if (raw.size < 18 || firstMemberEndsWithin(head, raw.url)) return undefined;
  const tail = await raw.read(raw.size - 4, 4, options);
  const recorded = (tail[0]! | (tail[1]! << 8) | (tail[2]! << 16) | (tail[3]! << 24)) >>> 0;
  const least = Math.max(0, Math.floor(((raw.size - 23) * 65535) / 65540) - 5);
  const most = raw.size * DEFLATE_MAX_RATIO;
  for (let size = recorded; size <= most; size += 2 ** 32) if (size >= least) return size;
  return undefined;
}

function readVarint(bytes: Uint8Array, at: { offset: number }): number | undefined {
  let value = 0;
  for (let shift = 0; shift < 63; shift += 7) {
    if (at.offset >= bytes.length) return undefined;
    const byte = bytes[at.offset++]!;
    value += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return value;
  }
  return undefined;
}

/** xz: the stream footer points at the index, which lists every block's sizes; one stream only. */
async function xzSize(raw: ByteSource, options: IoOptions): Promise<number | undefined> {
  if (raw.size < 32) return undefined;
  const tailLength = Math.min(raw.size, XZ_TAIL);
  const tail = await raw.read(raw.size - tailLength, tailLength, options);
  const footer = tail.subarray(tail.length - 12);
  if (footer[10] !== 0x59 || footer[11] !== 0x5a) return undefined;
  const backwardSize = (((footer[4]! | (footer[5]! << 8) | (footer[6]! << 16) | (footer[7]! << 24)) >>> 0) + 1) * 4;
  if (backwardSize + 12 > tail.length) return undefined;
  const index = tail.subarray(tail.length - 12 - backwardSize, tail.length - 12);
  if (index[0] !== 0) return undefined;
  const at = { offset: 1 };
  const records = readVarint(index, at);
  if (records === undefined) return undefined;
  let uncompressed = 0;
  let blocks = 0;
  for (let i = 0; i < records; i++) {
    const unpadded = readVarint(index, at);
    const size = readVarint(index, at);
    if (unpadded === undefined || size === undefined) return undefined;
    blocks += Math.ceil(unpadded / 4) * 4;
    uncompressed += size;
  }
  return 12 + blocks + backwardSize + 12 === raw.size ? uncompressed : undefined;
}

/** zstd: the first frame's content size, when its header records one. */
function zstdFrameSize(head: Uint8Array): number | undefined {
  if (head.length < 6 || head[0] !== 0x28 || head[1] !== 0xb5 || head[2] !== 0x2f || head[3] !== 0xfd) return undefined;
  const descriptor = head[4]!;
  const sizeFlag = descriptor >> 6;
  const singleSegment = (descriptor >> 5) & 1;
  const dictionaryBytes = [0, 1, 2, 4][descriptor & 3]!;
  const sizeBytes = [singleSegment ? 1 : 0, 2, 4, 8][sizeFlag]!;
  if (sizeBytes === 0) return undefined;
  const at = 5 + (singleSegment ? 0 : 1) + dictionaryBytes;
  if (head.length < at + sizeBytes) return undefined;
  let size = 0;
  for (let i = sizeBytes - 1; i >= 0; i--) size = size * 256 + head[at + i]!;
  if (sizeBytes === 2) size += 256;
  return Number.isSafeInteger(size) ? size : undefined;
}
