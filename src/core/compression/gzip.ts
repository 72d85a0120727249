/**
 * gzip (RFC 1952): members (one or several, concatenated), each checked against its CRC-32 and
 * length, decoded with skyfs's own inflate so that decoding can record checkpoints and resume
 * from one.
 * @module
 */
import { BitInput, type DecoderGenerator, NEED_INPUT } from "./bit-input.js";
import { DecompressionError } from "./errors.js";
import { InflateOutput, inflate } from "./inflate.js";

/**
 * A place a gzip stream can be decoded from without reading what comes before it: a deflate
 * block start, with the 32 KiB of output before it.
 */
export interface GzipCheckpoint {
  /** Bit position of the block in the compressed stream. */
  bit: number;
  /** Uncompressed offset of the block's first byte. */
  out: number;
  /** Uncompressed bytes of the current member before the block (for the member's length check). */
  memberOut: number;
  /** CRC-32 of those bytes (for the member's checksum). */
  crc: number;
  /** The last (at most) 32 KiB of output before the block. */
  window: Uint8Array;
}

/** Options of the gzip decoder (`gunzip`, a decoder generator the decompression layer drives). */
export interface GunzipOptions {
  /** Where to start; from the beginning of the stream when absent. */
  from?: GzipCheckpoint;
  /** Called at block starts at least `spacing` uncompressed bytes apart (the previous checkpoint included). */
  onCheckpoint?: (checkpoint: GzipCheckpoint) => void;
  /** Uncompressed bytes between checkpoints (default 4 MiB). */
  spacing?: number;
  /** The URL named by errors. */
  url?: string;
  /** Called after each member's trailer is checked, with the compressed offset just after it. */
  onMemberEnd?: (compressedEnd: number) => void;
}

/** Default uncompressed distance between two checkpoints. */
export const DEFAULT_CHECKPOINT_SPACING = 4 * 1024 * 1024;

const FLAG_HEADER_CRC = 2;
const FLAG_EXTRA = 4;
const FLAG_NAME = 8;
const FLAG_COMMENT = 16;

/** Whether bytes start like a gzip member. */
export function looksLikeGzip(head: Uint8Array): boolean {
  return head[0] === 0x1f && head[1] === 0x8b;
}

/**
 * Decodes a gzip stream fed to the generator chunk by chunk (see {@link DecoderGenerator}).
 * When started from a checkpoint, the driver must feed the compressed stream from byte
 * `floor(from.bit / 8)`.
 */
export function* gunzip(options: GunzipOptions = {}): DecoderGenerator<void> {
  const { from, url } = options;
  const input = new BitInput(from ? Math.floor(from.bit / 8) : 0, url);
  const spacing = options.spacing ?? DEFAULT_CHECKPOINT_SPACING;
  let lastCheckpoint = from ? from.out : 0;
  let memberStart = 0;
  const atBlock = options.onCheckpoint
    ? (bit: number, output: InflateOutput): void => {
        if (output.position - lastCheckpoint < spacing) return;
        lastCheckpoint = output.position;
        options.onCheckpoint?.({
          bit,
          out: output.position,
          memberOut: output.position - memberStart,
          crc: output.crc,
          window: output.window(),
        });
      }
    : undefined;
  let members = 0;
  if (from) {
    yield* input.take(from.bit & 7);
    memberStart = from.out - from.memberOut;
    const output = new InflateOutput(from.out, from.window, from.crc);
    yield* inflate(input, output, url, atBlock);
    yield* memberTrailer(input, output, memberStart, url);
    options.onMemberEnd?.(input.bytePosition);
    members++;
  }
  let position = from?.out ?? 0;
  let window: Uint8Array | undefined = from?.window;
  for (;;) {
    input.alignToByte();
    const first = yield* input.optionalByte();
    if (first === undefined) {
      if (members === 0) throw new DecompressionError("not-compressed", "empty input: not a gzip stream", { url });
      return;
    }
    if (first === 0 && members > 0) {
      yield* trailingZeros(input, url);
      return;
    }
    yield* memberHeader(input, first, members === 0, url);
    const output = new InflateOutput(position, window);
    memberStart = position;
    yield* inflate(input, output, url, atBlock);
    yield* memberTrailer(input, output, memberStart, url);
    options.onMemberEnd?.(input.bytePosition);
    position = output.position;
    window = output.window();
    members++;
  }
}

function* memberHeader(input: BitInput, first: number, isFirst: boolean, url: string | undefined): DecoderGenerator<void> {
  const second = yield* input.byte();
  if (first !== 0x1f || second !== 0x8b) {
    const message = isFirst ? "not a gzip stream (no 1f 8b magic)" : "bytes after the last gzip member are not another member";
    throw new DecompressionError(isFirst ? "not-compressed" : "corrupt", message, { url, offset: input.bytePosition - 2 });
  }
  const method = yield* input.byte();
  if (method !== 8) throw new DecompressionError("unsupported", `gzip compression method ${method} (only deflate exists)`, { url });
  const flags = yield* input.byte();
  for (let i = 0; i < 6; i++) yield* input.byte();
  if (flags & FLAG_EXTRA) {
    const length = (yield* input.byte()) | ((yield* input.byte()) << 8);
    for (let i = 0; i < length; i++) yield* input.byte();
  }
  if (flags & FLAG_NAME) while ((yield* input.byte()) !== 0);
  if (flags & FLAG_COMMENT) while ((yield* input.byte()) !== 0);
  if (flags & FLAG_HEADER_CRC) {
    yield* input.byte();
    yield* input.byte();
  }
}

function* memberTrailer(input: BitInput, output: InflateOutput, memberStart: number, url: string | undefined): DecoderGenerator<void> {
  input.alignToByte();
  let expectedCrc = 0;
  for (let i = 0; i < 4; i++) expectedCrc |= (yield* input.byte()) << (8 * i);
  let expectedLength = 0;
  for (let i = 0; i < 4; i++) expectedLength |= (yield* input.byte()) << (8 * i);
  if (expectedCrc >>> 0 !== output.crc >>> 0) {
    throw new DecompressionError(
      "checksum",
      `gzip CRC-32 mismatch (stored ${(expectedCrc >>> 0).toString(16)}, data ${output.crc.toString(16)})`,
      { url, offset: input.bytePosition - 8 },
    );
  }
  const length = output.position - memberStart;
  if (expectedLength >>> 0 !== length % 2 ** 32) {
    throw new DecompressionError("size", `gzip member length mismatch (stored ${expectedLength >>> 0}, data ${length})`, {
      url,
      offset: input.bytePosition - 4,
    });
  }
}

function* trailingZeros(input: BitInput, url: string | undefined): DecoderGenerator<void> {
  for (;;) {
    const value = yield* input.optionalByte();
    if (value === undefined) return;
    if (value !== 0) throw new DecompressionError("corrupt", "bytes after the last gzip member are not another member", { url });
  }
}

/**
 * Whether the first member of a gzip stream ends inside `head` (its first bytes): then the
 * stream holds more than one member, and its trailer's length is not the whole size.
 */
export function firstMemberEndsWithin(head: Uint8Array, url?: string): boolean {
  let ended = false;
  const decoder = gunzip({ url, onMemberEnd: () => (ended = true) });
  try {
    let step = decoder.next();
    let given = false;
    while (!step.done && !ended) {
      if (step.value === NEED_INPUT) {
        step = decoder.next(given ? undefined : head);
        given = true;
      } else step = decoder.next();
    }
  } catch (error) {
    if (!(error instanceof DecompressionError) || error.problem !== "truncated") throw error;
  }
  return ended;
}
