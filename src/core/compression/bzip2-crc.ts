/**
 * The CRC of bzip2 blocks: CRC-32 with the polynomial of gzip but fed most significant bit first
 * (not reflected), and the rotate-and-xor that combines block CRCs into the stream's CRC.
 * @module
 */

const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n << 24;
    for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** The bzip2 block CRC of `bytes[start, end)`, an unsigned number. */
export function bzip2Crc(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = (c << 8) ^ TABLE[((c >>> 24) ^ bytes[i]!) & 0xff]!;
  return ~c >>> 0;
}

/** The stream CRC after one more block: the running value rotated left by one bit, xor the block's CRC. */
export function combineBzip2Crc(stream: number, block: number): number {
  return (((stream << 1) | (stream >>> 31)) ^ block) >>> 0;
}
