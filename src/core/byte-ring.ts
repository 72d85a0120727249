/**
 * Space in one shared block of memory, taken in pieces and given back in the order it was taken,
 * so that bytes handed to another thread go through memory that is reused (and stays warm)
 * instead of a fresh copy each time.
 * @module
 */

/**
 * A ring of bytes in a `SharedArrayBuffer`. {@link ByteRing.take} finds room for a piece after
 * the newest one (wrapping to the start when the end has too little), and
 * {@link ByteRing.giveBack} frees the oldest piece: pieces are given back in the order they were
 * taken, as the answers of a thread that works through them in order come back.
 */
export class ByteRing {
  /** The ring's memory, shared with the threads it is sent to. */
  readonly bytes: Uint8Array<SharedArrayBuffer>;
  /** Offsets of the pieces taken, oldest first (those given back before `oldest`). */
  private readonly pieces: number[] = [];
  /** Index in `pieces` of the oldest piece still in use. */
  private oldest = 0;
  /** Offset just past the newest piece. */
  private end = 0;

  constructor(size: number) {
    this.bytes = new Uint8Array(new SharedArrayBuffer(size));
  }

  /** Takes `length` contiguous bytes and returns their offset, or `undefined` when there is no room. */
  take(length: number): number | undefined {
    const size = this.bytes.length;
    let at: number | undefined;
    if (this.oldest === this.pieces.length) at = length <= size ? 0 : undefined;
    else {
      const start = this.pieces[this.oldest] as number;
      if (this.end > start) at = size - this.end >= length ? this.end : start >= length ? 0 : undefined;
      else at = start - this.end >= length ? this.end : undefined;
    }
    if (at === undefined) return undefined;
    this.pieces.push(at);
    this.end = at + length;
    return at;
  }

  /** Gives back the oldest piece taken. */
  giveBack(): void {
    this.oldest++;
    if (this.oldest === this.pieces.length) {
      this.pieces.length = 0;
      this.oldest = 0;
      this.end = 0;
    } else if (this.oldest >= 1024 && this.oldest * 2 >= this.pieces.length) {
      this.pieces.splice(0, this.oldest);
      this.oldest = 0;
    }
  }
}
