/**
 * The Burrows-Wheeler transform as bzip2 uses it: the block's cyclic rotations sorted by prefix
 * doubling (a radix sort by the first four bytes, then ranks of the first k bytes give the order
 * by the first 2k bytes, with a linear counting sort per round), so the time is O(n log n)
 * whatever the input: runs and periodic data cost at most log2(n) rounds, and most data stops
 * after a few once every rank is distinct.
 * @module
 */

/** The transformed block and the row of the sorted rotations that holds the block itself. */
export interface BwtResult {
  /** The last byte of each sorted rotation. */
  last: Uint8Array;
  /** The index, in sorted order, of the rotation starting at the block's first byte. */
  origin: number;
}

/** The Burrows-Wheeler transform of the cyclic rotations of `block` (at least one byte). */
export function burrowsWheeler(block: Uint8Array): BwtResult {
  const n = block.length;
  const order = sortRotations(block);
  const last = new Uint8Array(n);
  let origin = 0;
  for (let row = 0; row < n; row++) {
    const start = order[row]!;
    if (start === 0) origin = row;
    last[row] = block[start === 0 ? n - 1 : start - 1]!;
  }
  return { last, origin };
}

/**
 * The start positions of `block`'s cyclic rotations in sorted order. Identical rotations (of a
 * periodic block) come in an arbitrary order among themselves, which changes nothing in the
 * transform.
 */
export function sortRotations(block: Uint8Array): Int32Array {
  const n = block.length;
  const order = new Int32Array(n);
  const byFollower = new Int32Array(n);
  let rank = new Int32Array(n);
  let nextRank = new Int32Array(n);
  const counts = new Int32Array(Math.max(1 << 16, n) + 1);

  // The first round sorts by each rotation's first four bytes, as two 16-bit radix passes.
  const key = new Uint32Array(n);
  for (let i = 0; i < n; i++)
    key[i] = ((block[i]! << 24) | (block[(i + 1) % n]! << 16) | (block[(i + 2) % n]! << 8) | block[(i + 3) % n]!) >>> 0;
  radixPass(key, 0, null, byFollower, counts);
  radixPass(key, 16, byFollower, order, counts);
  let classes = 0;
  for (let row = 0; row < n; row++) {
    const i = order[row]!;
    if (row === 0 || key[i] !== key[order[row - 1]!]) classes++;
    rank[i] = classes - 1;
  }

  for (let k = 4; classes < n && k < n; k *= 2) {
    // Rotations sorted by their bytes k to 2k: each sorted rotation's predecessor by k.
    for (let row = 0; row < n; row++) {
      const start = order[row]! - k;
      byFollower[row] = start < 0 ? start + n : start;
    }
    // A stable counting sort of those by their first k bytes sorts them by the first 2k.
    counts.fill(0, 0, classes + 1);
    for (let i = 0; i < n; i++) counts[rank[i]! + 1]!++;
    for (let value = 1; value <= classes; value++) counts[value]! += counts[value - 1]!;
    for (let row = 0; row < n; row++) {
      const i = byFollower[row]!;
      order[counts[rank[i]!]!++] = i;
    }
    classes = 0;
    let previous = -1;
    let previousFollower = -1;
    for (let row = 0; row < n; row++) {
      const i = order[row]!;
      const follower = rank[i + k < n ? i + k : (i + k) % n]!;
      if (row === 0 || rank[i] !== rank[previous] || follower !== previousFollower) classes++;
      nextRank[i] = classes - 1;
      previous = i;
      previousFollower = follower;
    }
    [rank, nextRank] = [nextRank, rank];
  }
  return order;
}

/**
 * A stable counting sort by 16 bits of `key` (from bit `shift`) of the positions in `from` (all
 * positions in order when null), into `to`.
 */
function radixPass(key: Uint32Array, shift: number, from: Int32Array | null, to: Int32Array, counts: Int32Array): void {
  const n = key.length;
  counts.fill(0, 0, (1 << 16) + 1);
  for (let i = 0; i < n; i++) counts[((key[i]! >>> shift) & 0xffff) + 1]!++;
  for (let digit = 1; digit <= 1 << 16; digit++) counts[digit]! += counts[digit - 1]!;
  for (let row = 0; row < n; row++) {
    const i = from ? from[row]! : row;
    to[counts[(key[i]! >>> shift) & 0xffff]!++] = i;
  }
}
