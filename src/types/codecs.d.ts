/** The parts of `lz4js` skyfs uses. */
declare module "lz4js" {
  /** Decompresses one lz4 block into `dst` at `dIndex`; returns the index after the last byte written. */
  export function decompressBlock(src: Uint8Array, dst: Uint8Array, sIndex: number, sLength: number, dIndex: number): number;
  const lz4: { decompressBlock: typeof decompressBlock };
  export default lz4;
}

/** The parts of `seek-bzip` skyfs uses. */
declare module "seek-bzip" {
  /** Decompresses a whole bzip2 stream into `output` (grown as needed when absent). */
  export function decode(input: Buffer, output?: Buffer, multistream?: boolean): Buffer;
  const bzip: { decode: typeof decode };
  export default bzip;
}
