/**
 * A bzip2 encoder in portable TypeScript (no Node built-ins): the stream header `BZh` and the
 * level, then blocks of at most level x 100,000 bytes after the first run-length stage (runs of 4
 * to 255 equal bytes as four bytes and a count), each compressed by {@link writeBzip2Block}, then
 * the end-of-stream marker and the CRC of all blocks.
 * @module
 */
import { InvalidArgumentError } from "../errors.js";
import { BitOutput } from "./bit-output.js";
import { writeBzip2Block } from "./bzip2-block.js";
import { bzip2Crc, combineBzip2Crc } from "./bzip2-crc.js";

/** Options of {@link bzip2Encode}. */
export interface Bzip2EncodeOptions {
  /** The block size in units of 100,000 bytes, 1 to 9 (default 9, as `bzip2 -9`); others are an {@link InvalidArgumentError}. */
  level?: number;
}

/**
 * The bzip2 stream of `data`, which any bzip2 decoder (the `bzip2` tool, Python's `bz2`, skyfs's
 * own reading of `.bz2` files and ASDF `bzp2` blocks) decodes back to `data`.
 */
export function bzip2Encode(data: Uint8Array, options: Bzip2EncodeOptions = {}): Uint8Array {
  const level = options.level ?? 9;
  if (!Number.isInteger(level) || level < 1 || level > 9) throw new InvalidArgumentError(`bzip2 levels are 1 to 9, not ${level}`);
  // As the reference encoder, a little below the limit, which decoders check.
  const blockLimit = level * 100_000 - 19;
  const out = new BitOutput(Math.ceil(data.length * 0.6) + 64);
  out.bits(24, 0x425a68);
  out.bits(8, 0x30 + level);
  const block = new Uint8Array(Math.min(blockLimit, data.length + Math.ceil(data.length / 4) + 5));
  let streamCrc = 0;
  let at = 0;
  while (at < data.length) {
    const { consumed, length } = runLengthBlock(data, at, block);
    const crc = bzip2Crc(data, at, at + consumed);
    streamCrc = combineBzip2Crc(streamCrc, crc);
    writeBzip2Block(out, block.subarray(0, length), crc);
    at += consumed;
  }
  out.bits(24, 0x177245);
  out.bits(24, 0x385090);
  out.uint32(streamCrc);
  return out.finish();
}

/**
 * Fills `block` with the first run-length stage of `data` from `start`: a run of 4 to 255 equal
 * bytes becomes four of them and a byte counting the rest; shorter runs stay as they are. Stops
 * before a run or byte that would not fit, so no run is split across blocks. Returns how many
 * bytes of `data` it took and how many it wrote.
 */
function runLengthBlock(data: Uint8Array, start: number, block: Uint8Array): { consumed: number; length: number } {
  let at = start;
  let length = 0;
  while (at < data.length) {
    const value = data[at]!;
    let run = 1;
    while (run < 255 && at + run < data.length && data[at + run] === value) run++;
    if (run >= 4) {
      if (length + 5 > block.length) break;
      block[length] = value;
      block[length + 1] = value;
      block[length + 2] = value;
      block[length + 3] = value;
      block[length + 4] = run - 4;
      length += 5;
    } else {
      if (length + run > block.length) break;
      for (let i = 0; i < run; i++) block[length + i] = value;
      length += run;
    }
    at += run;
  }
  return { consumed: at - start, length };
}
