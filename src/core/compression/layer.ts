/**
 * The hook `FileSystem.open`, `cat` and `get` use: the `compression` option, resolved against
 * the object's name, turned into a decompressed view.
 * @module
 */
import type { ByteSource } from "../byte-source.js";
import { type CompressionOption, resolveCompression } from "./codecs.js";
import { type DecompressOptions, openDecompressed } from "./decompressed-source.js";

/** The decompression options of `open`, `cat` and `get`. */
export interface CompressionOptions extends Omit<DecompressOptions, "signal"> {
  /**
   * Whole-file compression of the object, decoded transparently: `"gzip"`, `"bz2"`, `"xz"`,
   * `"zstd"`, `"compress"` (Unix `.Z`), `"infer"` from the name's suffix, or `null`/absent for
   * the bytes as stored (fsspec's `compression=`).
   */
  compression?: CompressionOption;
}

/** `source` itself, or its decompressed view when `options.compression` asks for one. */
export async function withDecompression(source: ByteSource, options: CompressionOptions & { signal?: AbortSignal }): Promise<ByteSource> {
  const compression = resolveCompression(options.compression, source.url);
  if (!compression) return source;
  return openDecompressed(source, compression, options);
}
