/**
 * The `file://` backend (also bare paths): the local disk.
 * @module
 */

import type { Stats } from "node:fs";
import { copyFile, mkdir, open, readdir, rename, rm, rmdir, stat, unlink } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Backend, FileInfo, ReadRangeOptions } from "../core/backend.js";
import { ConsistencyError, ProtocolError } from "../core/errors.js";
import { localFileError } from "../core/local-errors.js";
import { partialPath } from "../core/partial-files.js";
import { trimTrailingSlash } from "../core/paths.js";

/** The local-disk backend. Paths are absolute, with `/` separators. */
export class LocalBackend implements Backend {
  readonly protocol = "file";
  readonly directories = "real";

  stripProtocol(urlOrPath: string): string {
    const path = /^file:/i.test(urlOrPath) ? fileURLToPath(urlOrPath) : urlOrPath;
    return trimTrailingSlash(resolve(path));
  }

  toUrl(path: string): string {
    return pathToFileURL(path).href;
  }

  async info(path: string): Promise<FileInfo> {
    const stats = await stat(path).catch((error: unknown) => rethrow(error, path));
    if (stats.isDirectory()) return { name: path, type: "directory", size: 0, mtime: stats.mtime };
    return {
      name: path,
      type: "file",
      size: stats.size,
      mtime: stats.mtime,
      etag: `${stats.mtimeMs.toString(36)}-${stats.size.toString(36)}`,
    };
  }

  async list(path: string, options: { recursive?: boolean } = {}): Promise<FileInfo[]> {
    const info = await this.info(path);
    if (info.type === "file") return [info];
    const names = await readdir(path).catch((error: unknown) => rethrow(error, path));
    const entries = await Promise.all(names.map((name) => this.info(path === "/" ? `/${name}` : `${path}/${name}`).catch(() => undefined)));
    const found = entries.filter((entry): entry is FileInfo => entry !== undefined);
    if (!options.recursive) return found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const nested = await Promise.all(found.filter((entry) => entry.type === "directory").map((entry) => this.list(entry.name, options)));
    return [...found.filter((entry) => entry.type === "file"), ...nested.flat()].sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
  }

  async readRange(path: string, offset: number, length: number, options: ReadRangeOptions = {}): Promise<Uint8Array> {
    const handle = await open(path, "r").catch((error: unknown) => rethrow(error, path));
    try {
      if (options.ifMatch !== undefined) {
        const stats = await handle.stat();
        if (localEtag(stats) !== options.ifMatch) throw new ConsistencyError("the file changed since it was opened", { url: path });
      }
      const buffer = new Uint8Array(length);
      let filled = 0;
      while (filled < length) {
        const { bytesRead } = await handle.read(buffer, filled, length - filled, offset + filled);
        if (bytesRead === 0) throw new ProtocolError(`file ended after ${offset + filled} bytes while reading`, { url: path });
        filled += bytesRead;
      }
      return buffer;
    } finally {
      await handle.close();
    }
  }

  async write(path: string, data: Uint8Array): Promise<void> {
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

  async deleteFiles(paths: readonly string[]): Promise<void> {
    for (const path of paths) await unlink(path).catch((error: unknown) => rethrow(error, path));
  }

  async removeDirectory(path: string): Promise<void> {
    await rmdir(path).catch((error: unknown) => rethrow(error, path));
  }

  async makeDirectory(path: string): Promise<void> {
    await mkdir(path, { recursive: true }).catch((error: unknown) => rethrow(error, path));
  }

  async copyFile(source: string, target: string): Promise<void> {
    await mkdir(dirname(target), { recursive: true }).catch((error: unknown) => rethrow(error, target));
    await copyFile(source, target).catch((error: unknown) => rethrow(error, source));
  }
}

/** A change marker for a local file: its modification time and size. */
function localEtag(stats: Stats): string {
  return `${stats.mtimeMs.toString(36)}-${stats.size.toString(36)}`;
}

/** Throws the skyfs error for a failed local file operation. */
function rethrow(error: unknown, path: string): never {
  throw localFileError(error, path);
}
