/**
 * URL chaining, fsspec style: `blockcache::https://...`, `filecache::s3://...`,
 * `simplecache::gs://...`. The part before `::` names a layer that changes how the filesystem
 * of the inner URL is built; options keyed by the layer's name configure the layer, and every
 * other option goes to the inner filesystem. The built-in names turn on the pipeline's cache
 * layers (options `blockCache`, `fileCache`; see `pipeline.ts`), so a chained URL and those
 * options build the same stack.
 * @module
 */
import { BlockStore } from "./cache/block-store.js";
import { InvalidUrlError } from "./errors.js";
import type { FileSystemOptions } from "./filesystem.js";

/** Turns the options of the inner filesystem into those the layer needs. */
export type ChainLayer = (inner: Record<string, unknown>, layerOptions: Record<string, unknown>) => Record<string, unknown>;

const layers = new Map<string, ChainLayer>();
const sharedBlocks = new Map<number, BlockStore>();

/** Registers a layer usable as `<name>::<url>`. */
export function registerChainLayer(name: string, layer: ChainLayer): void {
  if (!/^[a-z][a-z0-9_-]*$/i.test(name)) throw new InvalidUrlError(`invalid chain layer name ${JSON.stringify(name)}`);
  layers.set(name.toLowerCase(), layer);
}

/**
 * Splits `layer::rest` into the layer (when one is registered under that name) and the rest;
 * `undefined` when the URL is not chained.
 */
export function splitChain(url: string): { name: string; layer: ChainLayer; rest: string } | undefined {
  const match = /^([a-z][a-z0-9_-]*)::(.+)$/is.exec(url);
  if (!match) return undefined;
  const name = (match[1] as string).toLowerCase();
  const layer = layers.get(name);
  if (!layer) throw new InvalidUrlError(`no chain layer '${name}::' (known: ${[...layers.keys()].sort().join(", ")})`, { url });
  return { name, layer, rest: match[2] as string };
}

/** Options of the `blockcache::` layer. */
export interface BlockCacheLayerOptions {
  /** Block size in bytes (default 1 MiB). */
  blockSize?: number;
  /** Bytes of blocks kept, shared by every `blockcache::` URL of that capacity (default 128 MiB). */
  capacity?: number;
}

/** Options of the `filecache::` and `simplecache::` layers. */
export interface FileCacheLayerOptions {
  /** Folder of the local copies (default `defaultCacheDirectory()`: a private per-user folder). */
  directory?: string;
}

function blockCacheLayer(inner: Record<string, unknown>, options: BlockCacheLayerOptions): FileSystemOptions & Record<string, unknown> {
  const capacity = options.capacity ?? 128 * 1024 * 1024;
  let store = sharedBlocks.get(capacity);
  if (!store) {
    store = new BlockStore(capacity);
    sharedBlocks.set(capacity, store);
  }
  return { ...inner, blockCache: { store, blockSize: options.blockSize } };
}

function fileCacheLayer(inner: Record<string, unknown>, options: FileCacheLayerOptions): FileSystemOptions & Record<string, unknown> {
  return { ...inner, fileCache: options.directory === undefined ? true : { directory: options.directory } };
}

registerChainLayer("blockcache", blockCacheLayer);
registerChainLayer("filecache", fileCacheLayer);
registerChainLayer("simplecache", fileCacheLayer);
