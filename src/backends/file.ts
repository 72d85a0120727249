/**
 * The `file://` backend (also bare paths): the local disk.
 * @module
 */

import type { Stats } from "node:fs";
import { copyFile, mkdir, open, readdir, rename, rm, rmdir, stat, unlink } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Backend, BackendWriter, FileInfo, GetOptions, GetResult } from "../core/backend.js";
import { ConsistencyError, IsADirectoryError, ProtocolError } from "../core/errors.js";
import { localFileError } from "../core/local-errors.js";
import { partialPath } from "../core/partial-files.js";
import { trimTrailingSlash } from "../core/paths.js";

/** The local-disk backend. Paths are absolute, with `/` separators. */
export class LocalBackend implements Backend {
  readonly protocol = "file";
  readonly describesRanges = true;
  readonly writer: BackendWriter = {
    put: (path, data) => this.put(path, data),
    delete: async (paths) => {
      for (const path of paths) await unlink(path).catch((error: unknown) => rethrow(error, path));
    },
    copy: async (source, target) => {
      await mkdir(dirname(target), { recursive: true }).catch((error: unknown) => rethrow(error, target));
      await copyFile(source, target).catch((error: unknown) => rethrow(error, source));
    },
    makeDirectory: async (path) => {
      await mkdir(path, { recursive: true }).catch((error: unknown) => rethrow(error, path));
    },
    removeDirectory: async (path) => {
      await rmdir(path).catch((error: unknown) => rethrow(error, path));
    },
  };

  stripProtocol(urlOrPath: string): string {
    const path = /^file:/i.test(urlOrPath) ? fileURLToPath(urlOrPath) : urlOrPath;
    return trimTrailingSlash(resolve(path));
  }

  toUrl(path: string): string {
    return pathToFileURL(path).href;
  }

  async get(path: string, options: GetOptions = {}): Promise<GetResult> {
    if (options.head) return { info: describeLocal(path, await stat(path).catch((error: unknown) => rethrow(error, path))), bytes: EMPTY };
    const handle = await open(path, "r").catch((error: unknown) => rethrow(error, path));
    try {
      const stats = await handle.stat();
      const info = describeLocal(path, stats);
      if (info.type === "directory") throw new IsADirectoryError("is a directory", { url: path });
      if (options.ifMatch !== undefined && info.etag !== options.ifMatch) {
        throw new ConsistencyError("the file changed since it was opened", { url: path });
      }
      const offset = options.range?.offset ?? 0;
      const length = Math.max(0, Math.min(options.range?.length ?? stats.size, stats.size - offset));
      const buffer = new Uint8Array(length);
      let filled = 0;
      while (filled < length) {
        const { bytesRead } = await handle.read(buffer, filled, length - filled, offset + filled);
        if (bytesRead === 0) throw new ProtocolError(`file ended after ${offset + filled} bytes while reading`, { url: path });
        filled += bytesRead;
      }
      return { info, bytes: buffer };
    } finally {
      await handle.close();
    }
  }

  async list(path: string): Promise<FileInfo[]> {
    const stats = await stat(path).catch((error: unknown) => rethrow(error, path));
    if (!stats.isDirectory()) return [describeLocal(path, stats)];
    const names = await readdir(path).catch((error: unknown) => rethrow(error, path));
    const entries = await Promise.all(
      names.map((name) => {
        const child = path === "/" ? `/${name}` : `${path}/${name}`;
        return stat(child).then(
          (found) => describeLocal(child, found),
          () => undefined,
        );
      }),
    );
    return entries.filter((entry): entry is FileInfo => entry !== undefined);
  }

  private async put(path: string, data: Uint8Array): Promise<void> {
    await mkdir(dirname(path), { recursive: true }).catch((error: unknown) => rethrow(error, path));
    const temporary = partialPath(path);
    try {
      const handle = await open(temporary, "w");
      try {
        await handle.writeFile(data);
      } finally {
        await handle.close();
      }
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true });
      rethrow(error, path);
    }
  }
}

const EMPTY = new Uint8Array(0);

function describeLocal(path: string, stats: Stats): FileInfo {
  if (stats.isDirectory()) return { name: path, type: "directory", size: 0, mtime: stats.mtime };
  return { name: path, type: "file", size: stats.size, mtime: stats.mtime, etag: localEtag(stats) };
}

/** A change marker for a local file: its modification time and size. */
function localEtag(stats: Stats): string {
  return `${stats.mtimeMs.toString(36)}-${stats.size.toString(36)}`;
}

/** Throws the skyfs error for a failed local file operation. */
function rethrow(error: unknown, path: string): never {
  throw localFileError(error, path);
}
