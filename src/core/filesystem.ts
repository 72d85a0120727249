/**
 * The user-facing filesystem: fsspec's vocabulary, written once over a backend's primitives.
 * @module
 */
import { mkdir, readdir, readFile, stat as statLocal } from "node:fs/promises";
import { basename as basenameLocal, dirname, join as joinLocal, relative as relativeLocal, sep } from "node:path";
import { type Backend, baseBackend, type FileInfo } from "./backend.js";
import { BackendByteSource } from "./backend-source.js";
import type { ByteRange, ByteSource, IoOptions } from "./byte-source.js";
import { BlockStore } from "./cache/block-store.js";
import { type FileCacheOptions, LocalFileCache } from "./cache/file-cache.js";
import { type CacheOptions, cachedSource, DEFAULT_CACHE, DEFAULT_HEAD_SIZE } from "./cache/strategy.js";
import { resolveCompression, stripCompressionSuffix } from "./compression/codecs.js";
import { decodeToFile } from "./compression/decode-to-file.js";
import { type CompressionOptions, withDecompression } from "./compression/layer.js";
import { mapLimit, Semaphore, WeightedSemaphore } from "./concurrency.js";
import { downloadObject } from "./download.js";
import { InvalidArgumentError, IsADirectoryError, NotFoundError, throwIfAborted } from "./errors.js";
import { hasMagic, pathMatcher, splitPattern } from "./glob.js";
import { localFileError, localFolderError } from "./local-errors.js";
import { removeStalePartials } from "./partial-files.js";
import { baseName, joinPath, parentPath, relativePath, trimTrailingSlash } from "./paths.js";
import type { RangePlanOptions } from "./range-plan.js";
import { safeLocalPath } from "./safe-path.js";
import { StatsBackend, type TransferSnapshot, TransferStats } from "./stats.js";
import { runTransferBatch } from "./transfer-batch.js";

/** Options of a {@link FileSystem}. */
export interface FileSystemOptions extends RangePlanOptions {
  /**
   * Files transferred and listings run at once by `get`, `put`, `rm`, `glob` (default 32). A
   * download's bytes in flight stay under `partSize x partsInFlight` whatever this is.
   */
  concurrency?: number;
  /** Size of the parts a download is read in (default 8 MiB). */
  partSize?: number;
  /** Parts of one download in flight at once (default 4). */
  partsInFlight?: number;
  /** Ranged reads in flight at once per host, all files of the filesystem together (default 256). */
  requestConcurrency?: number;
  /** Default cache options of {@link FileSystem.open}. */
  cacheDefaults?: CacheOptions;
  /** The block store of the `blocks` cache (default: one per filesystem, of `blockCacheCapacity` bytes). */
  blockStore?: BlockStore;
  /** Capacity in bytes of the filesystem's own block store (default 128 MiB). */
  blockCacheCapacity?: number;
  /** Keep whole objects on local disk, keyed by URL and ETag (`filecache::`); `true` for the default folder. */
  fileCache?: FileCacheOptions | boolean;
  /** Bytes this filesystem may receive in all before reads are refused (default: no limit). */
  byteBudget?: number;
  /** Counters to use (the registry passes the ones it placed under the retry layer). */
  stats?: TransferStats;
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

/** Progress of a `get` or `put`, reported after every chunk. */
export interface TransferProgress {
  /** The file the last chunk belonged to. */
  path: string;
  /** Bytes moved so far, all files together. */
  bytes: number;
  /** Bytes to move in all; 0 when some sizes are unknown before the transfer (HTTP folder listings). */
  totalBytes: number;
  /** Files completed so far. */
  filesDone: number;
  /** Files to move in all. */
  totalFiles: number;
}

/** Options of {@link FileSystem.get} and {@link FileSystem.put}. */
export interface TransferOptions extends IoOptions {
  /** `get` only: decompress while downloading (see {@link CompressionOptions.compression}); a folder's files lose their suffix. */
  compression?: CompressionOptions["compression"];
  /** Copy a whole folder or prefix (required when the source is one, as for `rm` and `copy`). */
  recursive?: boolean;
  /** Transfers at once (default: the filesystem's concurrency). */
  concurrency?: number;
  /** Called as bytes move. */
  onProgress?: (progress: TransferProgress) => void;
}

/** Options of {@link FileSystem.rm} and {@link FileSystem.copy}. */
export interface RecursiveOptions extends IoOptions {
  /** Act on a whole folder or prefix. */
  recursive?: boolean;
}

const DEFAULT_CONCURRENCY = 32;
const DEFAULT_PART_SIZE = 8 * 1024 * 1024;
const DEFAULT_PARTS_IN_FLIGHT = 4;
const DEFAULT_REQUEST_CONCURRENCY = 256;
const DELETE_BATCH = 1000;

/**
 * A filesystem over one backend. Every method accepts either the backend's path form
 * (`bucket/key`, `/tmp/x`) or a full URL of the same scheme.
 */
export class FileSystem {
  /** The backend this filesystem drives. */
  readonly backend: Backend;
  /** The shared blocks of the `blocks` cache strategy. */
  readonly blockStore: BlockStore;
  private readonly concurrency: number;
  private readonly partSize: number;
  private readonly partsInFlight: number;
  private readonly transfer: TransferStats;
  private readonly limiters = new Map<string, Semaphore>();
  private readonly fileCache: LocalFileCache | undefined;

  constructor(
    backend: Backend,
    private readonly options: FileSystemOptions = {},
  ) {
    this.transfer = options.stats ?? new TransferStats(options.byteBudget);
    this.backend = options.stats ? backend : new StatsBackend(backend, this.transfer);
    this.blockStore = options.blockStore ?? new BlockStore(options.blockCacheCapacity);
    this.concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    this.partSize = options.partSize ?? DEFAULT_PART_SIZE;
    this.partsInFlight = options.partsInFlight ?? DEFAULT_PARTS_IN_FLIGHT;
    const fileCache = options.fileCache;
    this.fileCache = fileCache ? new LocalFileCache(fileCache === true ? {} : fileCache) : undefined;
  }

  /** The store's own backend, below the retry and stats layers (e.g. to read an `S3Backend`'s endpoint). */
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

  /** Lists one level: entry names, or {@link FileInfo} objects with `detail: true`. */
  ls(path: string, options: IoOptions & { detail: true }): Promise<FileInfo[]>;
  ls(path: string, options?: IoOptions & { detail?: false }): Promise<string[]>;
  async ls(path: string, options: IoOptions & { detail?: boolean } = {}): Promise<FileInfo[] | string[]> {
    const entries = await this.listLevel(this.path(path), options);
    return options.detail ? entries : entries.map((entry) => entry.name);
  }

  /** Describes one file or directory; throws {@link NotFoundError} when absent. */
  info(path: string, options: IoOptions = {}): Promise<FileInfo> {
    return this.backend.info(this.path(path), options);
  }

  /** Whether anything exists at `path`. */
  async exists(path: string, options: IoOptions = {}): Promise<boolean> {
    try {
      await this.info(path, options);
      return true;
    } catch (error) {
      if (error instanceof NotFoundError) return false;
      throw error;
    }
  }

  /** Whether `path` is a file. */
  async isFile(path: string, options: IoOptions = {}): Promise<boolean> {
    return (await this.infoOrUndefined(path, options))?.type === "file";
  }

  /** Whether `path` is a directory (or a prefix holding objects). */
  async isDir(path: string, options: IoOptions = {}): Promise<boolean> {
    return (await this.infoOrUndefined(path, options))?.type === "directory";
  }

  /** Every file below `path` (and directories with `withDirs`), sorted. A file finds itself. */
  find(path: string, options: FindOptions & { detail: true }): Promise<FileInfo[]>;
  find(path: string, options?: FindOptions & { detail?: false }): Promise<string[]>;
  async find(path: string, options: FindOptions & { detail?: boolean } = {}): Promise<FileInfo[] | string[]> {
    const found = await this.findEntries(this.path(path), options);
    if (options.detail) await this.fillUnknownSizes(found, options);
    found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return options.detail ? found : found.map((entry) => entry.name);
  }

  /** Walks a tree level by level, top down, like `os.walk`. */
  async *walk(path: string, options: FindOptions = {}): AsyncGenerator<WalkEntry> {
    const maxDepth = options.maxDepth ?? Number.POSITIVE_INFINITY;
    const pending: Array<{ root: string; depth: number }> = [{ root: this.path(path), depth: 1 }];
    while (pending.length > 0) {
      const { root, depth } = pending.shift() as { root: string; depth: number };
      let entries: FileInfo[];
      try {
        entries = await this.listLevel(root, options);
      } catch (error) {
        if (error instanceof NotFoundError && depth > 1) continue;
        throw error;
      }
      const dirs = entries.filter((entry) => entry.type === "directory");
      yield {
        root,
        dirs: dirs.map((entry) => baseName(entry.name)),
        files: entries.filter((entry) => entry.type === "file").map((entry) => baseName(entry.name)),
      };
      if (depth < maxDepth) pending.push(...dirs.map((dir) => ({ root: dir.name, depth: depth + 1 })));
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
    const normalised = this.path(pattern);
    let matches: FileInfo[];
    if (!hasMagic(normalised)) {
      const info = await this.infoOrUndefined(normalised, options);
      matches = info ? [info] : [];
    } else {
      const { root, segments } = splitPattern(normalised);
      matches = await this.expandGlob(root, segments, options);
    }
    matches.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
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
   * fsspec; a range past the end is clipped.
   */
  async catFile(path: string, start?: number, end?: number, options: IoOptions & CompressionOptions = {}): Promise<Uint8Array> {
    const compressed = resolveCompression(options.compression, this.url(path)) !== undefined;
    const source = await this.open(path, { ...options, cache: compressed ? "first-block" : "none" });
    const [from, to] = resolveSlice(source.size, start, end);
    return source.read(from, to - from, options);
  }

  /**
   * Byte ranges of several files (or several ranges of one). Each file is opened once and its
   * ranges are read as one planned batch (neighbours merged, all sent in parallel).
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
      byPath.set(normalised, [...(byPath.get(normalised) ?? []), i]);
    });
    const results = new Array<Uint8Array>(paths.length);
    await mapLimit([...byPath], this.concurrency * 4, async ([path, indexes]) => {
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
   * object where the store allows it. With `compression`, the source is the decompressed view
   * (see {@link CompressionOptions}). Throws {@link IsADirectoryError} on a directory.
   */
  async open(path: string, options: IoOptions & CacheOptions & CompressionOptions = {}): Promise<ByteSource> {
    return withDecompression(await this.openStored(path, options), options);
  }

  private async openStored(path: string, options: IoOptions & CacheOptions): Promise<ByteSource> {
    const normalised = this.path(path);
    const cache = { ...this.options.cacheDefaults, ...definedOnly(options) };
    const strategy = cache.cache ?? DEFAULT_CACHE;
    let info: FileInfo | undefined;
    let head: Uint8Array | undefined;
    if (strategy === "first-block" && this.backend.readHead && !this.fileCache) {
      const read = await this.backend.readHead(normalised, cache.headSize ?? DEFAULT_HEAD_SIZE, options).catch(ignoreNotFoundAsUndefined);
      info = read?.info;
      head = read?.head;
    }
    info ??= await this.backend.info(normalised, options);
    if (info.type === "directory") throw new IsADirectoryError("cannot open a directory", { url: this.url(normalised) });
    const fileInfo = info;
    if (this.fileCache?.accepts(fileInfo)) {
      return this.fileCache.source(this.url(normalised), fileInfo, (local) =>
        downloadObject(this.backend, fileInfo, true, local, {
          partSize: this.partSize,
          partsInFlight: this.partsInFlight,
          signal: options.signal,
        }),
      );
    }
    const source = new BackendByteSource(this.backend, normalised, fileInfo, {
      mergeGap: this.options.mergeGap,
      maxPartSize: this.options.maxPartSize,
      limiter: this.limiterFor(this.url(normalised)),
    });
    return cachedSource(source, cache, this.blockStore, head);
  }

  /** Writes bytes (or UTF-8 text) to a file, replacing it. */
  async pipe(path: string, data: Uint8Array | string, options: IoOptions = {}): Promise<void> {
    const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
    await this.backend.write(this.path(path), bytes, options);
  }

  /**
   * Uploads a local file, or a local folder with `recursive`, to `remotePath`. A file whose
   * target ends with `/` lands below it under its own name. Files are written concurrently; a
   * folder's tree is kept below `remotePath`. When one file fails, the call rejects as
   * {@link FileSystem.get} does.
   */
  async put(localPath: string, remotePath: string, options: TransferOptions = {}): Promise<void> {
    if (options.compression !== undefined && options.compression !== null) {
      throw new InvalidArgumentError("put uploads bytes as they are: the compression option is for get", { url: localPath });
    }
    const target = this.path(remotePath);
    const localInfo = await statLocal(localPath).catch((error: unknown) => Promise.reject(localFileError(error, localPath)));
    const jobs: Array<{ local: string; remote: string; size: number }> = [];
    if (localInfo.isDirectory()) {
      if (!options.recursive) throw new IsADirectoryError("use recursive to upload a folder", { url: localPath });
      for (const file of await listLocalFiles(localPath)) {
        const key = relativeLocal(localPath, file.path).split(sep).join("/");
        jobs.push({ local: file.path, remote: joinPath(target, key), size: file.size });
      }
    } else {
      const intoFolder = remotePath.endsWith("/");
      jobs.push({ local: localPath, remote: intoFolder ? joinPath(target, basenameLocal(localPath)) : target, size: localInfo.size });
    }
    const progress = new ProgressTracker(jobs, options.onProgress);
    const batch = {
      concurrency: options.concurrency ?? this.concurrency,
      signal: options.signal,
      name: (job: (typeof jobs)[number]) => job.local,
    };
    await runTransferBatch(jobs, batch, async (job, signal) => {
      throwIfAborted(signal, job.local);
      const data = new Uint8Array(await readFile(job.local).catch((error: unknown) => Promise.reject(localFileError(error, job.local))));
      await this.backend.write(job.remote, data, { ...options, signal });
      progress.add(job.remote, data.length);
      progress.fileDone(job.remote);
    });
  }

  /**
   * Downloads a file, or a whole folder or prefix with `recursive`, to local disk. A file whose
   * target is an existing folder, or ends with `/`, lands in it under its own name (as `cp`
   * does); a folder's files land below `localPath`. Each file is written to a temporary name
   * beside its target and renamed when complete (temporary files a killed run left are removed
   * first); keys that would land outside `localPath` are refused before anything is written.
   * When one file fails, no other starts, those in flight are cancelled, and the call rejects
   * once they have settled, with a {@link TransferError} naming the files completed.
   */
  async get(remotePath: string, localPath: string, options: TransferOptions = {}): Promise<void> {
    const source = this.path(remotePath);
    const info = await this.backend.info(source, options);
    const jobs: Array<{ info: FileInfo; local: string; size: number }> = [];
    if (info.type === "directory") {
      if (!options.recursive) throw new IsADirectoryError("use recursive to download a folder", { url: this.url(source) });
      const files = await this.findEntries(source, { signal: options.signal });
      for (const file of files) {
        const key = decodedName(relativePath(source, file.name), options.compression);
        const localKey = this.backend.localKey ? this.backend.localKey(key) : key;
        jobs.push({ info: file, local: safeLocalPath(localPath, localKey, this.url(file.name)), size: file.size });
      }
      await mkdir(localPath, { recursive: true }).catch((error: unknown) => Promise.reject(localFolderError(error, localPath)));
    } else {
      const local = await localFileTarget(localPath, this.localName(source));
      jobs.push({ info, local, size: info.size });
    }
    const progress = new ProgressTracker(jobs, options.onProgress);
    const folders = [...new Set(jobs.map((job) => dirname(job.local)))];
    await mapLimit(folders, this.concurrency, (folder) =>
      mkdir(folder, { recursive: true }).catch((error: unknown) => Promise.reject(localFolderError(error, folder))),
    );
    await removeStalePartials(jobs.map((job) => job.local));
    const bytesInFlight = new WeightedSemaphore(this.partSize * this.partsInFlight);
    const batch = {
      concurrency: options.concurrency ?? this.concurrency,
      signal: options.signal,
      name: (job: (typeof jobs)[number]) => this.url(job.info.name),
    };
    await runTransferBatch(jobs, batch, async (job, signal) => {
      throwIfAborted(signal, this.url(job.info.name));
      const compression = resolveCompression(options.compression, job.info.name);
      if (compression) {
        const stored = await this.openStored(job.info.name, { cache: "none", signal });
        await decodeToFile(stored, compression, job.local, {
          signal,
          onRead: (bytes) => progress.add(job.info.name, bytes),
        });
        progress.fileDone(job.info.name);
        return;
      }
      const known = job.info.size >= 0 && (job.info.etag !== undefined || this.backend.directories === "real");
      await downloadObject(this.backend, job.info, known, job.local, {
        partSize: this.partSize,
        partsInFlight: this.partsInFlight,
        bytesInFlight,
        folderExists: true,
        signal,
        onSize: (size) => progress.sizeKnown(job, size),
        onBytes: (bytes) => progress.add(job.info.name, bytes),
      });
      progress.fileDone(job.info.name);
    });
  }

  /** Deletes a file, or a folder or prefix and everything below it with `recursive`. */
  async rm(path: string, options: RecursiveOptions = {}): Promise<void> {
    const target = this.path(path);
    const info = await this.backend.info(target, options);
    if (info.type === "file") {
      await this.backend.deleteFiles([target], options);
      return;
    }
    if (!options.recursive) throw new IsADirectoryError("use recursive to delete a directory", { url: this.url(target) });
    const entries = await this.findEntries(target, { withDirs: true, signal: options.signal });
    const files = entries.filter((entry) => entry.type === "file").map((entry) => entry.name);
    const batches: string[][] = [];
    for (let i = 0; i < files.length; i += DELETE_BATCH) batches.push(files.slice(i, i + DELETE_BATCH));
    await mapLimit(batches, this.concurrency, (batch) => this.backend.deleteFiles(batch, options));
    const removeDirectory = this.backend.removeDirectory?.bind(this.backend);
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
    const info = await this.backend.info(from, options);
    const pairs: Array<[string, string]> = [];
    if (info.type === "directory") {
      if (!options.recursive) throw new IsADirectoryError("use recursive to copy a directory", { url: this.url(from) });
      for (const file of await this.find(from, { signal: options.signal })) pairs.push([file, joinPath(to, relativePath(from, file))]);
    } else {
      pairs.push([from, to]);
    }
    await mapLimit(pairs, this.concurrency, async ([src, dst]) => {
      if (this.backend.copyFile) await this.backend.copyFile(src, dst, options);
      else await this.backend.write(dst, await this.cat(src, options), options);
    });
  }

  /** Moves a file or (with `recursive`) a folder: a copy, then a delete of the source. */
  async move(source: string, target: string, options: RecursiveOptions = {}): Promise<void> {
    await this.copy(source, target, options);
    await this.rm(source, options);
  }

  /** Creates a directory and its parents. A no-op on stores whose directories are prefixes. */
  async mkdir(path: string, options: IoOptions = {}): Promise<void> {
    await this.backend.makeDirectory?.(this.path(path), options);
  }

  /** Releases the backend's connections. */
  async close(): Promise<void> {
    await this.backend.close?.();
  }

  /** The local file name of a path: its last segment (without an HTTP query), as the store maps keys. */
  private localName(path: string): string {
    const name = this.protocol.startsWith("http") ? baseName(path.replace(/[?#].*$/, "")) : baseName(path);
    return this.backend.localKey ? this.backend.localKey(name) : name;
  }

  private listLevel(path: string, options: IoOptions): Promise<FileInfo[]> {
    return this.backend.list(path, { signal: options.signal });
  }

  private async infoOrUndefined(path: string, options: IoOptions): Promise<FileInfo | undefined> {
    try {
      return await this.info(path, options);
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
  }

  private async fillUnknownSizes(entries: FileInfo[], options: IoOptions): Promise<void> {
    const unknown = entries.filter((entry) => entry.type === "file" && entry.size < 0);
    const infos = await mapLimit(unknown, this.concurrency, (entry) => this.backend.info(entry.name, options));
    for (const [i, entry] of unknown.entries()) Object.assign(entry, infos[i]);
  }

  private async findEntries(path: string, options: FindOptions): Promise<FileInfo[]> {
    const info = await this.infoOrUndefined(path, options);
    if (!info) return [];
    if (info.type === "file") return [info];
    if (options.maxDepth === undefined && this.backend.directories === "prefix") {
      const files = await this.backend.list(path, { recursive: true, signal: options.signal });
      const found = files.filter((entry) => entry.type === "file");
      if (options.withDirs) found.push(...impliedDirectories(path, found));
      return found;
    }
    const found: FileInfo[] = [];
    for await (const level of this.walkEntries(path, options)) {
      for (const entry of level) if (entry.type === "file" || options.withDirs) found.push(entry);
    }
    return found;
  }

  private async *walkEntries(path: string, options: FindOptions): AsyncGenerator<FileInfo[]> {
    const maxDepth = options.maxDepth ?? Number.POSITIVE_INFINITY;
    let level = [path];
    for (let depth = 1; level.length > 0 && depth <= maxDepth; depth++) {
      const listings = await mapLimit(level, this.concurrency, (dir) => this.listLevel(dir, options).catch(ignoreNotFound));
      const entries = listings.flat();
      yield entries;
      level = entries.filter((entry) => entry.type === "directory").map((entry) => entry.name);
    }
  }

  private async expandGlob(root: string, segments: string[], options: GlobOptions): Promise<FileInfo[]> {
    const doubleStar = segments.indexOf("**");
    const hasDoubleStar = segments.some((segment) => segment.includes("**"));
    if (hasDoubleStar) {
      const literalDepth = doubleStar < 0 ? segments.length : doubleStar;
      const maxDepth = options.maxDepth === undefined ? undefined : literalDepth + options.maxDepth;
      const matcher = pathMatcher(joinPath(root, ...segments));
      const entries = await this.findEntries(root, { maxDepth, withDirs: true, signal: options.signal });
      return entries.filter((entry) => matcher(entry.name));
    }
    let level: FileInfo[] = [{ name: root, type: "directory", size: 0 }];
    for (const [i, segment] of segments.entries()) {
      const last = i === segments.length - 1;
      const parents = level.filter((entry) => entry.type === "directory");
      if (!hasMagic(segment)) {
        level = parents.map((entry) => ({ name: joinPath(entry.name, segment), type: "directory", size: 0 }));
        if (last)
          level = (await mapLimit(level, this.concurrency, (entry) => this.infoOrUndefined(entry.name, options))).filter(
            (entry): entry is FileInfo => entry !== undefined,
          );
        continue;
      }
      const matcher = pathMatcher(segment);
      const listings = await mapLimit(parents, this.concurrency, (entry) => this.listLevel(entry.name, options).catch(ignoreNotFound));
      level = listings.flat().filter((entry) => matcher(baseName(entry.name)));
    }
    return level;
  }

  private limiterFor(url: string): Semaphore {
    const host = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(url)?.[1] ?? "";
    let limiter = this.limiters.get(host);
    if (!limiter) {
      limiter = new Semaphore(this.options.requestConcurrency ?? DEFAULT_REQUEST_CONCURRENCY);
      this.limiters.set(host, limiter);
    }
    return limiter;
  }
}

/** Resolves fsspec-style `start`/`end` (negative counts from the end) against a size. */
export function resolveSlice(size: number, start?: number, end?: number): [number, number] {
  const clamp = (value: number): number => Math.min(size, Math.max(0, value < 0 ? size + value : value));
  const from = clamp(start ?? 0);
  const to = clamp(end ?? size);
  return [from, Math.max(from, to)];
}

/** A downloaded key's local name: without its compression suffix when the file is decompressed. */
function decodedName(key: string, compression: CompressionOptions["compression"]): string {
  return resolveCompression(compression, key) ? stripCompressionSuffix(key) : key;
}

function ignoreNotFoundAsUndefined(error: unknown): undefined {
  if (error instanceof NotFoundError) return undefined;
  throw error;
}

function definedOnly(options: CacheOptions): CacheOptions {
  const picked: CacheOptions = {};
  if (options.cache !== undefined) picked.cache = options.cache;
  if (options.blockSize !== undefined) picked.blockSize = options.blockSize;
  if (options.headSize !== undefined) picked.headSize = options.headSize;
  return picked;
}

function ignoreNotFound(error: unknown): FileInfo[] {
  if (error instanceof NotFoundError) return [];
  throw error;
}

function impliedDirectories(root: string, files: readonly FileInfo[]): FileInfo[] {
  const dirs = new Set<string>();
  for (const file of files) {
    for (let dir = parentPath(file.name); dir.length > root.length && dir.startsWith(root); dir = parentPath(dir)) {
      if (dirs.has(dir)) break;
      dirs.add(dir);
    }
  }
  return [...dirs].map((name) => ({ name, type: "directory", size: 0 }));
}

class ProgressTracker {
  private bytes = 0;
  private filesDone = 0;
  private totalBytes: number;
  private readonly totalFiles: number;
  private readonly unknownSizes: Set<object>;
  private knownBytes: number;

  constructor(
    jobs: ReadonlyArray<{ size: number }>,
    private readonly onProgress: ((progress: TransferProgress) => void) | undefined,
  ) {
    this.unknownSizes = new Set(jobs.filter((job) => job.size < 0));
    this.knownBytes = jobs.reduce((sum, job) => sum + Math.max(0, job.size), 0);
    this.totalBytes = this.unknownSizes.size > 0 ? 0 : this.knownBytes;
    this.totalFiles = jobs.length;
  }

  /** A job whose size the listing did not give has learnt it: once all are known, so is the total. */
  sizeKnown(job: object, size: number): void {
    if (!this.unknownSizes.delete(job)) return;
    this.knownBytes += size;
    if (this.unknownSizes.size === 0) this.totalBytes = this.knownBytes;
  }

  add(path: string, bytes: number): void {
    this.bytes += bytes;
    this.report(path);
  }

  fileDone(path: string): void {
    this.filesDone++;
    this.report(path);
  }

  private report(path: string): void {
    this.onProgress?.({ path, bytes: this.bytes, totalBytes: this.totalBytes, filesDone: this.filesDone, totalFiles: this.totalFiles });
  }
}

/**
 * The local file a single download goes to: `localPath` itself, or `name` inside it when it
 * ends with a separator (the folder is created) or is an existing folder.
 */
async function localFileTarget(localPath: string, name: string): Promise<string> {
  const intoFolder = /[/\\]$/.test(localPath) || (await statLocal(localPath).catch(() => undefined))?.isDirectory() === true;
  return intoFolder ? safeLocalPath(localPath, name) : localPath;
}

async function listLocalFiles(root: string): Promise<Array<{ path: string; size: number }>> {
  const files: Array<{ path: string; size: number }> = [];
  for (const entry of await readdir(root, { withFileTypes: true })) {
    const full = joinLocal(root, entry.name);
    if (entry.isDirectory()) files.push(...(await listLocalFiles(full)));
    else if (entry.isFile()) files.push({ path: full, size: (await statLocal(full)).size });
  }
  return files;
}
