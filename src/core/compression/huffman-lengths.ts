/**
 * Code lengths of length-limited Huffman codes: a Huffman code of the weights, and when its
 * longest code is too long, again with the weights flattened (halved, plus one) until it fits.
 * @module
 */

/**
 * The code length of every symbol (each gets a code, even of weight 0) of a prefix code for
 * `weights`, no length above `maxLength`. `maxLength` must allow a code for every symbol
 * (2^maxLength >= the number of symbols).
 */
export function limitedCodeLengths(weights: ArrayLike<number>, maxLength: number): Uint8Array {
  const flattened = Float64Array.from(weights, (weight) => Math.max(1, weight));
  for (;;) {
    const lengths = huffmanLengths(flattened);
    if (lengths.every((length) => length <= maxLength)) return Uint8Array.from(lengths);
    for (let i = 0; i < flattened.length; i++) flattened[i] = 1 + Math.floor(flattened[i]! / 2);
  }
}

/** The depths of the leaves of a Huffman tree of positive `weights` (two queues over the sorted leaves). */
function huffmanLengths(weights: Float64Array): Uint16Array {
  const n = weights.length;
  const lengths = new Uint16Array(n);
  if (n === 1) {
    lengths[0] = 1;
    return lengths;
  }
  const leaves = Array.from({ length: n }, (_, i) => i).sort((a, b) => weights[a]! - weights[b]! || a - b);
  const weight = new Float64Array(2 * n - 1);
  weight.set(weights);
  const parent = new Int32Array(2 * n - 1);
  let nextLeaf = 0;
  let nextMerged = n;
  const lightest = (end: number): number => {
    if (nextMerged < end && (nextLeaf >= n || weight[nextMerged]! < weight[leaves[nextLeaf]!]!)) return nextMerged++;
    return leaves[nextLeaf++]!;
  };
  for (let node = n; node < 2 * n - 1; node++) {
    const a = lightest(node);
    const b = lightest(node);
    weight[node] = weight[a]! + weight[b]!;
    parent[a] = node;
    parent[b] = node;
  }
  const depth = new Uint16Array(2 * n - 1);
  for (let node = 2 * n - 3; node >= 0; node--) depth[node] = depth[parent[node]!]! + 1;
  lengths.set(depth.subarray(0, n));
  return lengths;
}
