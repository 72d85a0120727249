/**
 * Unix `compress` (`.Z`): LZW with 9- to 16-bit codes, read as the original `compress` writes
 * them, codes in groups of eight that are padded to their end whenever the code width changes or
 * the table is cleared. No npm package decodes this format, so skyfs has its own.
 * @module
 */
import { BitInput, type DecoderGenerator } from "./bit-input.js";
import { DecompressionError } from "./errors.js";

const CLEAR = 256;
const BLOCK_MODE = 0x80;
const OUTPUT_SIZE = 256 * 1024;

/** Whether bytes start like a `.Z` file. */
export function looksLikeUnixCompress(head: Uint8Array): boolean {
  return head[0] === 0x1f && head[1] === 0x9d;
}

/** Decodes a `.Z` stream fed chunk by chunk (see {@link DecoderGenerator}). */
export function* uncompressLzw(url?: string): DecoderGenerator<void> {
  const input = new BitInput(0, url);
  const first = yield* input.optionalByte();
  const second = yield* input.optionalByte();
  if (first !== 0x1f || second !== 0x9d)
    throw new DecompressionError("not-compressed", "not a Unix compress (.Z) stream (no 1f 9d magic)", { url });
  const flags = yield* input.byte();
  const maxBits = flags & 0x1f;
  const blockMode = (flags & BLOCK_MODE) !== 0;
  if (maxBits < 9 || maxBits > 16)
    throw new DecompressionError("unsupported", `.Z stream with ${maxBits}-bit codes (9 to 16 exist)`, { url });
  const tableSize = 1 << maxBits;
  const prefix = new Uint16Array(tableSize);
  const suffix = new Uint8Array(tableSize);
  for (let i = 0; i < 256; i++) suffix[i] = i;
  const stack = new Uint8Array(tableSize);
  const out = new Uint8Array(OUTPUT_SIZE + tableSize);
  let op = 0;
  let bits = 9;
  let maxCode = (1 << bits) - 1;
  let free = blockMode ? CLEAR + 1 : CLEAR;
  let previous = -1;
  let firstByte = 0;
  let segmentStart = input.bitPosition;

  /** Skips to the end of the current group of eight codes; false when the input ends there. */
  function* endOfGroup(): DecoderGenerator<boolean> {
    const group = bits * 8;
    const target = segmentStart + Math.ceil((input.bitPosition - segmentStart) / group) * group;
    while (input.bitPosition < target) {
      const n = Math.min(16, target - input.bitPosition);
      yield* input.fill(n);
      if (input.count < n) return false;
      input.drop(n);
    }
    segmentStart = target;
    return true;
  }

  for (;;) {
    if (free > maxCode && bits < maxBits) {
      if (!(yield* endOfGroup())) break;
      bits++;
      maxCode = bits === maxBits ? tableSize : (1 << bits) - 1;
    }
    if (input.count < bits) yield* input.fill(bits);
    if (input.count < bits) break;
    let code = input.bits & ((1 << bits) - 1);
    input.drop(bits);
    if (previous === -1) {
      if (code >= 256) throw new DecompressionError("corrupt", ".Z stream: the first code is not a literal", { url });
      previous = code;
      firstByte = code;
      out[op++] = code;
      continue;
    }
    if (code === CLEAR && blockMode) {
      if (!(yield* endOfGroup())) break;
      free = CLEAR;
      bits = 9;
      maxCode = (1 << bits) - 1;
      continue;
    }
    const incoming = code;
    let sp = stack.length;
    if (code >= free) {
      if (code > free)
        throw new DecompressionError("corrupt", `.Z stream: code ${code} is not defined yet`, { url, offset: input.bytePosition });
      stack[--sp] = firstByte;
      code = previous;
    }
    while (code >= 256) {
      stack[--sp] = suffix[code]!;
      code = prefix[code]!;
    }
    firstByte = code;
    stack[--sp] = code;
    out.set(stack.subarray(sp), op);
    op += stack.length - sp;
    if (free < tableSize) {
      prefix[free] = previous;
      suffix[free] = firstByte;
      free++;
    }
    previous = incoming;
    if (op >= OUTPUT_SIZE) {
      yield out.slice(0, op);
      op = 0;
    }
  }
  if (op > 0) yield out.slice(0, op);
}
