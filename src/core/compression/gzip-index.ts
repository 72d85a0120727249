/**
 * A seek index of a gzip stream: checkpoints every few MiB of output, each with the 32 KiB of
 * output before it, so that a read far into the file decodes only from the nearest checkpoint
 * (the approach of zlib's `zran.c` example and of `indexed_gzip`). It can be written as JSON and
 * stored anywhere, for instance in a FITS cloud index beside the headers.
 * @module
 */

import { fromBase64, toBase64 } from "../bytes.js";
import { InvalidArgumentError } from "../errors.js";
import { DecompressionError } from "./errors.js";
import type { GzipCheckpoint } from "./gzip.js";
import { WINDOW_SIZE } from "./inflate.js";

/** The seek index of one gzip object. */
export interface GzipIndex {
  /** Uncompressed bytes between checkpoints. */
  spacing: number;
  /** Size of the compressed object it was built for. */
  compressedSize: number;
  /** ETag of the compressed object, when the store gave one. */
  etag: string | null;
  /** Uncompressed size, once a decode reached the end. */
  size: number | null;
  /** Checkpoints by increasing uncompressed offset. */
  checkpoints: GzipCheckpoint[];
}

/** A {@link GzipIndex} as JSON: windows in base64. */
export interface GzipIndexJson {
  /** Format version (1). */
  version: 1;
  /** As in {@link GzipIndex}. */
  spacing: number;
  /** As in {@link GzipIndex}. */
  compressedSize: number;
  /** As in {@link GzipIndex}. */
  etag: string | null;
  /** As in {@link GzipIndex}. */
  size: number | null;
  /** `[bit, out, memberOut, crc, window (base64)]` per checkpoint. */
  checkpoints: Array<[number, number, number, number, string]>;
}

/** The checkpoint with the largest offset not after `offset`, or undefined. */
export function checkpointBefore(index: GzipIndex, offset: number): GzipCheckpoint | undefined {
  let low = 0;
  let high = index.checkpoints.length - 1;
  let found: GzipCheckpoint | undefined;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const checkpoint = index.checkpoints[middle]!;
    if (checkpoint.out <= offset) {
      found = checkpoint;
      low = middle + 1;
    } else high = middle - 1;
  }
  return found;
}

/** Adds a checkpoint found by a decode, unless one is already known within half a spacing of it. */
export function addCheckpoint(index: GzipIndex, checkpoint: GzipCheckpoint): boolean {
  const before = checkpointBefore(index, checkpoint.out);
  const after = index.checkpoints.find((known) => known.out > checkpoint.out);
  const near = (known: GzipCheckpoint | undefined): boolean =>
    known !== undefined && Math.abs(known.out - checkpoint.out) < index.spacing / 2;
  if (near(before) || near(after)) return false;
  const at = after ? index.checkpoints.indexOf(after) : index.checkpoints.length;
  index.checkpoints.splice(at, 0, checkpoint);
  return true;
}

/** Bytes an index holds in memory (its windows). */
export function gzipIndexBytes(index: GzipIndex): number {
  return index.checkpoints.reduce((sum, checkpoint) => sum + checkpoint.window.length + 64, 256);
}

/** The JSON form of an index. */
export function gzipIndexToJson(index: GzipIndex): GzipIndexJson {
  return {
    version: 1,
    spacing: index.spacing,
    compressedSize: index.compressedSize,
    etag: index.etag,
    size: index.size,
    checkpoints: index.checkpoints.map((c) => [c.bit, c.out, c.memberOut, c.crc, toBase64(c.window)]),
  };
}

/** Reads an index back from its JSON form, checking every field; a {@link DecompressionError} when it is not one. */
export function gzipIndexFromJson(json: unknown): GzipIndex {
  const bad = (why: string): DecompressionError => new DecompressionError("corrupt", `not a gzip index: ${why}`);
  if (typeof json !== "object" || json === null) throw bad("not an object");
  const value = json as Partial<GzipIndexJson>;
  if (value.version !== 1) throw bad(`version ${String(value.version)}`);
  const count = (n: unknown): n is number => typeof n === "number" && Number.isSafeInteger(n) && n >= 0;
  if (!count(value.spacing) || value.spacing === 0 || !count(value.compressedSize)) throw bad("bad spacing or size");
  if (value.size !== null && !count(value.size)) throw bad("bad size");
  if (value.etag !== null && typeof value.etag !== "string") throw bad("bad etag");
  if (!Array.isArray(value.checkpoints)) throw bad("no checkpoints");
  const checkpoints: GzipCheckpoint[] = [];
  for (const entry of value.checkpoints) {
    if (!Array.isArray(entry) || entry.length !== 5) throw bad("a checkpoint is not [bit, out, memberOut, crc, window]");
    const [bit, out, memberOut, crc, window] = entry;
    if (![bit, out, memberOut, crc].every(count) || typeof window !== "string") throw bad("a checkpoint has a bad field");
    if (bit >= value.compressedSize * 8 || memberOut > out || crc > 0xffffffff) throw bad("a checkpoint lies outside the stream");
    const previous = checkpoints[checkpoints.length - 1];
    if (previous && out <= previous.out) throw bad("checkpoints are not in order");
    const bytes = fromBase64(window);
    if (bytes === undefined) throw bad("a window is not base64");
    if (bytes.length > WINDOW_SIZE || bytes.length > out) throw bad("a window is too long");
    checkpoints.push({ bit, out, memberOut, crc, window: bytes });
  }
  return { spacing: value.spacing, compressedSize: value.compressedSize, etag: value.etag ?? null, size: value.size ?? null, checkpoints };
}

/** An empty index for an object. */
export function emptyGzipIndex(compressedSize: number, etag: string | undefined, spacing: number): GzipIndex {
  if (!Number.isSafeInteger(spacing) || spacing < WINDOW_SIZE) {
    throw new InvalidArgumentError(`the checkpoint spacing must be an integer of at least ${WINDOW_SIZE} bytes, got ${spacing}`);
  }
  return { spacing, compressedSize, etag: etag ?? null, size: null, checkpoints: [] };
}
