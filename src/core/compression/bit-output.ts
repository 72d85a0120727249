/**
 * Output bits packed most significant bit first (as bzip2 writes them) into a growing byte array.
 * @module
 */

/** A growing byte array written bit by bit, most significant bit of each byte first. */
export class BitOutput {
  private bytes: Uint8Array;
  private length = 0;
  /** Bits not yet written out, in the low {@link pending} bits. */
  private held = 0;
  private pending = 0;

  /** `capacity`: the expected size in bytes (the array grows past it when needed). */
  constructor(capacity = 1024) {
    this.bytes = new Uint8Array(Math.max(16, capacity));
  }

  /** Writes the low `count` bits of `value` (`count` at most 24), highest first. */
  bits(count: number, value: number): void {
    this.held = (this.held << count) | (value & ((1 << count) - 1));
    this.pending += count;
    while (this.pending >= 8) {
      this.pending -= 8;
      this.byte((this.held >>> this.pending) & 0xff);
    }
    this.held &= (1 << this.pending) - 1;
  }

  /** Writes a 32-bit unsigned value, highest bit first. */
  uint32(value: number): void {
    this.bits(16, value >>> 16);
    this.bits(16, value & 0xffff);
  }

  /** The bytes written, the last one padded with zero bits. */
  finish(): Uint8Array {
    if (this.pending > 0) this.bits(8 - this.pending, 0);
    return this.bytes.slice(0, this.length);
  }

  private byte(value: number): void {
    if (this.length === this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    this.bytes[this.length++] = value;
  }
}
