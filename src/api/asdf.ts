/**
 * The public surface of `skyfs/asdf` that runs on every platform.
 * @module
 */

export * from "../formats/asdf/index.js";

import type { ByteSource } from "../core/byte-source.js";
import { open, type UrlOptions } from "../core/dispatch.js";
import { AsdfFile, type AsdfOptions } from "../formats/asdf/file.js";

/** Options of {@link openAsdf}: storage options for URLs plus the reader's options. */
export type OpenAsdfOptions = AsdfOptions & UrlOptions;

/**
 * Opens an ASDF file at a URL (any registered store) or over a ByteSource: reads the head (header
 * lines and YAML tree) and the tail (block index) in one batch; blocks are read when arrays are.
 * External array files are opened on the same store with the same options.
 */
export async function openAsdf(urlOrSource: string | ByteSource, options: OpenAsdfOptions = {}): Promise<AsdfFile> {
  const { maxTreeBytes: _tree, maxArrayBytes: _array, verifyChecksums: _verify, resolveExternal: _resolve, ...storage } = options;
  const source = typeof urlOrSource === "string" ? await open(urlOrSource, storage) : urlOrSource;
  return AsdfFile.open(source, { resolveExternal: (url) => open(url, storage), ...options });
}
