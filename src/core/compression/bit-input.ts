/**
 * The input side of skyfs's resumable decoders: bytes arrive in chunks, and a decoder that runs
 * out asks for more by yielding {@link NEED_INPUT}. Decoders are generators, so they can stop in
 * the middle of a symbol and resume when the next chunk comes, without buffering the whole stream.
 * @module
 */
import { DecompressionError } from "./errors.js";

/** What a decoder yields when it has consumed all the input it was given. */
export const NEED_INPUT: unique symbol = Symbol("need input");

/** A decoder step: a chunk of output, or a request for input. */
export type DecoderStep = Uint8Array | typeof NEED_INPUT;

/**
 * A resumable decoder: it yields output chunks and {@link NEED_INPUT}; after `NEED_INPUT` the
 * driver passes the next input chunk to `next()`, or `undefined` at the end of the input.
 */
export type DecoderGenerator<R = void> = Generator<DecoderStep, R, Uint8Array | undefined>;

/**
 * Input bytes read least-significant bit first (as deflate packs them), with the absolute
 * position of every bit in the compressed stream.
 */
export class BitInput {
  /** The current chunk. */
  buf: Uint8Array = new Uint8Array(0);
  /** Next unread byte of {@link buf}. */
  pos = 0;
  /** Bits read ahead from the chunk and not consumed yet (at most 31). */
  bits = 0;
  /** How many of {@link bits} are valid. */
  count = 0;
  /** Whether the input has ended. */
  ended = false;
  /** Absolute offset in the compressed stream of `buf[0]`. */
  private base: number;

  /** @param start Absolute offset in the compressed stream of the first byte that will be given. */
  constructor(
    start: number,
    private readonly url?: string,
  ) {
    this.base = start;
  }

  /** Absolute position, in bits, of the next bit to be consumed. */
  get bitPosition(): number {
    return (this.base + this.pos) * 8 - this.count;
  }

  /** Absolute offset of the next byte to be consumed once the bit buffer is empty. */
  get bytePosition(): number {
    return this.base + this.pos - (this.count >>> 3);
  }

  /** Asks the driver for the next chunk; false when the input has ended. */
  *more(): DecoderGenerator<boolean> {
    while (!this.ended) {
      const chunk = yield NEED_INPUT;
      if (chunk === undefined) {
        this.ended = true;
        return false;
      }
      this.base += this.buf.length;
      this.buf = chunk;
      this.pos = 0;
      if (chunk.length > 0) return true;
    }
    return false;
  }

  /** Tops the bit buffer up to `n` bits (n <= 24) from the current chunk; true when it got there. */
  pull(n: number): boolean {
    while (this.count < n) {
      if (this.pos >= this.buf.length) return false;
      this.bits |= this.buf[this.pos++]! << this.count;
      this.count += 8;
    }
    return true;
  }

  /** Tops the bit buffer up to `n` bits, asking for input as needed; at the end of the input it may hold fewer. */
  *fill(n: number): DecoderGenerator<void> {
    while (!this.pull(n)) if (!(yield* this.more())) return;
  }

  /** Consumes and returns `n` bits (n <= 24); a {@link DecompressionError} when the input ends first. */
  *take(n: number): DecoderGenerator<number> {
    if (this.count < n) yield* this.fill(n);
    if (this.count < n) throw this.truncated();
    const value = this.bits & ((1 << n) - 1);
    this.drop(n);
    return value;
  }

  /** Discards `n` bits of the bit buffer (n <= count). */
  drop(n: number): void {
    this.bits >>>= n;
    this.count -= n;
  }

  /** Discards the bits up to the next byte boundary. */
  alignToByte(): void {
    this.drop(this.count & 7);
  }

  /** The next whole byte (the stream must be byte-aligned), or `undefined` at the end of the input. */
  *optionalByte(): DecoderGenerator<number | undefined> {
    if (this.count >= 8) {
      const value = this.bits & 0xff;
      this.drop(8);
      return value;
    }
    if (this.pos >= this.buf.length && !(yield* this.more())) return undefined;
    return this.buf[this.pos++]!;
  }

  /** The next whole byte; a {@link DecompressionError} at the end of the input. */
  *byte(): DecoderGenerator<number> {
    const value = yield* this.optionalByte();
    if (value === undefined) throw this.truncated();
    return value;
  }

  /** The error for input that ends too early. */
  truncated(): DecompressionError {
    return new DecompressionError("truncated", "the compressed stream ends too early", { url: this.url, offset: this.base + this.pos });
  }
}
