/**
 * The Burrows-Wheeler transform as bzip2 uses it: the block's cyclic rotations sorted by prefix
 * doubling. A radix sort by the first four bytes puts the rotations in groups; then each round,
 * knowing the order by the first k bytes, sorts every group by the rank of the rotation k bytes
 * further, which orders it by the first 2k bytes. While many rotations are in groups, a round is
 * one counting sort of the whole block; once few are, only the groups are sorted. The time is
 * O(n log n) per round and at most log2(n) rounds whatever the input (runs and periodic data
 * included), and most data is done after a few rounds.
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

/** Below this share of the rotations left in groups, a round sorts only the groups. */
const LOCAL_SHARE = 1 / 2;

/**
 * The start positions of `block`'s cyclic rotations in sorted order. Identical rotations (of a
 * periodic block) come in an arbitrary order among themselves, which changes nothing in the
 * transform.
 */
export function sortRotations(block: Uint8Array): Int32Array {
  const n = block.length;
  const state: SortState = {
    n,
    order: new Int32Array(n),
    rank: new Int32Array(n),
    groups: new Int32Array(n + 1),
    groupCount: 0,
    spareGroups: new Int32Array(n + 1),
    grouped: 0,
    pairs: undefined,
    keyed: new Float64Array(n),
  };
  const scratch = new Int32Array(n);
  const counts = new Int32Array(Math.max(1 << 16, n) + 1);
  const key = new Uint32Array(n);
  key[0] = ((block[0]! << 24) | (block[1 % n]! << 16) | (block[2 % n]! << 8) | block[3 % n]!) >>> 0;
  for (let i = 1; i < n; i++) key[i] = ((key[i - 1]! << 8) | block[i + 3 < n ? i + 3 : (i + 3) % n]!) >>> 0;
  radixPass(key, 0, null, scratch, counts);
  radixPass(key, 16, scratch, state.order, counts);
  regroup(state, (i) => key[i]!);

  for (let k = 4; state.grouped > 0 && k < n; k *= 2) {
    if (state.grouped > n * LOCAL_SHARE) wholeRound(state, k, scratch, counts);
    else groupsRound(state, k);
  }
  return state.order;
}

/** The sort in progress: the order so far, each rotation's rank, and the groups still to sort. */
interface SortState {
  n: number;
  /** Rotations in order by the bytes compared so far. */
  order: Int32Array;
  /** Each rotation's rank: the first row of its group in {@link order}. */
  rank: Int32Array;
  /** The groups of rotations still equal so far, as [first row, end row) pairs (n / 2 at most). */
  groups: Int32Array;
  /** How many numbers of {@link groups} are in use (two per group). */
  groupCount: number;
  /** Room for the next round's groups. */
  spareGroups: Int32Array;
  /** How many rotations are in those groups. */
  grouped: number;
  /** Room for the whole rounds' keys, made by the first. */
  pairs: Float64Array | undefined;
  /** Room for a group's keys in a groups round. */
  keyed: Float64Array;
}

/**
 * Sets each rotation's rank to the first row of its run of equal `keyOf` in the order, and lists
 * the runs longer than one as the groups left.
 */
function regroup(state: SortState, keyOf: (rotation: number) => number): void {
  const { n, order, rank } = state;
  state.groupCount = 0;
  state.grouped = 0;
  let start = 0;
  let startKey = keyOf(order[0]!);
  for (let row = 0; row < n; row++) {
    const i = order[row]!;
    const rowKey = keyOf(i);
    if (rowKey !== startKey) {
      addGroup(state, start, row);
      start = row;
      startKey = rowKey;
    }
    rank[i] = start;
  }
  addGroup(state, start, n);
}

/** Lists rows [start, end) as a group left to sort when it holds more than one rotation. */
function addGroup(state: SortState, start: number, end: number): void {
  if (end - start < 2) return;
  state.groups[state.groupCount++] = start;
  state.groups[state.groupCount++] = end;
  state.grouped += end - start;
}

/** One round over the whole block: a stable counting sort by rank of the order by the rotations k further. */
function wholeRound(state: SortState, k: number, byFollower: Int32Array, counts: Int32Array): void {
  const { n, order, rank } = state;
  for (let row = 0; row < n; row++) {
    const start = order[row]! - k;
    byFollower[row] = start < 0 ? start + n : start;
  }
  counts.fill(0, 0, n + 1);
  for (let i = 0; i < n; i++) counts[rank[i]! + 1]!++;
  for (let value = 1; value <= n; value++) counts[value]! += counts[value - 1]!;
  for (let row = 0; row < n; row++) {
    const i = byFollower[row]!;
    order[counts[rank[i]!]!++] = i;
  }
  // Ranks by the first 2k bytes: the pair (rank, rank k further) as one number.
  state.pairs ??= new Float64Array(n);
  const pairs = state.pairs;
  for (let i = 0; i < n; i++) pairs[i] = rank[i]! * n + rank[i + k < n ? i + k : (i + k) % n]!;
  regroup(state, (i) => pairs[i]!);
}

/**
 * One round over the groups only: each sorted by the rank of its rotations k further, then split.
 * Ranks change group by group; a later group reading a rank already refined in this round still
 * gets a correct order (by more bytes than it needs).
 */
function groupsRound(state: SortState, k: number): void {
  const { n, order, rank, keyed } = state;
  const groups = state.groups;
  const groupCount = state.groupCount;
  state.groups = state.spareGroups;
  state.spareGroups = groups;
  state.groupCount = 0;
  state.grouped = 0;
  for (let g = 0; g < groupCount; g += 2) {
    const first = groups[g]!;
    const end = groups[g + 1]!;
    const size = end - first;
    for (let row = first; row < end; row++) {
      const i = order[row]!;
      keyed[row - first] = rank[i + k < n ? i + k : (i + k) % n]! * n + i;
    }
    sortKeys(keyed, size);
    let start = first;
    let startKey = -1;
    for (let row = first; row < end; row++) {
      const value = keyed[row - first]!;
      const rowKey = Math.floor(value / n);
      if (rowKey !== startKey) {
        addGroup(state, start, row);
        start = row;
        startKey = rowKey;
      }
      const i = value - rowKey * n;
      order[row] = i;
      rank[i] = start;
    }
    addGroup(state, start, end);
  }
}

/** Sorts the first `size` numbers of `keys`: by insertion when few, else by the built-in sort. */
function sortKeys(keys: Float64Array, size: number): void {
  if (size > 16) {
    keys.subarray(0, size).sort();
    return;
  }
  for (let i = 1; i < size; i++) {
    const value = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! > value) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = value;
  }
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
