/**
 * The public surface of `skyfs/fits` that runs on every platform.
 * @module
 */

export * from "../formats/fits/index.js";

import type { ByteSource } from "../core/byte-source.js";
import { gzipIndexFromJson } from "../core/compression/gzip-index.js";
import type { CompressionOptions } from "../core/compression/layer.js";
import { open, type UrlOptions } from "../core/dispatch.js";
import { type AnyHdu, type FitsFile, type OpenFitsOptions, openFitsSource, scanSourceHeaders } from "../formats/fits/file.js";

/**
 * Options of {@link openFits}: storage options for URLs plus the reader's options. A URL whose
 * name ends in `.gz`, `.bz2`, `.xz`, `.zst` or `.Z` is decompressed (`compression: "infer"` by
 * default; `null` reads the stored bytes).
 */
export type OpenFitsUrlOptions = OpenFitsOptions & UrlOptions & CompressionOptions;

async function sourceOf(urlOrSource: string | ByteSource, options: OpenFitsUrlOptions): Promise<ByteSource> {
  if (typeof urlOrSource !== "string") return urlOrSource;
  const { index, headerReadSize: _headerReadSize, ...storage } = options;
  const entry = index && ("files" in index ? index.files.find((file) => file.url === urlOrSource) : index);
  const gzipIndex = entry?.gzipIndex ? gzipIndexFromJson(entry.gzipIndex) : options.gzipIndex;
  return open(urlOrSource, { compression: "infer", ...(index ? { cache: "none" } : {}), ...storage, gzipIndex });
}

/**
 * Opens a FITS file at a URL (any registered store) or over a ByteSource. The open request
 * brings the object's head (the default `first-block` cache), so the first headers cost no
 * further round trip; later headers are read when their HDUs are asked for, data when data is.
 * With an `index`, the open asks only for the object's size and ETag, and no header is read.
 */
export async function openFits(urlOrSource: string | ByteSource, options: OpenFitsUrlOptions = {}): Promise<FitsFile> {
  return openFitsSource(await sourceOf(urlOrSource, options), options);
}

/** Yields the HDUs of a file one by one, reading their headers only. */
export async function* scanHeaders(urlOrSource: string | ByteSource, options: OpenFitsUrlOptions = {}): AsyncGenerator<AnyHdu> {
  yield* scanSourceHeaders(await sourceOf(urlOrSource, options), options);
}
