/**
 * Streaming download of one object to a local file: parts fetched in parallel, written in order,
 * memory bounded by the parts in flight, never by the object's size.
 * @module
 */
import { mkdir, open as openLocal, rename, rm } from "node:fs/promises";
import { dirname } from "node:path";
import type { Backend, FileInfo } from "./backend.js";
import type { IoOptions } from "./byte-source.js";
import type { WeightedSemaphore } from "./concurrency.js";
import { throwIfAborted } from "./errors.js";
import { localFileError } from "./local-errors.js";
import { partialPath } from "./partial-files.js";
import { type PinnedReadOptions, readHead, readRange } from "./reads.js";
import { writeNewFile } from "./whole-file.js";

/**
 * Bytes asked for by the first read of an object whose size is unknown: small objects come
 * whole, and many such reads fit in the bytes-in-flight budget at once.
 */
const FIRST_READ = 256 * 1024;

/** How {@link downloadObject} moves bytes. */
export interface DownloadPlan extends IoOptions {
  /** Bytes per ranged read. */
  partSize: number;
  /** Parts of this object in flight at once. */
  partsInFlight: number;
  /** Bytes in flight shared with other downloads (each part holds its length until written). */
  bytesInFlight?: WeightedSemaphore;
  /** Called once the object's size is known (at once when `known`, else after the first read). */
  onSize?: (size: number) => void;
  /** Called after each part is written, with its length. */
  onBytes?: (bytes: number) => void;
  /** The target's folder exists already (skips creating it). */
  folderExists?: boolean;
}

/**
 * Downloads the object `file` names to `localPath`. When `file` carries a trustworthy size, parts
 * are read straight away; otherwise the first 256 KiB are read with one ranged get, which also
 * gives the size and ETag (one request for a small object). An object that one read brings whole
 * (at most 256 KiB) is written with one call that creates the target (see {@link writeNewFile});
 * other bytes go to a temporary name beside the target, renamed when complete and removed on
 * failure, so a partial file never looks complete; local disk errors are skyfs errors naming
 * `localPath`. Every part is pinned to the object's ETag.
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
  let info = file;
  let first: Uint8Array | undefined;
  const headSize = Math.min(plan.partSize, FIRST_READ);
  if (!known || (file.size > 0 && file.size <= headSize)) {
    const release = await plan.bytesInFlight?.acquire(known ? file.size : headSize);
    try {
      if (known) first = await readRange(backend, file.name, 0, file.size, pinnedTo(file, plan.signal));
      else ({ info, head: first } = await readHead(backend, file.name, headSize, { signal: plan.signal }));
    } finally {
      release?.();
    }
  }
  plan.onSize?.(info.size);
  const url = backend.toUrl(file.name);
  if (first && first.length >= info.size) {
    throwIfAborted(plan.signal, url);
    if (await local(writeNewFile(localPath, first))) {
      plan.onBytes?.(first.length);
      return;
    }
  }
  const temporary = partialPath(localPath);
  const handle = await local(openLocal(temporary, "w"));
  const held: Array<() => void> = [];
  try {
    let written = 0;
    if (first) {
      await local(handle.write(first, 0, first.length, 0));
      plan.onBytes?.(first.length);
      written = first.length;
    }
    const partCount = Math.ceil((info.size - written) / plan.partSize);
    const inFlight: Array<Promise<{ bytes: Uint8Array; release: (() => void) | undefined }>> = [];
    let launched = 0;
    const launch = (): void => {
      if (launched >= partCount) return;
      const offset = written + launched++ * plan.partSize;
      const length = Math.min(plan.partSize, info.size - offset);
      const part = (async () => {
        const release = await plan.bytesInFlight?.acquire(length);
        if (release) held.push(release);
        const bytes = await readRange(backend, info.name, offset, length, pinnedTo(info, plan.signal));
        return { bytes, release };
      })();
      part.catch(() => undefined);
      inFlight.push(part);
    };
    for (let i = 0; i < Math.max(1, plan.partsInFlight); i++) launch();
    for (let done = 0; done < partCount; done++) {
      throwIfAborted(plan.signal, url);
      const { bytes, release } = await (inFlight.shift() as Promise<{ bytes: Uint8Array; release: (() => void) | undefined }>);
      launch();
      await local(handle.write(bytes, 0, bytes.length, written + done * plan.partSize));
      release?.();
      plan.onBytes?.(bytes.length);
    }
    await local(handle.close());
    await local(rename(temporary, localPath));
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(temporary, { force: true });
    throw error;
  } finally {
    for (const release of held) release();
  }
}

/** Options of a read pinned to the object `info` describes: the store refuses it if the object changed. */
function pinnedTo(info: FileInfo, signal: AbortSignal | undefined): PinnedReadOptions {
  return { signal, ifMatch: info.etag, version: info.version, lastModified: info.mtime, expectedSize: info.size };
}
