/**
 * Streaming download of one object to a local file: parts fetched in parallel, written in order,
 * memory bounded by part size times parts in flight, never by the object's size.
 * @module
 */
import { mkdir, open as openLocal, rename, rm } from "node:fs/promises";
import { dirname } from "node:path";
import type { Backend, FileInfo } from "./backend.js";
import type { IoOptions } from "./byte-source.js";
import { throwIfAborted } from "./errors.js";

/** How {@link downloadObject} moves bytes. */
export interface DownloadPlan extends IoOptions {
  /** Bytes per ranged read. */
  partSize: number;
  /** Parts in flight at once. */
  partsInFlight: number;
  /** Called after each part is written, with its length. */
  onBytes?: (bytes: number) => void;
}

/**
 * Downloads `info` (an object of `backend`) to `localPath`: the bytes go to a temporary name
 * beside the target, renamed when complete and removed on failure, so a partial file never
 * looks complete. Every part is pinned to the ETag in `info`.
 */
export async function downloadObject(backend: Backend, info: FileInfo, localPath: string, plan: DownloadPlan): Promise<void> {
  await mkdir(dirname(localPath), { recursive: true });
  const temporary = `${localPath}.skyfs-partial-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const handle = await openLocal(temporary, "w");
  const url = backend.toUrl(info.name);
  const partCount = Math.ceil(info.size / plan.partSize);
  const inFlight: Array<Promise<Uint8Array>> = [];
  let launched = 0;
  const launch = (): void => {
    if (launched >= partCount) return;
    const offset = launched++ * plan.partSize;
    const length = Math.min(plan.partSize, info.size - offset);
    const part = backend.readRange(info.name, offset, length, { signal: plan.signal, ifMatch: info.etag, version: info.version });
    part.catch(() => undefined);
    inFlight.push(part);
  };
  try {
    for (let i = 0; i < Math.max(1, plan.partsInFlight); i++) launch();
    for (let written = 0; written < partCount; written++) {
      throwIfAborted(plan.signal, url);
      const chunk = await (inFlight.shift() as Promise<Uint8Array>);
      launch();
      await handle.write(chunk, 0, chunk.length, written * plan.partSize);
      plan.onBytes?.(chunk.length);
    }
    await handle.close();
    await rename(temporary, localPath);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(temporary, { force: true });
    throw error;
  }
}
