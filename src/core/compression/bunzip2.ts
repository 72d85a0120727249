/**
 * bzip2 decoding, one block at a time: a resumable decoder (see {@link DecoderGenerator}) that
 * holds one block (at most 900 000 symbols, 3.6 MB) and a 64 KiB output buffer whatever the size
 * of the stream, checks each block's CRC and each stream's combined CRC, and reads several
 * concatenated streams. Written from the format as bzip2 1.0 writes it: stream header `BZh1`-`BZh9`,
 * blocks (Huffman-coded MTF/RLE symbols of the Burrows-Wheeler transform of run-length-coded
 * bytes), end-of-stream marker with the combined CRC.
 * @module
 */
import { type DecoderGenerator, NEED_INPUT } from "./bit-input.js";
import { DecompressionError } from "./errors.js";

/** What the decoder tells about each block it has decoded (for monitoring memory and progress). */
export interface Bzip2Block {
  /** Position of the block's first bit (its 48-bit magic) in the compressed stream. */
  bit: number;
  /** Uncompressed offset of the block's first byte. */
  out: number;
  /** Uncompressed bytes of the block. */
  length: number;
  /** Bytes the decoder holds while decoding it (the block's symbol array and the output buffer). */
  held: number;
}

/** Options of the bzip2 decoder (`decompressStream`'s `bzip2` option). */
export interface Bunzip2Options {
  /** The URL named by errors. */
  url?: string;
  /** Called after each block's CRC has been checked. */
  onBlock?: (block: Bzip2Block) => void;
}

const BLOCK_MAGIC_HI = 0x314159;
const BLOCK_MAGIC_LO = 0x265359;
const END_MAGIC_HI = 0x177245;
const END_MAGIC_LO = 0x385090;
const MAX_CODE_LENGTH = 20;
/** Code bits looked up in one step; longer codes are decoded bit length by bit length. */
const FAST_BITS = 10;
const MAX_GROUPS = 6;
const GROUP_SIZE = 50;
/** Selectors bzip2 1.0.8 keeps; more may be coded, and are read and ignored. */
const MAX_SELECTORS = 18002;
const OUTPUT_CHUNK = 64 * 1024;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n << 24;
    for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** Input bits read most-significant first, as bzip2 packs them. */
class MsbBitInput {
  private buf: Uint8Array = new Uint8Array(0);
  private pos = 0;
  /** The next {@link count} bits of the stream, in the low bits. */
  private bits = 0;
  private count = 0;
  private base = 0;
  private ended = false;

  constructor(private readonly url: string | undefined) {}

  /** Absolute position, in bits, of the next bit to be consumed. */
  get bitPosition(): number {
    return (this.base + this.pos) * 8 - this.count;
  }

  /** Tops the bit buffer up to `n` bits (n <= 24) from the current chunk; true when it got there. */
  pull(n: number): boolean {
    while (this.count < n) {
      if (this.pos >= this.buf.length) return false;
      this.bits = ((this.bits << 8) | this.buf[this.pos++]!) >>> 0;
      this.count += 8;
    }
    return true;
  }

  /** Tops the bit buffer up to `n` bits, asking for input as needed; at the end it may hold fewer. */
  *fill(n: number): DecoderGenerator<void> {
    while (!this.pull(n) && !this.ended) {
      const chunk = yield NEED_INPUT;
      if (chunk === undefined) {
        this.ended = true;
        return;
      }
      this.base += this.buf.length;
      this.buf = chunk;
      this.pos = 0;
    }
  }

  /** Whether no bit is left (asking for input to know). */
  *atEnd(): DecoderGenerator<boolean> {
    yield* this.fill(1);
    return this.count === 0;
  }

  /** The next `n` bits without consuming them (n <= 24); zeros past the end of the input. */
  peek(n: number): number {
    return this.count >= n ? (this.bits >>> (this.count - n)) & ((1 << n) - 1) : (this.bits << (n - this.count)) & ((1 << n) - 1);
  }

  /** Bits available in the buffer. */
  get available(): number {
    return this.count;
  }

  /** Consumes `n` bits (n <= available). */
  drop(n: number): void {
    this.count -= n;
    this.bits &= (1 << this.count) - 1;
  }

  /** Consumes and returns `n` bits (n <= 24); a truncation error when the input ends first. */
  *take(n: number): DecoderGenerator<number> {
    if (!this.pull(n)) yield* this.fill(n);
    if (this.count < n) throw this.truncated();
    const value = this.peek(n);
    this.drop(n);
    return value;
  }

  /** Discards the bits up to the next byte boundary. */
  alignToByte(): void {
    this.drop(this.count & 7);
  }

  truncated(): DecompressionError {
    return new DecompressionError("truncated", "bzip2 stream: the compressed stream ends too early", {
      url: this.url,
      offset: Math.floor(this.bitPosition / 8),
    });
  }
}

/** A canonical Huffman code of one coding group. */
interface HuffmanGroup {
  minLength: number;
  maxLength: number;
  /** First code of each length. */
  first: Int32Array;
  /** Codes of each length. */
  count: Int32Array;
  /** Index in {@link symbols} of the first symbol of each length. */
  offset: Int32Array;
  /** Symbols ordered by code length, then value. */
  symbols: Uint16Array;
  /** For each value of the next {@link FAST_BITS} bits: symbol << 5 | code length, or -1 for longer codes. */
  fast: Int32Array;
}

function huffmanGroup(lengths: Uint8Array): HuffmanGroup {
  const count = new Int32Array(MAX_CODE_LENGTH + 2);
  let minLength = MAX_CODE_LENGTH;
  let maxLength = 0;
  for (const length of lengths) {
    count[length]!++;
    minLength = Math.min(minLength, length);
    maxLength = Math.max(maxLength, length);
  }
  const first = new Int32Array(MAX_CODE_LENGTH + 2);
  const offset = new Int32Array(MAX_CODE_LENGTH + 2);
  let code = 0;
  let index = 0;
  for (let length = 1; length <= MAX_CODE_LENGTH; length++) {
    first[length] = code;
    offset[length] = index;
    code = (code + count[length]!) << 1;
    index += count[length]!;
  }
  const symbols = new Uint16Array(lengths.length);
  const next = offset.slice();
  for (let symbol = 0; symbol < lengths.length; symbol++) symbols[next[lengths[symbol]!]!++] = symbol;
  const fast = new Int32Array(1 << FAST_BITS).fill(-1);
  for (let length = minLength; length <= Math.min(maxLength, FAST_BITS); length++) {
    for (let k = 0; k < count[length]!; k++) {
      const code = first[length]! + k;
      const from = code << (FAST_BITS - length);
      // A code past its length's range (an over-full code) cannot be looked up; the slow path refuses it.
      if (code >= 1 << length) break;
      fast.fill((symbols[offset[length]! + k]! << 5) | length, from, from + (1 << (FAST_BITS - length)));
    }
  }
  return { minLength, maxLength, first, count, offset, symbols, fast };
}

/**
 * Decodes a bzip2 stream (or several concatenated) fed chunk by chunk. Output comes in chunks of
 * up to 64 KiB as each block is decoded; a block's CRC is checked at its end, a stream's combined
 * CRC at the stream's end, and a mismatch is a {@link DecompressionError} with problem `checksum`.
 */
export function* bunzip2(options: Bunzip2Options = {}): DecoderGenerator<void> {
  const { url } = options;
  const input = new MsbBitInput(url);
  const buffer = new Uint8Array(OUTPUT_CHUNK);
  let position = 0;
  let tt = new Uint32Array(0);
  for (let streams = 0; ; streams++) {
    input.alignToByte();
    if (streams > 0 && (yield* input.atEnd())) return;
    const start = input.bitPosition / 8;
    const magic = [0, 0, 0];
    for (let i = 0; i < 3; i++) {
      if (streams === 0 && i === 0 && (yield* input.atEnd())) throw notBzip2(url);
      magic[i] = yield* input.take(8);
    }
    if (magic[0] !== 0x42 || magic[1] !== 0x5a || magic[2] !== 0x68) {
      if (streams === 0) throw notBzip2(url);
      throw new DecompressionError("corrupt", "bzip2: bytes after the last stream are not another stream", { url, offset: start });
    }
    const level = (yield* input.take(8)) - 0x30;
    if (level < 1 || level > 9) throw corrupt(url, start + 3, `block size digit ${level} (1 to 9 exist)`);
    const blockLimit = level * 100_000;
    if (tt.length < blockLimit) tt = new Uint32Array(blockLimit);
    let combined = 0;
    for (;;) {
      const blockBit = input.bitPosition;
      const hi = yield* input.take(24);
      const lo = yield* input.take(24);
      if (hi === END_MAGIC_HI && lo === END_MAGIC_LO) {
        const stored = (((yield* input.take(16)) << 16) | (yield* input.take(16))) >>> 0;
        if (stored !== combined) {
          throw new DecompressionError("checksum", `bzip2 stream CRC mismatch (stored ${hex(stored)}, data ${hex(combined)})`, {
            url,
            offset: Math.floor(input.bitPosition / 8) - 4,
          });
        }
        break;
      }
      if (hi !== BLOCK_MAGIC_HI || lo !== BLOCK_MAGIC_LO) throw corrupt(url, Math.floor(blockBit / 8), "no block or end-of-stream marker");
      const storedCrc = (((yield* input.take(16)) << 16) | (yield* input.take(16))) >>> 0;
      const symbols = yield* readBlock(input, tt, blockLimit, url);
      const { crc, length } = yield* undoTransforms(tt, symbols.length, symbols.origin, buffer);
      if (crc !== storedCrc) {
        throw new DecompressionError("checksum", `bzip2 block CRC mismatch (stored ${hex(storedCrc)}, data ${hex(crc)})`, {
          url,
          offset: Math.floor(blockBit / 8),
        });
      }
      combined = (((combined << 1) | (combined >>> 31)) ^ crc) >>> 0;
      options.onBlock?.({ bit: blockBit, out: position, length, held: tt.byteLength + buffer.byteLength });
      position += length;
    }
  }
}

/**
 * Reads one block's header, tables and symbols into `tt` (one byte per entry, before the inverse
 * Burrows-Wheeler transform); returns how many and the transform's origin.
 */
function* readBlock(
  input: MsbBitInput,
  tt: Uint32Array,
  blockLimit: number,
  url: string | undefined,
): DecoderGenerator<{ length: number; origin: number }> {
  const at = (): number => Math.floor(input.bitPosition / 8);
  if (yield* input.take(1))
    throw new DecompressionError("unsupported", "bzip2: randomised blocks (bzip2 before 0.9.5)", { url, offset: at() });
  const origin = yield* input.take(24);
  // The byte values the block uses, in order.
  const used = yield* input.take(16);
  const alphabet: number[] = [];
  for (let i = 0; i < 16; i++) {
    if (!(used & (0x8000 >>> i))) continue;
    const bits = yield* input.take(16);
    for (let j = 0; j < 16; j++) if (bits & (0x8000 >>> j)) alphabet.push(i * 16 + j);
  }
  if (alphabet.length === 0) throw corrupt(url, at(), "a block uses no byte value");
  const groupCount = yield* input.take(3);
  if (groupCount < 2 || groupCount > MAX_GROUPS) throw corrupt(url, at(), `${groupCount} Huffman groups (2 to 6 exist)`);
  const selectorCount = yield* input.take(15);
  if (selectorCount === 0) throw corrupt(url, at(), "no selectors");
  const selectorMtf = [0, 1, 2, 3, 4, 5];
  const selectors = new Uint8Array(Math.min(selectorCount, MAX_SELECTORS));
  for (let i = 0; i < selectorCount; i++) {
    let j = 0;
    while (yield* input.take(1)) if (++j >= groupCount) throw corrupt(url, at(), "a selector names a missing group");
    const group = selectorMtf[j]!;
    selectorMtf.splice(j, 1);
    selectorMtf.unshift(group);
    if (i < selectors.length) selectors[i] = group;
  }
  const alphabetSize = alphabet.length + 2;
  const groups: HuffmanGroup[] = [];
  for (let g = 0; g < groupCount; g++) {
    const lengths = new Uint8Array(alphabetSize);
    let length = yield* input.take(5);
    for (let s = 0; s < alphabetSize; s++) {
      for (;;) {
        if (length < 1 || length > MAX_CODE_LENGTH) throw corrupt(url, at(), "a Huffman code length out of range");
        if (!(yield* input.take(1))) break;
        length += (yield* input.take(1)) ? -1 : 1;
      }
      lengths[s] = length;
    }
    groups.push(huffmanGroup(lengths));
  }

  // Symbols: MTF indices with zero-runs coded as RUNA/RUNB digits, then end of block.
  const endOfBlock = alphabetSize - 1;
  const mtf = Uint8Array.from({ length: 256 }, (_, i) => i);
  const counts = new Int32Array(256);
  let length = 0;
  let run = 0;
  let runWeight = 1;
  let selector = 0;
  let left = 0;
  let group = groups[0] as HuffmanGroup;
  for (;;) {
    if (left === 0) {
      if (selector >= selectors.length) throw corrupt(url, at(), "more symbols than selectors");
      group = groups[selectors[selector++]!] as HuffmanGroup;
      left = GROUP_SIZE;
    }
    left--;
    if (!input.pull(MAX_CODE_LENGTH)) yield* input.fill(MAX_CODE_LENGTH);
    const peeked = input.peek(MAX_CODE_LENGTH);
    const looked = group.fast[peeked >>> (MAX_CODE_LENGTH - FAST_BITS)]!;
    let codeLength = looked >= 0 ? looked & 31 : Math.max(group.minLength, FAST_BITS + 1);
    let symbol = looked >= 0 ? looked >>> 5 : -1;
    for (; symbol < 0 && codeLength <= group.maxLength; codeLength++) {
      const index = (peeked >>> (MAX_CODE_LENGTH - codeLength)) - group.first[codeLength]!;
      if (index >= 0 && index < group.count[codeLength]!) {
        symbol = group.symbols[group.offset[codeLength]! + index]!;
        break;
      }
    }
    if (symbol < 0) throw input.available < MAX_CODE_LENGTH ? input.truncated() : corrupt(url, at(), "an invalid Huffman code");
    if (codeLength > input.available) throw input.truncated();
    input.drop(codeLength);

    if (symbol <= 1) {
      run += runWeight << symbol;
      runWeight <<= 1;
      if (run > blockLimit) throw corrupt(url, at(), "a run longer than the block");
      continue;
    }
    if (run > 0) {
      if (length + run > blockLimit) throw corrupt(url, at(), "more symbols than the block size");
      const byte = alphabet[mtf[0]!]!;
      counts[byte]! += run;
      tt.fill(byte, length, length + run);
      length += run;
      run = 0;
      runWeight = 1;
    }
    if (symbol === endOfBlock) break;
    if (length >= blockLimit) throw corrupt(url, at(), "more symbols than the block size");
    const position = symbol - 1;
    const value = mtf[position]!;
    mtf.copyWithin(1, 0, position);
    mtf[0] = value;
    const byte = alphabet[value]!;
    counts[byte]!++;
    tt[length++] = byte;
  }
  if (origin >= length) throw corrupt(url, at(), `origin ${origin} past the block's ${length} symbols`);
  // Inverse Burrows-Wheeler: link each entry to the next in the original order (index in bits 8+).
  let sum = 0;
  for (let byte = 0; byte < 256; byte++) {
    const n = counts[byte]!;
    counts[byte] = sum;
    sum += n;
  }
  for (let i = 0; i < length; i++) {
    const byte = tt[i]! & 0xff;
    tt[counts[byte]!++]! |= i << 8;
  }
  return { length, origin };
}

/**
 * Follows the inverse transform from `origin`, undoes the initial run-length coding and yields
 * the block's bytes in chunks of `buffer`'s size (copies); returns the block's CRC and length.
 */
function* undoTransforms(
  tt: Uint32Array,
  length: number,
  origin: number,
  buffer: Uint8Array,
): DecoderGenerator<{ crc: number; length: number }> {
  let crc = 0xffffffff;
  let filled = 0;
  let total = 0;
  let position = tt[origin]! >>> 8;
  let last = -1;
  let repeats = 0;
  for (let i = 0; i < length; i++) {
    const entry = tt[position]!;
    position = entry >>> 8;
    const byte = entry & 0xff;
    let copies = 1;
    let value = byte;
    if (repeats === 4) {
      copies = byte;
      value = last;
      repeats = 0;
    } else if (byte === last) {
      repeats++;
    } else {
      last = byte;
      repeats = 1;
    }
    for (let c = 0; c < copies; c++) {
      buffer[filled++] = value;
      crc = (crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ value) & 0xff]!;
      if (filled === buffer.length) {
        yield buffer.slice();
        total += filled;
        filled = 0;
      }
    }
  }
  if (filled > 0) yield buffer.slice(0, filled);
  return { crc: ~crc >>> 0, length: total + filled };
}

function hex(value: number): string {
  return value.toString(16).padStart(8, "0");
}

function notBzip2(url: string | undefined): DecompressionError {
  return new DecompressionError("not-compressed", "not a bzip2 stream (no BZh magic)", { url });
}

function corrupt(url: string | undefined, offset: number, what: string): DecompressionError {
  return new DecompressionError("corrupt", `bzip2 stream: ${what}`, { url, offset });
}
