/** The parts of `lz4js` skyfs uses. */
declare module "lz4js" {
  /** Decompresses one lz4 block into `dst` at `dIndex`; returns the index after the last byte written. */
  export function decompressBlock(src: Uint8Array, dst: Uint8Array, sIndex: number, sLength: number, dIndex: number): number;
  /** The largest size an lz4 block of `n` bytes may compress to. */
  export function compressBound(n: number): number;
  /** Compresses `sLength` bytes of `src` into `dst`; `hashTable` is scratch (2^16 entries). Returns the compressed length. */
  export function compressBlock(src: Uint8Array, dst: Uint8Array, sIndex: number, sLength: number, hashTable: Uint32Array): number;
  const lz4: { decompressBlock: typeof decompressBlock; compressBound: typeof compressBound; compressBlock: typeof compressBlock };
  export default lz4;
}
