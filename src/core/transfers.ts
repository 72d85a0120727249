/**
 * Transfers between a backend and local disk: `get` (a file or a whole prefix, streamed, with
 * progress) and `put` (a file or a folder).
 * @module
 */
import { mkdir, readdir, readFile, stat as statLocal } from "node:fs/promises";
import { basename as basenameLocal, dirname, join as joinLocal, relative as relativeLocal, sep } from "node:path";
import type { Backend, FileInfo } from "./backend.js";
import type { ByteSource, IoOptions } from "./byte-source.js";
import { resolveCompression, stripCompressionSuffix } from "./compression/codecs.js";
import { decodeToFile } from "./compression/decode-to-file.js";
import type { CompressionOptions } from "./compression/layer.js";
import { mapLimit, WeightedSemaphore } from "./concurrency.js";
import { downloadObject, largestWholeRead, mayComeWhole } from "./download.js";
import { InvalidArgumentError, IsADirectoryError, NotSupportedError, throwIfAborted } from "./errors.js";
import { FileWriterThread } from "./file-writer-thread.js";
import { localFileError, localFolderError } from "./local-errors.js";
import { removeStalePartials } from "./partial-files.js";
import { baseName, joinPath, relativePath } from "./paths.js";
import { describe } from "./reads.js";
import { ReusedArrays } from "./reused-arrays.js";
import { localPathsUnder, safeLocalPath } from "./safe-path.js";
import { runTransferBatch } from "./transfer-batch.js";
import { findEntries, findInFolder } from "./tree.js";

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

/** Options of `get` and `put`. */
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

/**
 * Files of a `get` that one read may bring whole (at most 256 KiB, or of unknown size) from which
 * they are created by a thread of their own (see {@link FileWriterThread}) instead of the thread
 * pool. Starting the thread costs about 65 ms of CPU; on a loaded machine it saves about 0.19 ms
 * of CPU a file (scenario 4), so below this count it costs more than it saves.
 */
const WRITER_THREAD_FILES = 256;

/** How a filesystem moves files. */
export interface TransferPlan {
  /** Files of a `put` at once, and listings at once while expanding a folder. */
  concurrency: number;
  /** Files of a `get` at once. */
  downloads: number;
  /** Bytes per ranged read of a download. */
  partSize: number;
  /** Parts of one download in flight. */
  partsInFlight: number;
}

/**
 * Downloads a file, or a whole folder or prefix with `recursive`, to local disk. A file whose
 * target is an existing folder, or ends with `/`, lands in it under its own name (as `cp` does);
 * a folder's files land below `localPath`. Each file is written to a temporary name beside its
 * target and renamed when complete (temporary files a killed run left are removed first), except
 * a new file that one read brings whole, created with one call: its write is handed off, so that
 * its place among the files at once goes to the next file while it is written, and from 256 such
 * files on they are created by a thread of their own (see {@link FileWriterThread}). Keys that
 * would land outside `localPath` are refused before anything is written. A store whose paths
 * are URLs (HTTP) has its keys' percent-escapes decoded in the local names. When one file fails,
 * no other starts, those in flight are cancelled, and the call rejects once they have settled,
 * with a `TransferError` naming the files completed.
 */
export async function getToLocal(
  backend: Backend,
  source: string,
  localPath: string,
  plan: TransferPlan & {
    openStored: (path: string, options: IoOptions) => Promise<ByteSource>;
    /**
     * The caller named the source with a final `/`: with `recursive`, it is listed without being
     * described first.
     */
    namedFolder?: boolean;
  },
  options: TransferOptions = {},
): Promise<void> {
  const tree = { concurrency: plan.concurrency, signal: options.signal };
  const listed = plan.namedFolder && options.recursive ? await findInFolder(backend, source, tree) : undefined;
  const info: FileInfo = listed ? { name: source, type: "directory", size: 0 } : await describe(backend, source, options);
  const decode = /^[a-z][a-z0-9+.-]*:\/\//i.test(source);
  const jobs: Array<{ info: FileInfo; local: string; size: number }> = [];
  if (info.type === "directory") {
    if (!options.recursive) throw new IsADirectoryError("use recursive to download a folder", { url: backend.toUrl(source) });
    const files = listed ?? (await findEntries(backend, source, tree, info));
    const below = localPathsUnder(localPath);
    for (const file of files) {
      const key = decodedName(relativePath(source, file.name), options.compression);
      jobs.push({ info: file, local: below(decode ? decodeKey(key) : key, backend.toUrl(file.name)), size: file.size });
    }
    await mkdir(localPath, { recursive: true }).catch((error: unknown) => Promise.reject(localFolderError(error, localPath)));
  } else {
    const name = baseName(decode ? source.replace(/[?#].*$/, "") : source);
    jobs.push({ info, local: await localFileTarget(localPath, decode ? decodeKey(name) : name), size: info.size });
  }
  const progress = new ProgressTracker(jobs, options.onProgress);
  const folders = [...new Set(jobs.map((job) => dirname(job.local)))];
  await mapLimit(folders, plan.concurrency, (folder) =>
    mkdir(folder, { recursive: true }).catch((error: unknown) => Promise.reject(localFolderError(error, folder))),
  );
  await removeStalePartials(jobs.map((job) => job.local));
  const bytesInFlight = new WeightedSemaphore(plan.partSize * plan.partsInFlight);
  const batch = {
    concurrency: options.concurrency ?? plan.downloads,
    signal: options.signal,
    name: (job: (typeof jobs)[number]) => backend.toUrl(job.info.name),
  };
  const smallFiles = options.compression ? 0 : jobs.filter((job) => mayComeWhole(job.size, plan.partSize)).length;
  const writer = smallFiles >= WRITER_THREAD_FILES ? new FileWriterThread() : undefined;
  const arrays = new ReusedArrays(largestWholeRead(plan.partSize));
  try {
    await runTransferBatch(jobs, batch, async (job, signal, handOff) => {
      throwIfAborted(signal, backend.toUrl(job.info.name));
      const compression = resolveCompression(options.compression, job.info.name);
      if (compression) {
        const stored = await plan.openStored(job.info.name, { signal });
        await decodeToFile(stored, compression, job.local, { signal, onRead: (bytes) => progress.add(job.info.name, bytes) });
        progress.fileDone(job.info.name);
        return;
      }
      let handedOff = false;
      await downloadObject(backend, job.info, job.info.size >= 0, job.local, {
        partSize: plan.partSize,
        partsInFlight: plan.partsInFlight,
        bytesInFlight,
        folderExists: true,
        signal,
        onSize: (size) => progress.sizeKnown(job, size),
        onBytes: (bytes) => progress.add(job.info.name, bytes),
        createFile: writer?.write,
        arrays,
        handOff: (written) => {
          handedOff = true;
          handOff(written.then(() => progress.fileDone(job.info.name)));
        },
      });
      if (!handedOff) progress.fileDone(job.info.name);
    });
  } finally {
    await writer?.close();
  }
}

/**
 * Uploads a local file, or a local folder with `recursive`, to `target`. A file lands below
 * `target` under its own name when `intoFolder` (the target was written with a trailing `/`).
 * Files are written concurrently; a folder's tree is kept below `target`. When one file fails,
 * the call rejects as {@link getToLocal} does.
 */
export async function putFromLocal(
  backend: Backend,
  localPath: string,
  target: string,
  intoFolder: boolean,
  plan: TransferPlan,
  options: TransferOptions = {},
): Promise<void> {
  if (options.compression !== undefined && options.compression !== null) {
    throw new InvalidArgumentError("put uploads bytes as they are: the compression option is for get", { url: localPath });
  }
  const writer = backend.writer;
  if (!writer) throw new NotSupportedError(`${backend.protocol}:// is read-only`, { url: backend.toUrl(target) });
  const localInfo = await statLocal(localPath).catch((error: unknown) => Promise.reject(localFileError(error, localPath)));
  const jobs: Array<{ local: string; remote: string; size: number }> = [];
  if (localInfo.isDirectory()) {
    if (!options.recursive) throw new IsADirectoryError("use recursive to upload a folder", { url: localPath });
    for (const file of await listLocalFiles(localPath)) {
      const key = relativeLocal(localPath, file.path).split(sep).join("/");
      jobs.push({ local: file.path, remote: joinPath(target, key), size: file.size });
    }
  } else {
    jobs.push({ local: localPath, remote: intoFolder ? joinPath(target, basenameLocal(localPath)) : target, size: localInfo.size });
  }
  const progress = new ProgressTracker(jobs, options.onProgress);
  const batch = {
    concurrency: options.concurrency ?? plan.concurrency,
    signal: options.signal,
    name: (job: (typeof jobs)[number]) => job.local,
  };
  await runTransferBatch(jobs, batch, async (job, signal) => {
    throwIfAborted(signal, job.local);
    const data = new Uint8Array(await readFile(job.local).catch((error: unknown) => Promise.reject(localFileError(error, job.local))));
    await writer.put(job.remote, data, { ...options, signal });
    progress.add(job.remote, data.length);
    progress.fileDone(job.remote);
  });
}

/** A downloaded key's local name: without its compression suffix when the file is decompressed. */
function decodedName(key: string, compression: CompressionOptions["compression"]): string {
  return resolveCompression(compression, key) ? stripCompressionSuffix(key) : key;
}

function decodeKey(key: string): string {
  if (!key.includes("%")) return key;
  return key
    .split("/")
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    })
    .join("/");
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
