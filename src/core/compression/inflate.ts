/**
 * A raw deflate decoder (RFC 1951) that can start at any bit of a stream with a preset 32 KiB
 * window and tells where each block starts: what a seek index of a gzip file needs, and what
 * zlib's bindings in Node do not expose (they cannot prime a bit offset, nor report block ends).
 * @module
 */
import type { BitInput, DecoderGenerator } from "./bit-input.js";
import { crc32 } from "./crc32.js";
import { DecompressionError } from "./errors.js";

/** How far back a deflate match may reach. */
export const WINDOW_SIZE = 32 * 1024;
const OUTPUT_CHUNK = 256 * 1024;
const MAX_MATCH = 258;

const LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DISTANCE_BASE = [
  1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385,
  24577,
];
const DISTANCE_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/**
 * A canonical Huffman code as a lookup table indexed by the next `bits` input bits; each entry
 * is `symbol << 4 | codeLength`, 0 where no code matches.
 */
interface HuffmanTable {
  table: Uint16Array;
  bits: number;
}

function huffmanTable(lengths: Uint8Array, url: string | undefined): HuffmanTable {
  const counts = new Uint16Array(16);
  let longest = 1;
  for (const length of lengths) {
    counts[length]!++;
    if (length > longest) longest = length;
  }
  counts[0] = 0;
  let left = 1;
  const next = new Uint16Array(16);
  for (let length = 1; length < 16; length++) {
    left = (left << 1) - counts[length]!;
    if (left < 0) throw new DecompressionError("corrupt", "a Huffman code of the deflate stream is over-subscribed", { url });
    next[length] = (next[length - 1]! + counts[length - 1]!) << 1;
  }
  const table = new Uint16Array(1 << longest);
  lengths.forEach((length, symbol) => {
    if (length === 0) return;
    const code = next[length]!++;
    let reversed = 0;
    for (let i = 0; i < length; i++) reversed |= ((code >>> i) & 1) << (length - 1 - i);
    for (let k = reversed; k < table.length; k += 1 << length) table[k] = (symbol << 4) | length;
  });
  return { table, bits: longest };
}

const FIXED_LITERALS = huffmanTable(
  Uint8Array.from({ length: 288 }, (_, i) => (i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8)),
  undefined,
);
const FIXED_DISTANCES = huffmanTable(new Uint8Array(30).fill(5), undefined);

/**
 * The output side of an inflate: a buffer holding the last 32 KiB already given out (the window
 * matches reach back into) and the bytes decoded since, with the running CRC-32 and counts.
 */
export class InflateOutput {
  /** History and pending output. */
  readonly out = new Uint8Array(WINDOW_SIZE + OUTPUT_CHUNK);
  /** Next byte to write. */
  op = WINDOW_SIZE;
  /** First byte not given out yet. */
  private flushed = WINDOW_SIZE;
  /** First byte of valid history. */
  floor = WINDOW_SIZE;
  /** Bytes given out so far (the absolute uncompressed offset of the first pending byte). */
  total: number;
  /** CRC-32 of the bytes given out since {@link resetCrc}. */
  crc: number;

  /** @param start Uncompressed offset of the first byte; `window` the bytes before it (at most 32 KiB); `crc` the CRC so far. */
  constructor(start = 0, window?: Uint8Array, crc = 0) {
    this.total = start;
    this.crc = crc;
    if (window) {
      const kept = window.subarray(Math.max(0, window.length - WINDOW_SIZE));
      this.out.set(kept, WINDOW_SIZE - kept.length);
      this.floor = WINDOW_SIZE - kept.length;
    }
  }

  /** The absolute uncompressed offset of the next byte to be written. */
  get position(): number {
    return this.total + (this.op - this.flushed);
  }

  /** Starts a new CRC (a new gzip member). */
  resetCrc(): void {
    this.crc = 0;
  }

  /** The last (at most) 32 KiB of output. */
  window(): Uint8Array {
    return this.out.slice(Math.max(this.floor, this.op - WINDOW_SIZE), this.op);
  }

  /** Gives out the pending bytes, then makes room for at least `room` more. */
  *flush(room = 0): DecoderGenerator<void> {
    if (this.op > this.flushed) {
      const chunk = this.out.slice(this.flushed, this.op);
      this.crc = crc32(chunk, this.crc);
      this.total += chunk.length;
      this.flushed = this.op;
      yield chunk;
    }
    if (this.op + room > this.out.length) {
      const shift = this.op - WINDOW_SIZE;
      this.out.copyWithin(0, shift, this.op);
      this.floor = Math.max(0, this.floor - shift);
      this.op = WINDOW_SIZE;
      this.flushed = WINDOW_SIZE;
    }
  }
}

/** Called at the start of each deflate block; returns whether to take a checkpoint there. */
export type BlockStartHook = (bitPosition: number, output: InflateOutput) => boolean;

/**
 * Decodes deflate blocks from `input` into `output` until the final block ends, yielding the
 * output as it goes. At the start of every block `atBlock` may ask for a checkpoint: the output
 * is then given out first, so that `output.position`, `output.crc` and `output.window()` describe
 * the state a later decode can resume from at `bitPosition`.
 */
export function* inflate(
  input: BitInput,
  output: InflateOutput,
  url: string | undefined,
  atBlock?: (bitPosition: number, output: InflateOutput) => void,
): DecoderGenerator<void> {
  const corrupt = (message: string): DecompressionError =>
    new DecompressionError("corrupt", `deflate stream: ${message}`, { url, offset: input.bytePosition });
  const out = output.out;
  const limit = out.length - MAX_MATCH;
  let last = 0;
  while (!last) {
    if (atBlock) {
      yield* output.flush();
      atBlock(input.bitPosition, output);
    }
    last = yield* input.take(1);
    const type = yield* input.take(2);
    if (type === 0) {
      yield* storedBlock(input, output, corrupt);
      continue;
    }
    if (type === 3) throw corrupt("invalid block type");
    const [literals, distances] = type === 1 ? [FIXED_LITERALS, FIXED_DISTANCES] : yield* dynamicTables(input, url, corrupt);
    const literalTable = literals.table;
    const literalMask = (1 << literals.bits) - 1;
    const distanceTable = distances.table;
    const distanceMask = (1 << distances.bits) - 1;
    let op = output.op;
    for (;;) {
      if (input.count < 15 && !input.pull(15)) yield* input.fill(15);
      let entry = literalTable[input.bits & literalMask]!;
      let length = entry & 15;
      if (length === 0) throw corrupt("invalid literal/length code");
      if (length > input.count) throw input.truncated();
      input.bits >>>= length;
      input.count -= length;
      let symbol = entry >>> 4;
      if (symbol < 256) {
        if (op >= limit) {
          output.op = op;
          yield* output.flush(MAX_MATCH);
          op = output.op;
        }
        out[op++] = symbol;
        continue;
      }
      if (symbol === 256) break;
      symbol -= 257;
      if (symbol >= 29) throw corrupt("invalid length symbol");
      let matchLength = LENGTH_BASE[symbol]!;
      const lengthExtra = LENGTH_EXTRA[symbol]!;
      if (input.count < lengthExtra + 15 && !input.pull(lengthExtra + 15)) yield* input.fill(lengthExtra + 15);
      if (lengthExtra > 0) {
        if (input.count < lengthExtra) throw input.truncated();
        matchLength += input.bits & ((1 << lengthExtra) - 1);
        input.drop(lengthExtra);
      }
      entry = distanceTable[input.bits & distanceMask]!;
      length = entry & 15;
      if (length === 0) throw corrupt("invalid distance code");
      if (length > input.count) throw input.truncated();
      input.bits >>>= length;
      input.count -= length;
      symbol = entry >>> 4;
      if (symbol >= 30) throw corrupt("invalid distance symbol");
      let distance = DISTANCE_BASE[symbol]!;
      const distanceExtra = DISTANCE_EXTRA[symbol]!;
      if (distanceExtra > 0) {
        if (input.count < distanceExtra && !input.pull(distanceExtra)) yield* input.fill(distanceExtra);
        if (input.count < distanceExtra) throw input.truncated();
        distance += input.bits & ((1 << distanceExtra) - 1);
        input.drop(distanceExtra);
      }
      if (distance > op - output.floor) throw corrupt("a match reaches back before the start of the data");
      if (op + matchLength > out.length) {
        output.op = op;
        yield* output.flush(MAX_MATCH);
        op = output.op;
      }
      if (distance >= matchLength && matchLength > 32) {
        out.copyWithin(op, op - distance, op - distance + matchLength);
        op += matchLength;
      } else {
        for (let i = 0; i < matchLength; i++, op++) out[op] = out[op - distance]!;
      }
    }
    output.op = op;
  }
  yield* output.flush();
}

function* storedBlock(input: BitInput, output: InflateOutput, corrupt: (message: string) => DecompressionError): DecoderGenerator<void> {
  input.alignToByte();
  const length = (yield* input.byte()) | ((yield* input.byte()) << 8);
  const inverse = (yield* input.byte()) | ((yield* input.byte()) << 8);
  if ((length ^ 0xffff) !== inverse) throw corrupt("a stored block's length check fails");
  let remaining = length;
  while (remaining > 0 && input.count >= 8) {
    if (output.op >= output.out.length) yield* output.flush(1);
    output.out[output.op++] = yield* input.byte();
    remaining--;
  }
  while (remaining > 0) {
    if (input.pos >= input.buf.length && !(yield* input.more())) throw input.truncated();
    if (output.op >= output.out.length) yield* output.flush(1);
    const n = Math.min(remaining, input.buf.length - input.pos, output.out.length - output.op);
    output.out.set(input.buf.subarray(input.pos, input.pos + n), output.op);
    input.pos += n;
    output.op += n;
    remaining -= n;
  }
}

function* dynamicTables(
  input: BitInput,
  url: string | undefined,
  corrupt: (message: string) => DecompressionError,
): DecoderGenerator<[HuffmanTable, HuffmanTable]> {
  const literalCount = (yield* input.take(5)) + 257;
  const distanceCount = (yield* input.take(5)) + 1;
  const codeLengthCount = (yield* input.take(4)) + 4;
  if (literalCount > 286 || distanceCount > 30) throw corrupt("too many length or distance symbols");
  const codeLengthLengths = new Uint8Array(19);
  for (let i = 0; i < codeLengthCount; i++) codeLengthLengths[CODE_LENGTH_ORDER[i]!] = yield* input.take(3);
  const codeLengths = huffmanTable(codeLengthLengths, url);
  const mask = (1 << codeLengths.bits) - 1;
  const lengths = new Uint8Array(literalCount + distanceCount);
  let i = 0;
  while (i < lengths.length) {
    if (input.count < 7 && !input.pull(7)) yield* input.fill(7);
    const entry = codeLengths.table[input.bits & mask]!;
    const length = entry & 15;
    if (length === 0) throw corrupt("invalid code length code");
    if (length > input.count) throw input.truncated();
    input.drop(length);
    const symbol = entry >>> 4;
    if (symbol < 16) {
      lengths[i++] = symbol;
      continue;
    }
    let repeat: number;
    let value = 0;
    if (symbol === 16) {
      if (i === 0) throw corrupt("a repeated code length has nothing to repeat");
      value = lengths[i - 1]!;
      repeat = 3 + (yield* input.take(2));
    } else if (symbol === 17) repeat = 3 + (yield* input.take(3));
    else repeat = 11 + (yield* input.take(7));
    if (i + repeat > lengths.length) throw corrupt("code lengths overflow their table");
    lengths.fill(value, i, i + repeat);
    i += repeat;
  }
  if (lengths[256] === 0) throw corrupt("the block has no end-of-block code");
  return [huffmanTable(lengths.subarray(0, literalCount), url), huffmanTable(lengths.subarray(literalCount), url)];
}
