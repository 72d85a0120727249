/**
 * The cache strategies a file can be opened with, and the one function that applies them.
 * @module
 */
import type { ByteSource } from "../byte-source.js";
import { InvalidArgumentError } from "../errors.js";
import { BlockCachedSource } from "./block-source.js";
import type { BlockStore } from "./block-store.js";
import { HeadCachedSource } from "./head-source.js";
import { ReadaheadSource } from "./readahead-source.js";
import { WholeObjectSource } from "./whole-source.js";

/**
 * How reads of an open file are cached:
 * - `none`: every read is a request (range planning still merges a `readMany`);
 * - `readahead`: a miss fetches at least `blockSize` bytes and keeps them (front-to-back reading);
 * - `blocks`: an LRU of `blockSize` blocks, shared by every file of the filesystem;
 * - `first-block`: the first `headSize` bytes are kept (headers), other reads go straight through;
 * - `whole`: the whole object is fetched once, in parallel parts.
 */
export type CacheStrategy = "none" | "readahead" | "blocks" | "first-block" | "whole";

/** Cache options of `open`, and their filesystem-wide defaults. */
export interface CacheOptions {
  /** The strategy (default `first-block`). */
  cache?: CacheStrategy;
  /** Block size of `blocks` and window of `readahead` (default 1 MiB). */
  blockSize?: number;
  /** Bytes kept by `first-block`, fetched with the open request where the store allows (default 64 KiB). */
  headSize?: number;
}

/** Default strategy: headers come with the open request, data reads are planned, not cached. */
export const DEFAULT_CACHE: CacheStrategy = "first-block";
/** Default block size of the `blocks` and `readahead` strategies. */
export const DEFAULT_BLOCK_SIZE = 1024 * 1024;
/** Default size of the head kept by `first-block`. */
export const DEFAULT_HEAD_SIZE = 64 * 1024;

/**
 * Wraps `source` in the cache `options` choose. `store` holds the blocks of the `blocks`
 * strategy; `knownHead` is the head already fetched by the open request, if any.
 */
export function cachedSource(source: ByteSource, options: CacheOptions, store: BlockStore, knownHead?: Uint8Array): ByteSource {
  const blockSize = positive(options.blockSize, DEFAULT_BLOCK_SIZE);
  switch (options.cache ?? DEFAULT_CACHE) {
    case "none":
      return source;
    case "readahead":
      return new ReadaheadSource(source, blockSize);
    case "blocks":
      return new BlockCachedSource(source, store, blockSize);
    case "first-block":
      return new HeadCachedSource(source, positive(options.headSize, DEFAULT_HEAD_SIZE), knownHead);
    case "whole":
      return new WholeObjectSource(source);
  }
}

function positive(value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) throw new InvalidArgumentError(`cache sizes must be positive integers, got ${value}`);
  return value;
}
