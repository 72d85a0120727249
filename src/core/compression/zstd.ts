/**
 * Zstandard (RFC 8878): skyfs walks the frame structure itself (frame headers, block headers,
 * skippable frames, the optional content checksum) and hands each frame's bytes to `fzstd`,
 * which decodes blocks but does not verify the checksum. Each frame whose header sets
 * Content_Checksum_flag is checked at its end against the low 32 bits of the XXH64 of its output.
 * @module
 */
import { concatBytes } from "../bytes.js";
import { DecompressionError } from "./errors.js";
import { Xxh64 } from "./xxh64.js";

const FRAME_MAGIC = 0xfd2fb528;
/** Skippable frames have magic 0x184D2A50 to 0x184D2A5F. */
const SKIPPABLE_MAGIC = 0x184d2a50;
/** Block types other than raw (0) and compressed (2). */
const BLOCK_RLE = 1;
const BLOCK_RESERVED = 3;

function u32(bytes: Uint8Array, at = 0): number {
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
}

/** Reads an async stream of chunks by exact byte counts, keeping the absolute offset. */
class ChunkReader {
  private chunk: Uint8Array = new Uint8Array(0);
  private at = 0;
  /** Absolute offset of the next byte. */
  offset = 0;

  constructor(
    private readonly chunks: AsyncIterator<Uint8Array>,
    private readonly url: string | undefined,
  ) {}

  /** Whether the stream has no byte left. */
  async atEnd(): Promise<boolean> {
    while (this.at >= this.chunk.length) {
      const next = await this.chunks.next();
      if (next.done) return true;
      this.chunk = next.value;
      this.at = 0;
    }
    return false;
  }

  /** Up to `n` next bytes, at least one, without copying; throws at the end of the stream. */
  async some(n: number): Promise<Uint8Array> {
    if (await this.atEnd()) throw this.truncated();
    const piece = this.chunk.subarray(this.at, Math.min(this.chunk.length, this.at + n));
    this.at += piece.length;
    this.offset += piece.length;
    return piece;
  }

  /** Exactly the next `n` bytes; a truncation error when the stream ends first. */
  async take(n: number): Promise<Uint8Array> {
    const pieces: Uint8Array[] = [];
    for (let left = n; left > 0; ) {
      const piece = await this.some(left);
      pieces.push(piece);
      left -= piece.length;
    }
    return pieces.length === 1 ? (pieces[0] as Uint8Array) : concatBytes(pieces);
  }

  /** The next `n` bytes, in the pieces they come in. */
  async *pass(n: number): AsyncGenerator<Uint8Array> {
    for (let left = n; left > 0; ) {
      const piece = await this.some(left);
      left -= piece.length;
      yield piece;
    }
  }

  truncated(): DecompressionError {
    return new DecompressionError("truncated", "zstd stream: the compressed stream ends too early", { url: this.url, offset: this.offset });
  }
}

/** The bytes of one frame, as the walk gives them. */
type FramePart =
  | { kind: "start"; offset: number; checksummed: boolean }
  | { kind: "bytes"; bytes: Uint8Array }
  | { kind: "end"; checksum: Uint8Array | undefined; offset: number };

/** The size in bytes of a frame header after its magic, from its descriptor byte. */
function headerLength(descriptor: number): number {
  const singleSegment = (descriptor >> 5) & 1;
  const dictionaryBytes = [0, 1, 2, 4][descriptor & 3]!;
  const sizeBytes = [singleSegment, 2, 4, 8][descriptor >> 6]!;
  return 1 + (singleSegment ? 0 : 1) + dictionaryBytes + sizeBytes;
}

/**
 * Walks the frames of a zstd stream: for each frame, its start, all its bytes up to its last
 * block (magic and header included), and its end with the 4 checksum bytes it records, if any. Skippable frames are passed over.
 */
async function* zstdFrames(input: AsyncIterable<Uint8Array>, url: string | undefined): AsyncGenerator<FramePart> {
  const chunks = input[Symbol.asyncIterator]();
  const reader = new ChunkReader(chunks, url);
  try {
    for (let frames = 0; frames === 0 || !(await reader.atEnd()); frames++) {
      const start = reader.offset;
      const magicBytes = await reader.take(4).catch((error) => {
        throw frames === 0 ? notZstd(url) : error;
      });
      const magic = u32(magicBytes);
      if ((magic & 0xfffffff0) === SKIPPABLE_MAGIC) {
        const length = u32(await reader.take(4));
        for await (const _ of reader.pass(length));
        continue;
      }
      if (magic !== FRAME_MAGIC) {
        if (frames === 0) throw notZstd(url);
        throw new DecompressionError("corrupt", "zstd stream: bytes after the last frame are not a frame", { url, offset: start });
      }
      const descriptor = (await reader.take(1))[0]!;
      if (descriptor & 8)
        throw new DecompressionError("corrupt", "zstd stream: a frame header sets its reserved bit", { url, offset: start + 4 });
      const checksummed = ((descriptor >> 2) & 1) === 1;
      yield { kind: "start", offset: start, checksummed };
      yield { kind: "bytes", bytes: magicBytes };
      yield { kind: "bytes", bytes: Uint8Array.of(descriptor) };
      yield { kind: "bytes", bytes: await reader.take(headerLength(descriptor) - 1) };
      for (let last = false; !last; ) {
        const blockStart = reader.offset;
        const header = await reader.take(3);
        yield { kind: "bytes", bytes: header };
        const value = header[0]! | (header[1]! << 8) | (header[2]! << 16);
        last = (value & 1) === 1;
        const type = (value >> 1) & 3;
        if (type === BLOCK_RESERVED)
          throw new DecompressionError("corrupt", "zstd stream: a block of the reserved type", { url, offset: blockStart });
        const length = type === BLOCK_RLE ? 1 : value >>> 3;
        for await (const bytes of reader.pass(length)) yield { kind: "bytes", bytes };
      }
      const end = reader.offset;
      yield { kind: "end", checksum: checksummed ? await reader.take(4) : undefined, offset: end };
    }
  } finally {
    await chunks.return?.();
  }
}

function notZstd(url: string | undefined): DecompressionError {
  return new DecompressionError("not-compressed", "not a zstd stream (no 28 B5 2F FD magic)", { url });
}

/** The decoder `fzstd` exports, as far as it is used here. */
interface FzstdDecompress {
  push(chunk: Uint8Array, final?: boolean): void;
}

/**
 * Decodes a zstd stream (one or several frames, skippable frames passed over), yielding output
 * as each block is decoded. A frame that records a content checksum is checked at its end: a
 * mismatch is a {@link DecompressionError} with problem `checksum`.
 */
export async function* unzstd(input: AsyncIterable<Uint8Array>, url: string | undefined): AsyncGenerator<Uint8Array> {
  const { Decompress } = await import("fzstd");
  const pending: Uint8Array[] = [];
  let decoder: FzstdDecompress | undefined;
  let hash: Xxh64 | undefined;
  let frameStart = 0;
  const push = (bytes: Uint8Array, final: boolean): void => {
    try {
      decoder?.push(bytes, final);
    } catch (error) {
      throw fzstdError(error, url, frameStart);
    }
  };
  for await (const part of zstdFrames(input, url)) {
    if (part.kind === "start") {
      decoder = new Decompress((chunk) => {
        if (chunk.length > 0) pending.push(chunk);
      });
      hash = part.checksummed ? new Xxh64() : undefined;
      frameStart = part.offset;
      continue;
    }
    // fzstd is given the checksum bytes too: it expects them, and passes over them.
    push(part.kind === "bytes" ? part.bytes : (part.checksum ?? new Uint8Array(0)), part.kind === "end");
    for (const chunk of pending) hash?.update(chunk);
    yield* pending.splice(0);
    if (part.kind === "end" && hash && part.checksum) {
      const recorded = u32(part.checksum);
      const computed = Number(hash.digest() & 0xffffffffn);
      if (computed !== recorded) {
        throw new DecompressionError(
          "checksum",
          `zstd frame at byte ${frameStart}: content checksum ${hex(recorded)} recorded, ${hex(computed)} computed from the decoded bytes`,
          { url, offset: part.offset },
        );
      }
    }
  }
}

function hex(value: number): string {
  return `0x${value.toString(16).padStart(8, "0")}`;
}

function fzstdError(error: unknown, url: string | undefined, frameStart: number): DecompressionError {
  if (error instanceof DecompressionError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const truncated = /unexpected eof|end of|truncat/i.test(message);
  return new DecompressionError(truncated ? "truncated" : "corrupt", `zstd frame at byte ${frameStart}: ${message}`, { url, cause: error });
}
