/**
 * Whole-file decompression as a layer over any {@link ByteSource}.
 * @module
 */
export type { Bunzip2Options, Bzip2Block } from "./bunzip2.js";
export type { Compression, CompressionOption, DecompressStreamOptions } from "./codecs.js";
export { COMPRESSIONS, compressionOfName, decompressStream, resolveCompression, stripCompressionSuffix } from "./codecs.js";
export { DEFAULT_DECODED_CACHE_CAPACITY, DecodedCache, sharedDecodedCache } from "./decoded-cache.js";
export type { DecompressOptions } from "./decompressed-source.js";
export { buildGzipIndex, openDecompressed } from "./decompressed-source.js";
export type { DecompressionProblem } from "./errors.js";
export { DecompressionError } from "./errors.js";
export type { GunzipOptions, GzipCheckpoint } from "./gzip.js";
export { DEFAULT_CHECKPOINT_SPACING } from "./gzip.js";
export type { GzipIndex, GzipIndexJson } from "./gzip-index.js";
export { gzipIndexFromJson, gzipIndexToJson } from "./gzip-index.js";
export type { SequentialOptions } from "./stream.js";
export { sequentialChunks, streamContent } from "./stream.js";
