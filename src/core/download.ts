/**
 * Streaming download of one object to a local file: parts fetched in parallel, each streamed to
 * its place in the file as its reply arrives (positional writes, no part assembled in memory),
 * with the bytes waiting to be written bounded, never by the object's size.
 * @module
 */
import { mkdir, open as openLocal, rename, rm } from "node:fs/promises";
import { dirname } from "node:path";
import type { Backend, FileInfo } from "./backend.js";
import type { IoOptions } from "./byte-source.js";
import type { WeightedSemaphore } from "./concurrency.js";
import { throwIfAborted } from "./errors.js";
import { FileSink, type HeldBytes } from "./file-sink.js";
import { localFileError } from "./local-errors.js";
import { partialPath } from "./partial-files.js";
import { readHead, readRange, streamRange } from "./reads.js";
import type { ReusedArrays } from "./reused-arrays.js";
import type { HandOff } from "./transfer-batch.js";
import { writeNewFile } from "./whole-file.js";

/**
 * Bytes asked for by the first read of an object whose size is unknown: small objects come
 * whole, and many such reads fit in the bytes-in-flight budget at once.
 */
const FIRST_READ = 256 * 1024;

/**
 * Bytes of one download received and not yet written above which its replies are paused until
 * the disk catches up. Several writes stay in progress below it, so that the disk never waits
 * for the network or the other way round.
 */
export const WRITE_BEHIND = 4 * 1024 * 1024;

/** How {@link downloadObject} moves bytes. */
export interface DownloadPlan extends IoOptions {
  /** Bytes per ranged read. */
  partSize: number;
  /** Parts of this object in flight at once. */
  partsInFlight: number;
  /** Bytes in flight shared with other downloads (each part counts its length while it is read). */
  bytesInFlight?: WeightedSemaphore;
  /** Called once the object's size is known (at once when `known`, else after the first read). */
  onSize?: (size: number) => void;
  /** Called as bytes reach the file, with their count. */
  onBytes?: (bytes: number) => void;
  /** The target's folder exists already (skips creating it). */
  folderExists?: boolean;
  /** Counts the bytes the download holds, received and not yet written. */
  held?: HeldBytes;
  /** Creates a file whole as {@link writeNewFile} does (the default): used for objects one read brings whole. */
  createFile?: (path: string, bytes: Uint8Array) => Promise<boolean>;
  /**
   * Takes the write of an object one read brought whole, so that the caller may go on to its
   * next object while the bytes are written (see {@link HandOff}).
   */
  handOff?: HandOff;
  /**
   * Arrays the first read of each object lands in, taken back once an object it brought whole is
   * written (see {@link ReusedArrays}): shared by the downloads of one call.
   */
  arrays?: ReusedArrays;
}

/**
 * Downloads the object `file` names to `localPath`. When `file` already carries a trustworthy
 * size, parts are read straight away; otherwise the first 256 KiB are read with one ranged get,
 * which also gives the size and ETag (one request for a small object). An object that one read
 * brings whole (at most 256 KiB, whether its size was known or not) is written with one call that
 * creates the target (see {@link writeNewFile}), without a temporary name; with
 * {@link DownloadPlan.handOff}, that write is handed off and the call returns once the object is
 * read, its bytes counted in `bytesInFlight` until written. Every part is pinned to the object's
 * ETag (or version, modification time and size) and streamed to its place in the file; a part
 * cut short is resumed by the retry layer from its last byte received. Bytes go to a temporary
 * name beside the target, renamed when complete and removed on failure, so a partial file never
 * looks complete; local disk errors are skyfs errors naming `localPath`. When one part fails,
 * the others are cancelled and the first failure is thrown.
 */
export async function downloadObject(
  backend: Backend,
  file: FileInfo,
  known: boolean,
  localPath: string,
  plan: DownloadPlan,
): Promise<void> {
  if (!plan.folderExists) await onLocalFile(mkdir(dirname(localPath), { recursive: true }), localPath);
  let info = file;
  let first: Uint8Array | undefined;
  const headSize = largestWholeRead(plan.partSize);
  if (!known || (file.size > 0 && file.size <= headSize)) {
    const release = await plan.bytesInFlight?.acquire(known ? file.size : headSize);
    const memory = plan.arrays?.take;
    try {
      if (known) first = await readRange(backend, file.name, 0, file.size, { ...pinOf(file), signal: plan.signal, memory });
      else ({ info, head: first } = await readHead(backend, file.name, headSize, { signal: plan.signal, memory }));
    } finally {
      release?.();
    }
  }
  plan.onSize?.(info.size);
  if (first && first.length >= info.size) {
    const whole = first;
    const write = (): Promise<void> => writeWhole(backend, info, localPath, whole, plan).finally(() => plan.arrays?.giveBack(whole));
    throwIfAborted(plan.signal, backend.toUrl(file.name));
    if (!plan.handOff) return write();
    const release = await plan.bytesInFlight?.acquire(whole.length);
    plan.handOff(write().finally(() => release?.()));
    return;
  }
  await writeThroughTemporary(backend, info, localPath, first, plan);
}

/** Whether an object of `size` bytes (-1: not known) may come whole with the first read of a download. */
export function mayComeWhole(size: number, partSize: number): boolean {
  return size <= largestWholeRead(partSize);
}

/** The most bytes the first read of a download asks for with parts of `partSize`: an object that long or shorter may come whole. */
export function largestWholeRead(partSize: number): number {
  return Math.min(partSize, FIRST_READ);
}

/**
 * Writes an object read whole in one call that creates the target, or, when the target exists,
 * through a temporary name that replaces it once complete.
 */
async function writeWhole(backend: Backend, info: FileInfo, localPath: string, bytes: Uint8Array, plan: DownloadPlan): Promise<void> {
  if (await onLocalFile((plan.createFile ?? writeNewFile)(localPath, bytes), localPath)) {
    plan.onBytes?.(bytes.length);
    return;
  }
  await writeThroughTemporary(backend, info, localPath, bytes, plan);
}

/**
 * Writes `first` (the object's first bytes, if read already) and then the object's other parts,
 * read in parallel, to a temporary name beside `localPath`, renamed to it when complete.
 */
async function writeThroughTemporary(
  backend: Backend,
  info: FileInfo,
  localPath: string,
  first: Uint8Array | undefined,
  plan: DownloadPlan,
): Promise<void> {
  const url = backend.toUrl(info.name);
  const temporary = partialPath(localPath);
  const handle = await onLocalFile(openLocal(temporary, "w"), localPath);
  const sink = new FileSink(handle, localPath, { writeBehind: WRITE_BEHIND, held: plan.held, onWritten: plan.onBytes });
  const cancel = new AbortController();
  const signal = plan.signal ? AbortSignal.any([plan.signal, cancel.signal]) : cancel.signal;
  let failure: { error: unknown } | undefined;
  try {
    let start = 0;
    if (first) {
      await sink.write(first, 0);
      start = first.length;
    }
    const partCount = Math.ceil((info.size - start) / plan.partSize);
    let next = 0;
    const pin = pinOf(info);
    const lane = async (): Promise<void> => {
      while (next < partCount) {
        throwIfAborted(signal, url);
        const offset = start + next++ * plan.partSize;
        const length = Math.min(plan.partSize, info.size - offset);
        const release = await plan.bytesInFlight?.acquire(length);
        try {
          await streamRange(backend, info.name, offset, length, sink.write, { ...pin, signal });
        } finally {
          release?.();
        }
      }
    };
    const lanes = Array.from({ length: Math.max(1, Math.min(plan.partsInFlight, partCount)) }, () =>
      lane().catch((error: unknown) => {
        failure ??= { error };
        cancel.abort();
      }),
    );
    await Promise.all(lanes);
    await sink.flush().catch((error: unknown) => {
      failure ??= { error };
    });
    if (failure) throw failure.error;
    await onLocalFile(handle.close(), localPath);
    await onLocalFile(rename(temporary, localPath), localPath);
  } catch (error) {
    await sink.flush().catch(() => undefined);
    await handle.close().catch(() => undefined);
    await rm(temporary, { force: true });
    throw error;
  }
}

/** `operation` on the local file `path`, its failure as a skyfs error naming `path`. */
function onLocalFile<T>(operation: Promise<T>, path: string): Promise<T> {
  return operation.catch((error: unknown) => Promise.reject(localFileError(error, path)));
}

/** What pins a read to the object `info` describes: the store refuses the read if the object changed. */
function pinOf(info: FileInfo): { ifMatch?: string; version?: string; lastModified?: Date; expectedSize: number } {
  return { ifMatch: info.etag, version: info.version, lastModified: info.mtime, expectedSize: info.size };
}
