/**
 * The `blockcache::` layer: ranged reads served from fixed-size blocks kept in memory in a
 * {@link BlockStore}, shared by every file the stack reads.
 * @module
 */
import { type Backend, BackendLayer, type GetOptions, type GetResult } from "../backend.js";
import { TransientError } from "../errors.js";
import type { BlockStore } from "./block-store.js";
import { DEFAULT_BLOCK_SIZE } from "./strategy.js";
import { pinnedInfo, pinnedVersionKey, versionKey } from "./validators.js";

/**
 * A layer that reads whole blocks of `blockSize` bytes and keeps them in `store`, keyed by URL,
 * version (ETag, else version id, else size and modification time) and block size, so that a
 * store shared by many stacks never mixes versions. A read pinned to a version is served from
 * the blocks held, the missing ones fetched (neighbours in one request) and blocks another read
 * is already fetching waited for. A read pinned to nothing (the first read of an object) fetches
 * the blocks it touches and keeps them under the version the reply names. Descriptions, whole
 * objects and objects with no validator pass through.
 */
export class BlockCacheBackend extends BackendLayer {
  constructor(
    inner: Backend,
    /** Where the blocks are kept. */
    readonly store: BlockStore,
    /** Bytes per block (default 1 MiB). */
    readonly blockSize: number = DEFAULT_BLOCK_SIZE,
  ) {
    super(inner);
  }

  override get(path: string, options: GetOptions = {}): Promise<GetResult> {
    const range = options.range;
    if (options.head || !range || range.length <= 0) return this.inner.get(path, options);
    const version = pinnedVersionKey(options);
    return version === undefined || options.expectedSize === undefined
      ? this.firstRead(path, options, range.offset, range.length)
      : this.pinnedRead(path, options, version, options.expectedSize, range.offset, range.length);
  }

  private async firstRead(path: string, options: GetOptions, offset: number, length: number): Promise<GetResult> {
    const first = Math.floor(offset / this.blockSize);
    const last = Math.floor((offset + length - 1) / this.blockSize);
    const start = first * this.blockSize;
    const reply = await this.inner.get(path, {
      ...keeping(options),
      range: { offset: start, length: (last - first + 1) * this.blockSize },
    });
    const version = reply.info.type === "file" && reply.info.size >= 0 ? versionKey(reply.info) : undefined;
    if (version !== undefined) {
      const prefix = this.keyPrefix(path, version);
      for (let block = first; block <= last; block++) {
        const from = (block - first) * this.blockSize;
        const bytes = reply.bytes.subarray(from, from + this.blockSize);
        if (bytes.length === this.blockLength(block, reply.info.size)) this.store.put(prefix + block, bytes);
      }
    }
    return { info: reply.info, bytes: reply.bytes.subarray(offset - start, offset - start + length) };
  }

  private async pinnedRead(
    path: string,
    options: GetOptions,
    version: string,
    size: number,
    offset: number,
    length: number,
  ): Promise<GetResult> {
    const end = Math.min(size, offset + length);
    if (end <= offset) return { info: pinnedInfo(path, options), bytes: new Uint8Array(0) };
    const first = Math.floor(offset / this.blockSize);
    const last = Math.floor((end - 1) / this.blockSize);
    const prefix = this.keyPrefix(path, version);
    const keys: string[] = [];
    for (let block = first; block <= last; block++) keys.push(prefix + block);
    const blocks = await this.store.getMany(keys, (missing) =>
      this.fetchBlocks(
        path,
        options,
        size,
        missing.map((key) => Number(key.slice(prefix.length))),
      ),
    );
    const bytes = new Uint8Array(end - offset);
    blocks.forEach((block, i) => {
      const blockStart = (first + i) * this.blockSize;
      const from = Math.max(offset, blockStart);
      const to = Math.min(end, blockStart + block.length);
      bytes.set(block.subarray(from - blockStart, to - blockStart), from - offset);
    });
    return { info: pinnedInfo(path, options), bytes };
  }

  /** Fetches blocks (in ascending order), each run of neighbours with one pinned read. */
  private async fetchBlocks(path: string, options: GetOptions, size: number, blocks: number[]): Promise<Uint8Array[]> {
    const runs: number[][] = [];
    for (const block of blocks) {
      const run = runs.at(-1);
      if (run && run.at(-1) === block - 1) run.push(block);
      else runs.push([block]);
    }
    const fetched = await Promise.all(
      runs.map(async (run) => {
        const start = (run[0] as number) * this.blockSize;
        const length = Math.min(size, (run.at(-1) as number) * this.blockSize + this.blockSize) - start;
        const { bytes } = await this.inner.get(path, { ...keeping(options), range: { offset: start, length } });
        if (bytes.length !== length)
          throw new TransientError(`body cut short: ${bytes.length} of ${length} bytes`, { url: this.toUrl(path) });
        return run.map((_, i) => bytes.subarray(i * this.blockSize, Math.min(length, (i + 1) * this.blockSize)));
      }),
    );
    return fetched.flat();
  }

  private blockLength(block: number, size: number): number {
    return Math.max(0, Math.min(this.blockSize, size - block * this.blockSize));
  }

  private keyPrefix(path: string, version: string): string {
    return `${this.toUrl(path)}\u0000${version}\u0000${this.blockSize}\u0000`;
  }
}

/** `options` for a read whose bytes the layer keeps: without the caller's memory, which the caller may reuse. */
function keeping(options: GetOptions): GetOptions {
  const { memory: _callers, ...kept } = options;
  return kept;
}
