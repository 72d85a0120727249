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
import { readHead, streamRange } from "./reads.js";

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
}

/**
 * Downloads the object `file` names to `localPath`. When `file` already carries a trustworthy
 * size, parts are read straight away; otherwise the first 256 KiB are read with one ranged get,
 * which also gives the size and ETag (one request for a small object). Every part is pinned to
 * the object's ETag (or version, modification time and size) and streamed to its place in the
 * file; a part cut short is resumed by the retry layer from its last byte received. Bytes go to
 * a temporary name beside the target, renamed when complete and removed on failure, so a
 * partial file never looks complete; local disk errors are skyfs errors naming `localPath`.
 * When one part fails, the others are cancelled and the first failure is thrown.
 */
export async function downloadObject(
  backend: Backend,
  file: FileInfo,
  known: boolean,
  localPath: string,
  plan: DownloadPlan,
): Promise<void> {
  const local = <T>(operation: Promise<T>): Promise<T> =>
    operation.catch((error: unknown) => Promise.reject(localFileError(error, localPath)));
  if (!plan.folderExists) await local(mkdir(dirname(localPath), { recursive: true }));
  const temporary = partialPath(localPath);
  const handle = await local(openLocal(temporary, "w"));
  const url = backend.toUrl(file.name);
  const sink = new FileSink(handle, localPath, { writeBehind: WRITE_BEHIND, held: plan.held, onWritten: plan.onBytes });
  const cancel = new AbortController();
  const signal = plan.signal ? AbortSignal.any([plan.signal, cancel.signal]) : cancel.signal;
  let failure: { error: unknown } | undefined;
  try {
    let info = file;
    let start = 0;
    if (!known) {
      const headSize = Math.min(plan.partSize, FIRST_READ);
      const release = await plan.bytesInFlight?.acquire(headSize);
      let first: Uint8Array;
      try {
        ({ info, head: first } = await readHead(backend, file.name, headSize, { signal }));
      } finally {
        release?.();
      }
      await sink.write(first, 0);
      start = first.length;
    }
    plan.onSize?.(info.size);
    const partCount = Math.ceil((info.size - start) / plan.partSize);
    let next = 0;
    const pin = { ifMatch: info.etag, version: info.version, lastModified: info.mtime, expectedSize: info.size };
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
    await local(handle.close());
    await local(rename(temporary, localPath));
  } catch (error) {
    await sink.flush().catch(() => undefined);
    await handle.close().catch(() => undefined);
    await rm(temporary, { force: true });
    throw error;
  }
}
