/**
 * Arrays for bodies that their reader is done with soon after reading them: a `get` of many
 * small files hands each body to a write and needs it no more. Touching fresh memory costs a
 * page fault per 4 KiB, which on a virtual machine can cost more than copying the bytes
 * (docs/performance.md), so the bodies reuse a few hundred arrays instead of one new array each.
 * @module
 */

/** The smallest array handed out: one page. */
const SMALLEST = 4096;

/**
 * Hands out arrays of any length up to `largest` bytes, each a view of a buffer whose size is the
 * power of two at or above its length, and takes back those it handed out, for the next array of
 * that size class. Arrays longer than `largest` are new each time and never kept. Only arrays
 * given back are reused, so the memory kept is at most what was out at once.
 */
export class ReusedArrays {
  private readonly free = new Map<number, ArrayBuffer[]>();
  private readonly out = new WeakSet<ArrayBuffer>();

  constructor(
    /** Bytes of the longest array reused. */
    readonly largest: number,
  ) {}

  /** An array of exactly `length` bytes, whose contents are whatever it last held. */
  readonly take = (length: number): Uint8Array => {
    if (length > this.largest) return new Uint8Array(length);
    const size = Math.max(SMALLEST, 2 ** Math.ceil(Math.log2(Math.max(1, length))));
    const buffer = this.free.get(size)?.pop() ?? new ArrayBuffer(size);
    this.out.add(buffer);
    return new Uint8Array(buffer, 0, length);
  };

  /**
   * Takes back an array {@link ReusedArrays.take} handed out, once nothing reads it any more.
   * Any other array, or one given back already, is left alone.
   */
  giveBack(array: Uint8Array): void {
    const { buffer } = array;
    if (!(buffer instanceof ArrayBuffer) || !this.out.delete(buffer)) return;
    const list = this.free.get(buffer.byteLength);
    if (list) list.push(buffer);
    else this.free.set(buffer.byteLength, [buffer]);
  }
}
