/**
 * Cache layers around any {@link ByteSource}.
 * @module
 */
export { BlockCachedSource } from "./block-source.js";
export type { BlockStoreStats } from "./block-store.js";
export { BlockStore } from "./block-store.js";
export { HeadCachedSource } from "./head-source.js";
export { ReadaheadSource } from "./readahead-source.js";
export type { CacheOptions, CacheStrategy } from "./strategy.js";
export { cachedSource, DEFAULT_BLOCK_SIZE, DEFAULT_CACHE, DEFAULT_HEAD_SIZE } from "./strategy.js";
export { WholeObjectSource } from "./whole-source.js";
