/**
 * The user-facing filesystem: fsspec's vocabulary, written once over the store interface. Tree
 * expansion lives in `tree.ts`, transfers to and from local disk in `transfers.ts`, opening and
 * caching in `open-source.ts`, the layers below in `pipeline.ts`.
 * @module
 */
import { type Backend, baseBackend, type FileInfo } from "./backend.js";
import type { ByteRange, ByteSource, IoOptions } from "./byte-source.js";
import { BlockStore } from "./cache/block-store.js";
import type { CacheOptions } from "./cache/strategy.js";
import { resolveCompression } from "./compression/codecs.js";
import { type CompressionOptions, withDecompression } from "./compression/layer.js";
import { mapLimit } from "./concurrency.js";
import { absoluteRange, readRangesUndescribed } from "./described-ranges.js";
import { IsADirectoryError, NotFoundError, NotSupportedError } from "./errors.js";
import { forgetInstance } from "./instance-cache.js";
import { DEFAULT_REQUEST_CONCURRENCY } from "./limit.js";
import { localDisk } from "./local-disk.js";
import { type OpenContext, openSource, readWhole } from "./open-source.js";
import { baseName, joinPath, relativePath, trimTrailingSlash } from "./paths.js";
import { buildStack, DEFAULT_PART_SIZE, DEFAULT_PARTS_IN_FLIGHT, type StackOptions, stackCaches } from "./pipeline.js";
import type { RangePlanOptions } from "./range-plan.js";
import { describe } from "./reads.js";
import type { TransferSnapshot, TransferStats } from "./stats.js";
import type { TransferOptions, TransferPlan } from "./transfers.js";
import { describeOrUndefined, expandGlob, findEntries, findInFolder, walkTree } from "./tree.js";

/** Options of a {@link FileSystem}. */
export interface FileSystemOptions extends RangePlanOptions, StackOptions {
  /**
   * Files transferred and listings run at once by `get`, `put`, `rm`, `glob` (default 32, and
   * 100 files for `get`). A download's bytes in flight stay under `partSize x partsInFlight`
   * whatever this is, and every request passes the per-host limit.
   */
  concurrency?: number;
  /**
   * Default cache options of {@link FileSystem.open} (default `first-block`; `none` when the
   * stack has a block or file cache layer, which keeps what is read already).
   */
  cacheDefaults?: CacheOptions;
  /** The block store of the `blocks` cache (default: one per filesystem, of `blockCacheCapacity` bytes). */
  blockStore?: BlockStore;
  /** Capacity in bytes of the filesystem's own block store (default 128 MiB). */
  blockCacheCapacity?: number;
}

/** Options of {@link FileSystem.find}. */
export interface FindOptions extends IoOptions {
  /** How many levels below `path` to descend (1 = its direct children). Unlimited by default. */
  maxDepth?: number;
  /** Include directories in the result. */
  withDirs?: boolean;
}

/** Options of {@link FileSystem.glob}. */
export interface GlobOptions extends IoOptions {
  /** Limits how deep `**` descends, as in {@link FindOptions.maxDepth}. */
  maxDepth?: number;
}

/** One level of {@link FileSystem.walk}: a folder, its subfolders and its files (names only). */
export interface WalkEntry {
  /** The folder. */
  root: string;
  /** Names of its subfolders. */
  dirs: string[];
  /** Names of its files. */
  files: string[];
}

/** Options of {@link FileSystem.rm} and {@link FileSystem.copy}. */
export interface RecursiveOptions extends IoOptions {
  /** Act on a whole folder or prefix. */
  recursive?: boolean;
}

const DEFAULT_CONCURRENCY = 32;
/**
 * Files of a `get` at once: small objects are latency-bound, so as many as the per-host limit
 * lets send their first read together (100; the default byte budget, 8 MiB x 4, holds 128 first
 * reads of 256 KiB).
 */
const DEFAULT_DOWNLOADS = DEFAULT_REQUEST_CONCURRENCY;
const DELETE_BATCH = 1000;

/**
 * A filesystem over one backend. Every method accepts either the backend's path form
 * (`bucket/key`, `/tmp/x`) or a full URL of the same scheme.
 *
 * `new FileSystem(backend, options)` wraps `backend` in the pipeline's layers (stats and byte
 * budget, the per-host limit, retry, and the block and file caches when asked for; see
 * `buildStack`), exactly as `filesystem()` does.
 */
export class FileSystem {
  /** The top of the stack this filesystem drives (see `buildStack`). */
  readonly backend: Backend;
  /** The shared blocks of the `blocks` cache strategy. */
  readonly blockStore: BlockStore;
  private readonly transfer: TransferStats;
  private readonly plan: TransferPlan;
  private readonly opening: OpenContext;
  private closing: Promise<void> | undefined;

  constructor(backend: Backend, options: FileSystemOptions = {}) {
    const stack = buildStack(backend, options);
    this.backend = stack.backend;
    this.transfer = stack.stats;
    this.blockStore = options.blockStore ?? new BlockStore(options.blockCacheCapacity);
    this.plan = {
      concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
      downloads: options.concurrency ?? DEFAULT_DOWNLOADS,
      partSize: options.partSize ?? DEFAULT_PART_SIZE,
      partsInFlight: options.partsInFlight ?? DEFAULT_PARTS_IN_FLIGHT,
    };
    this.opening = {
      backend: this.backend,
      blockStore: this.blockStore,
      cacheDefaults: options.cacheDefaults ?? (stackCaches(options) ? { cache: "none" } : undefined),
      planning: { mergeGap: options.mergeGap, maxPartSize: options.maxPartSize, spansInFlight: options.spansInFlight },
    };
  }

  /** The store's own backend, below every layer (e.g. to read an `S3Backend`'s endpoint). */
  get baseBackend(): Backend {
    return baseBackend(this.backend);
  }

  /** Requests sent and bytes moved by this filesystem so far. */
  stats(): TransferSnapshot {
    return this.transfer.snapshot();
  }

  /** Sets the transfer counters (and the byte budget's count) back to zero. */
  resetStats(): void {
    this.transfer.reset();
  }

  /** The backend's main URL scheme. */
  get protocol(): string {
    return this.backend.protocol;
  }

  /** Normalises a URL or path to this filesystem's path form. */
  path(urlOrPath: string): string {
    return trimTrailingSlash(this.backend.stripProtocol(urlOrPath));
  }

  /** The full URL of a path. */
  url(path: string): string {
    return this.backend.toUrl(this.path(path));
  }

  /** Lists one level, sorted by name: entry names, or {@link FileInfo} objects with `detail: true`. */
  ls(path: string, options: IoOptions & { detail: true }): Promise<FileInfo[]>;
  ls(path: string, options?: IoOptions & { detail?: false }): Promise<string[]>;
  async ls(path: string, options: IoOptions & { detail?: boolean } = {}): Promise<FileInfo[] | string[]> {
    const entries = (await this.backend.list(this.path(path), { signal: options.signal })).sort(byName);
    return options.detail ? entries : entries.map((entry) => entry.name);
  }

  /** Describes one file or directory; throws {@link NotFoundError} when absent. */
  info(path: string, options: IoOptions = {}): Promise<FileInfo> {
    return describe(this.backend, this.path(path), options);
  }

  /** Whether anything exists at `path`. */
  async exists(path: string, options: IoOptions = {}): Promise<boolean> {
    return (await describeOrUndefined(this.backend, this.path(path), options)) !== undefined;
  }

  /** Whether `path` is a file. */
  async isFile(path: string, options: IoOptions = {}): Promise<boolean> {
    return (await describeOrUndefined(this.backend, this.path(path), options))?.type === "file";
  }

  /** Whether `path` is a directory (or a prefix holding objects). */
  async isDir(path: string, options: IoOptions = {}): Promise<boolean> {
    return (await describeOrUndefined(this.backend, this.path(path), options))?.type === "directory";
  }

  /**
   * Every file below `path` (and directories with `withDirs`), sorted. A file finds itself. A
   * path ending with `/` is listed straight away, without a request to describe it first.
   */
  find(path: string, options: FindOptions & { detail: true }): Promise<FileInfo[]>;
  find(path: string, options?: FindOptions & { detail?: false }): Promise<string[]>;
  async find(path: string, options: FindOptions & { detail?: boolean } = {}): Promise<FileInfo[] | string[]> {
    const root = this.path(path);
    const tree = { ...options, concurrency: this.plan.concurrency };
    const found =
      (path.endsWith("/") ? await findInFolder(this.backend, root, tree) : undefined) ?? (await findEntries(this.backend, root, tree));
    if (options.detail) await this.fillUnknownSizes(found, options);
    found.sort(byName);
    return options.detail ? found : found.map((entry) => entry.name);
  }

  /** Walks a tree level by level, top down, like `os.walk`; names sorted within each folder. */
  async *walk(path: string, options: FindOptions = {}): AsyncGenerator<WalkEntry> {
    for await (const level of walkTree(this.backend, this.path(path), { ...options, concurrency: this.plan.concurrency })) {
      for (const { root, entries } of level) {
        entries.sort(byName);
        yield {
          root,
          dirs: entries.filter((entry) => entry.type === "directory").map((entry) => baseName(entry.name)),
          files: entries.filter((entry) => entry.type === "file").map((entry) => baseName(entry.name)),
        };
      }
    }
  }

  /**
   * Paths matching a glob pattern, sorted. Only what the pattern needs is listed: the literal
   * root before the first wildcard, then one level per segment (levels in parallel), and a
   * recursive listing only below a `**`.
   */
  glob(pattern: string, options: GlobOptions & { detail: true }): Promise<FileInfo[]>;
  glob(pattern: string, options?: GlobOptions & { detail?: false }): Promise<string[]>;
  async glob(pattern: string, options: GlobOptions & { detail?: boolean } = {}): Promise<FileInfo[] | string[]> {
    const matches = await expandGlob(this.backend, this.path(pattern), { ...options, concurrency: this.plan.concurrency });
    matches.sort(byName);
    return options.detail ? matches : matches.map((entry) => entry.name);
  }

  /** Total size of the files below `path`, or a size per file with `total: false`. */
  du(path: string, options?: FindOptions & { total?: true }): Promise<number>;
  du(path: string, options: FindOptions & { total: false }): Promise<Record<string, number>>;
  async du(path: string, options: FindOptions & { total?: boolean } = {}): Promise<number | Record<string, number>> {
    const files = await this.find(path, { ...options, detail: true, withDirs: false });
    if (options.total === false) return Object.fromEntries(files.map((file) => [file.name, file.size]));
    return files.reduce((sum, file) => sum + file.size, 0);
  }

  /** The whole content of a file (decompressed with `compression`). */
  async cat(path: string, options: IoOptions & CompressionOptions = {}): Promise<Uint8Array> {
    return this.catFile(path, undefined, undefined, options);
  }

  /**
   * Bytes `[start, end)` of a file. A negative `start` or `end` counts from the end, as in
   * fsspec; a range past the end is clipped. A whole file is one request when it fits in the
   * first read (64 KiB); so is a range given in absolute offsets (`end` given, neither negative)
   * on a store whose ranged reads describe the object (HTTP, S3, Azure, memory, local files).
   */
  async catFile(path: string, start?: number, end?: number, options: IoOptions & CompressionOptions = {}): Promise<Uint8Array> {
    const compressed = resolveCompression(options.compression, this.url(path)) !== undefined;
    if (!compressed && start === undefined && end === undefined) return readWhole(this.opening, this.path(path), options);
    const range = compressed ? undefined : absoluteRange(start, end);
    if (range) {
      const [bytes] = (await readRangesUndescribed(this.backend, this.path(path), [range], this.opening.planning, options)) ?? [];
      if (bytes) return bytes;
    }
    const source = await this.open(path, { ...options, cache: compressed ? "first-block" : "none" });
    const [from, to] = resolveSlice(source.size, start, end);
    return source.read(from, to - from, options);
  }

  /**
   * Byte ranges of several files (or several ranges of one). The ranges of each file are read as
   * one planned batch (neighbours merged, all sent in parallel). A file whose ranges are all in
   * absolute offsets, on a store whose ranged reads describe the object, is read without being
   * described first, and the descriptions the replies bring must agree (a file replaced during
   * the batch is read again, opened and pinned); otherwise the file is opened first.
   */
  async catRanges(
    paths: readonly string[],
    starts: readonly (number | undefined)[],
    ends: readonly (number | undefined)[],
    options: IoOptions = {},
  ): Promise<Uint8Array[]> {
    if (paths.length !== starts.length || paths.length !== ends.length) {
      throw new RangeError("catRanges needs as many starts and ends as paths");
    }
    const byPath = new Map<string, number[]>();
    paths.forEach((path, i) => {
      const normalised = this.path(path);
      const indexes = byPath.get(normalised);
      if (indexes) indexes.push(i);
      else byPath.set(normalised, [i]);
    });
    const results = new Array<Uint8Array>(paths.length);
    await mapLimit([...byPath], this.plan.concurrency * 4, async ([path, indexes]) => {
      const absolute = indexes.map((i) => absoluteRange(starts[i], ends[i]));
      if (absolute.every((range) => range !== undefined)) {
        const bytes = await readRangesUndescribed(this.backend, path, absolute, this.opening.planning, options);
        if (bytes) {
          indexes.forEach((index, k) => {
            results[index] = bytes[k] as Uint8Array;
          });
          return;
        }
      }
      const source = await this.open(path, { ...options, cache: "none" });
      const ranges = indexes.map((i): ByteRange => {
        const [from, to] = resolveSlice(source.size, starts[i], ends[i]);
        return { offset: from, length: to - from };
      });
      const bytes = await source.readMany(ranges, options);
      indexes.forEach((index, k) => {
        results[index] = bytes[k] as Uint8Array;
      });
    });
    return results;
  }

  /**
   * Opens a file for random access, cached as `options` (or the filesystem's defaults) choose.
   * With the default `first-block` strategy, the open request also fetches the head of the
   * object. With `compression`, the source is the decompressed view (see
   * {@link CompressionOptions}); decompression sits above the stack, so the stats count the
   * compressed bytes that travel. Throws {@link IsADirectoryError} on a directory.
   */
  async open(path: string, options: IoOptions & CacheOptions & CompressionOptions = {}): Promise<ByteSource> {
    return withDecompression(await openSource(this.opening, this.path(path), options), options);
  }

  /** Writes bytes (or UTF-8 text) to a file, replacing it. */
  async pipe(path: string, data: Uint8Array | string, options: IoOptions = {}): Promise<void> {
    const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
    await this.writer(path).put(this.path(path), bytes, options);
  }

  /**
   * Uploads a local file, or a local folder with `recursive`, to `remotePath`. A file whose
   * target ends with `/` lands below it under its own name. Files are written concurrently; a
   * folder's tree is kept below `remotePath`. When one file fails, the call rejects as
   * {@link FileSystem.get} does.
   */
  async put(localPath: string, remotePath: string, options: TransferOptions = {}): Promise<void> {
    return localDisk("put").putFromLocal(this.backend, localPath, this.path(remotePath), remotePath.endsWith("/"), this.plan, options);
  }

  /**
   * Downloads a file, or a whole folder or prefix with `recursive`, to local disk. A file whose
   * target is an existing folder, or ends with `/`, lands in it under its own name (as `cp`
   * does); a folder's files land below `localPath`. Each file is written to a temporary name
   * beside its target and renamed when complete (temporary files a killed run left are removed
   * first); keys that would land outside `localPath` are refused before anything is written.
   * When one file fails, no other starts, those in flight are cancelled, and the call rejects
   * once they have settled, with a {@link TransferError} naming the files completed. With
   * `recursive`, a remote path ending with `/` is listed without a request to describe it first.
   */
  async get(remotePath: string, localPath: string, options: TransferOptions = {}): Promise<void> {
    const openStored = (path: string, io: IoOptions): Promise<ByteSource> => openSource(this.opening, path, { ...io, cache: "none" });
    const plan = { ...this.plan, openStored, namedFolder: remotePath.endsWith("/") };
    return localDisk("get").getToLocal(this.backend, this.path(remotePath), localPath, plan, options);
  }

  /** Deletes a file, or a folder or prefix and everything below it with `recursive`. */
  async rm(path: string, options: RecursiveOptions = {}): Promise<void> {
    const target = this.path(path);
    const writer = this.writer(target);
    const info = await describe(this.backend, target, options);
    if (info.type === "file") {
      await writer.delete([target], options);
      return;
    }
    if (!options.recursive) throw new IsADirectoryError("use recursive to delete a directory", { url: this.url(target) });
    const entries = await findEntries(
      this.backend,
      target,
      { withDirs: true, signal: options.signal, concurrency: this.plan.concurrency },
      info,
    );
    const files = entries.filter((entry) => entry.type === "file").map((entry) => entry.name);
    const batches: string[][] = [];
    for (let i = 0; i < files.length; i += DELETE_BATCH) batches.push(files.slice(i, i + DELETE_BATCH));
    await mapLimit(batches, this.plan.concurrency, (batch) => writer.delete(batch, options));
    const removeDirectory = writer.removeDirectory?.bind(writer);
    if (removeDirectory) {
      const dirs = entries.filter((entry) => entry.type === "directory").map((entry) => entry.name);
      dirs.sort((a, b) => b.length - a.length);
      for (const dir of [...dirs, target]) await removeDirectory(dir, options);
    }
  }

  /** Copies a file, or a folder or prefix with `recursive`, inside this filesystem. */
  async copy(source: string, target: string, options: RecursiveOptions = {}): Promise<void> {
    const from = this.path(source);
    const to = this.path(target);
    const writer = this.writer(to);
    const info = await describe(this.backend, from, options);
    const pairs: Array<[string, string]> = [];
    if (info.type === "directory") {
      if (!options.recursive) throw new IsADirectoryError("use recursive to copy a directory", { url: this.url(from) });
      const files = await findEntries(this.backend, from, { signal: options.signal, concurrency: this.plan.concurrency }, info);
      for (const file of files.sort(byName)) pairs.push([file.name, joinPath(to, relativePath(from, file.name))]);
    } else {
      pairs.push([from, to]);
    }
    await mapLimit(pairs, this.plan.concurrency, async ([src, dst]) => {
      if (writer.copy) await writer.copy(src, dst, options);
      else await writer.put(dst, await this.cat(src, options), options);
    });
  }

  /** Moves a file or (with `recursive`) a folder: a copy, then a delete of the source. */
  async move(source: string, target: string, options: RecursiveOptions = {}): Promise<void> {
    await this.copy(source, target, options);
    await this.rm(source, options);
  }

  /** Creates a directory and its parents. A no-op on stores whose directories are prefixes. */
  async mkdir(path: string, options: IoOptions = {}): Promise<void> {
    await this.backend.writer?.makeDirectory?.(this.path(path), options);
  }

  /**
   * Releases the backend's connections. A shared instance (see `filesystem`) also leaves the
   * instance cache, so the next call with the same options builds a new one. Closing twice is
   * harmless.
   */
  close(): Promise<void> {
    forgetInstance(this);
    this.closing ??= this.backend.close?.() ?? Promise.resolve();
    return this.closing;
  }

  private writer(path: string): NonNullable<Backend["writer"]> {
    const writer = this.backend.writer;
    if (!writer) throw new NotSupportedError(`${this.protocol}:// is read-only`, { url: this.url(path) });
    return writer;
  }

  private async fillUnknownSizes(entries: FileInfo[], options: IoOptions): Promise<void> {
    const unknown = entries.filter((entry) => entry.type === "file" && entry.size < 0);
    const infos = await mapLimit(unknown, this.plan.concurrency, (entry) => describe(this.backend, entry.name, options));
    for (const [i, entry] of unknown.entries()) Object.assign(entry, infos[i]);
  }
}

/** Resolves fsspec-style `start`/`end` (negative counts from the end) against a size. */
export function resolveSlice(size: number, start?: number, end?: number): [number, number] {
  const clamp = (value: number): number => Math.min(size, Math.max(0, value < 0 ? size + value : value));
  const from = clamp(start ?? 0);
  const to = clamp(end ?? size);
  return [from, Math.max(from, to)];
}

function byName(a: FileInfo, b: FileInfo): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
