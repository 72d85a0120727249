/**
 * Opening FITS files by URL or ByteSource.
 * @module
 */
import type { ByteSource } from "../../core/byte-source.js";
import { open, type UrlOptions } from "../../core/dispatch.js";
import { type AnyHdu, type FitsFile, type OpenFitsOptions, openFitsSource, scanSourceHeaders } from "./file.js";

/** Options of {@link openFits}: storage options for URLs plus the reader's options. */
export type OpenFitsUrlOptions = OpenFitsOptions & UrlOptions;

async function sourceOf(urlOrSource: string | ByteSource, options: OpenFitsUrlOptions): Promise<ByteSource> {
  return typeof urlOrSource === "string" ? open(urlOrSource, options) : urlOrSource;
}

/**
 * Opens a FITS file at a URL (any registered store) or over a ByteSource. Only the size is asked
 * for here; headers are read when HDUs are asked for, data when data is.
 */
export async function openFits(urlOrSource: string | ByteSource, options: OpenFitsUrlOptions = {}): Promise<FitsFile> {
  return openFitsSource(await sourceOf(urlOrSource, options), options);
}

/** Yields the HDUs of a file one by one, reading their headers only. */
export async function* scanHeaders(urlOrSource: string | ByteSource, options: OpenFitsUrlOptions = {}): AsyncGenerator<AnyHdu> {
  yield* scanSourceHeaders(await sourceOf(urlOrSource, options), options);
}
