/**
 * Transfers between a backend and local disk: `get` (a file or a whole prefix, streamed, with
 * progress) and `put` (a file or a folder).
 * @module
 */
import { mkdir, readdir, readFile, stat as statLocal } from "node:fs/promises";
import { dirname, join as joinLocal, relative as relativeLocal, sep } from "node:path";
import type { Backend, FileInfo } from "./backend.js";
import type { ByteSource, IoOptions } from "./byte-source.js";
import { resolveCompression, stripCompressionSuffix } from "./compression/codecs.js";
import { decodeToFile } from "./compression/decode-to-file.js";
import type { CompressionOptions } from "./compression/layer.js";
import { mapLimit, WeightedSemaphore } from "./concurrency.js";
import { downloadObject } from "./download.js";
import { InvalidArgumentError, IsADirectoryError, NotSupportedError, throwIfAborted } from "./errors.js";
import { joinPath, relativePath } from "./paths.js";
import { describe } from "./reads.js";
import { safeLocalPath } from "./safe-path.js";
import { findEntries } from "./tree.js";

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
  /** Copy a whole folder or prefix. Implied when the source is a directory. */
  recursive?: boolean;
  /** Transfers at once (default: the filesystem's concurrency). */
  concurrency?: number;
  /** Called as bytes move. */
  onProgress?: (progress: TransferProgress) => void;
}

/** How a filesystem moves files. */
export interface TransferPlan {
  /** Files at once (and listings at once while expanding a folder). */
  concurrency: number;
  /** Bytes per ranged read of a download. */
  partSize: number;
  /** Parts of one download in flight. */
  partsInFlight: number;
}

/**
 * Downloads a file, or a whole folder or prefix, to local disk. Each file is written to a
 * temporary name beside its target and renamed when complete; keys that would land outside
 * `localPath` are refused before anything is written. A store whose paths are URLs (HTTP) has
 * its keys' percent-escapes decoded in the local names.
 */
export async function getToLocal(
  backend: Backend,
  source: string,
  localPath: string,
  plan: TransferPlan & { openStored: (path: string, options: IoOptions) => Promise<ByteSource> },
  options: TransferOptions = {},
): Promise<void> {
  const info = await describe(backend, source, options);
  const jobs: Array<{ info: FileInfo; local: string; size: number }> = [];
  if (info.type === "directory") {
    const files = await findEntries(backend, source, { concurrency: plan.concurrency, signal: options.signal }, info);
    const decode = /^[a-z][a-z0-9+.-]*:\/\//i.test(source);
    for (const file of files) {
      const key = decodedName(relativePath(source, file.name), options.compression);
      jobs.push({ info: file, local: safeLocalPath(localPath, decode ? decodeKey(key) : key, backend.toUrl(file.name)), size: file.size });
    }
    await mkdir(localPath, { recursive: true });
  } else {
    jobs.push({ info, local: localPath, size: info.size });
  }
  const progress = new ProgressTracker(jobs, options.onProgress);
  const folders = [...new Set(jobs.map((job) => dirname(job.local)))];
  await mapLimit(folders, plan.concurrency, (folder) => mkdir(folder, { recursive: true }));
  const bytesInFlight = new WeightedSemaphore(plan.partSize * plan.partsInFlight);
  await mapLimit(jobs, options.concurrency ?? plan.concurrency, async (job) => {
    throwIfAborted(options.signal, backend.toUrl(job.info.name));
    const compression = resolveCompression(options.compression, job.info.name);
    if (compression) {
      const stored = await plan.openStored(job.info.name, { signal: options.signal });
      await decodeToFile(stored, compression, job.local, { signal: options.signal, onRead: (bytes) => progress.add(job.info.name, bytes) });
      progress.fileDone();
      return;
    }
    await downloadObject(backend, job.info, job.info.size >= 0, job.local, {
      partSize: plan.partSize,
      partsInFlight: plan.partsInFlight,
      bytesInFlight,
      folderExists: true,
      signal: options.signal,
      onBytes: (bytes) => progress.add(job.info.name, bytes),
    });
    progress.fileDone();
  });
}

/**
 * Uploads a local file, or a local folder with `recursive`, to `target`. Files are written
 * concurrently; a folder's tree is kept below `target`.
 */
export async function putFromLocal(
  backend: Backend,
  localPath: string,
  target: string,
  plan: TransferPlan,
  options: TransferOptions = {},
): Promise<void> {
  if (options.compression !== undefined && options.compression !== null) {
    throw new InvalidArgumentError("put uploads bytes as they are: the compression option is for get", { url: localPath });
  }
  const writer = backend.writer;
  if (!writer) throw new NotSupportedError(`${backend.protocol}:// is read-only`, { url: backend.toUrl(target) });
  const localInfo = await statLocal(localPath);
  const jobs: Array<{ local: string; remote: string; size: number }> = [];
  if (localInfo.isDirectory()) {
    if (!options.recursive) throw new IsADirectoryError("use recursive to upload a folder", { url: localPath });
    for (const file of await listLocalFiles(localPath)) {
      const key = relativeLocal(localPath, file.path).split(sep).join("/");
      jobs.push({ local: file.path, remote: joinPath(target, key), size: file.size });
    }
  } else {
    jobs.push({ local: localPath, remote: target, size: localInfo.size });
  }
  const progress = new ProgressTracker(jobs, options.onProgress);
  await mapLimit(jobs, options.concurrency ?? plan.concurrency, async (job) => {
    throwIfAborted(options.signal, job.local);
    const data = new Uint8Array(await readFile(job.local));
    await writer.put(job.remote, data, options);
    progress.add(job.remote, data.length);
    progress.fileDone();
  });
}

/** A downloaded key's local name: without its compression suffix when the file is decompressed. */
function decodedName(key: string, compression: CompressionOptions["compression"]): string {
  return resolveCompression(compression, key) ? stripCompressionSuffix(key) : key;
}

function decodeKey(key: string): string {
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
  private readonly totalBytes: number;
  private readonly totalFiles: number;

  constructor(
    jobs: ReadonlyArray<{ size: number }>,
    private readonly onProgress: ((progress: TransferProgress) => void) | undefined,
  ) {
    this.totalBytes = jobs.some((job) => job.size < 0) ? 0 : jobs.reduce((sum, job) => sum + job.size, 0);
    this.totalFiles = jobs.length;
  }

  add(path: string, bytes: number): void {
    this.bytes += bytes;
    this.onProgress?.({ path, bytes: this.bytes, totalBytes: this.totalBytes, filesDone: this.filesDone, totalFiles: this.totalFiles });
  }

  fileDone(): void {
    this.filesDone++;
  }
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
