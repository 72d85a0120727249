/**
 * Whole objects kept on local disk, keyed by URL and version (fsspec's `filecache` /
 * `simplecache`; the `filecache::` layer of `local-copies-layer.ts` reads through it; Node only):
 * a later open of the same unchanged object reads the local copy, and a changed object is
 * fetched again, never served stale. The version is the first validator the store
 * gives: ETag, else version id, else size and modification time together; an object with
 * none of these cannot be validated and is not cached on disk (see {@link LocalFileCache.accepts}).
 * The default folder is private to the user (0700, copies 0600).
 * @module
 */
import { createHash } from "node:crypto";
import { chmod, type FileHandle, mkdir, open as openLocal, readdir, rm, stat } from "node:fs/promises";
import { homedir, platform, userInfo } from "node:os";
import { join } from "node:path";
import type { FileInfo } from "../backend.js";
import { clipRange } from "../backend-source.js";
import type { ByteRange, ByteSource } from "../byte-source.js";
import { ConsistencyError } from "../errors.js";
import { versionKey } from "./validators.js";

/** Where the local file cache keeps its copies. */
export interface FileCacheOptions {
  /** Folder of the copies (default {@link defaultCacheDirectory}). */
  directory?: string;
}

/**
 * Default folder of the local file cache, private to the user: `$XDG_CACHE_HOME/skyfs` or
 * `~/.cache/skyfs` on Linux and other Unixes, `~/Library/Caches/skyfs` on macOS,
 * `%LOCALAPPDATA%\skyfs\Cache` on Windows.
 */
export function defaultCacheDirectory(): string {
  const home = homedir() || join("/tmp", `skyfs-${userInfo().username}`);
  if (platform() === "win32") return join(process.env.LOCALAPPDATA || join(home, "AppData", "Local"), "skyfs", "Cache");
  if (platform() === "darwin") return join(home, "Library", "Caches", "skyfs");
  const xdg = process.env.XDG_CACHE_HOME;
  return join(xdg?.startsWith("/") ? xdg : join(home, ".cache"), "skyfs");
}

/** A folder of whole-object copies named after their URL and version. */
export class LocalFileCache {
  /** The folder. */
  readonly directory: string;

  constructor(options: FileCacheOptions = {}) {
    this.directory = options.directory ?? defaultCacheDirectory();
  }

  /**
   * Whether a copy of this object can be kept: only when the store gives an ETag, a version or
   * a modification time to tell a changed object from the cached one. Others are read from the
   * store on every open, never from a copy that could be stale.
   */
  accepts(info: FileInfo): boolean {
    return versionKey(info) !== undefined;
  }

  /**
   * A source over the local copy of `info` at `url`, downloading it first with `download`
   * (which must write the complete file at the given path atomically) when no copy of this
   * version exists. Copies of other versions of the same URL are removed. If another process
   * removes the copy while it is open, it is downloaded again, pinned to the same version.
   */
  async source(url: string, info: FileInfo, download: (localPath: string) => Promise<void>): Promise<ByteSource> {
    const version = versionKey(info);
    if (version === undefined) throw new ConsistencyError("an object without ETag, version or date cannot be cached on disk", { url });
    const urlKey = digest(url);
    const name = `${urlKey}.${digest(version).slice(0, 32)}`;
    const path = join(this.directory, name);
    const fetch = async (): Promise<void> => {
      await mkdir(this.directory, { recursive: true, mode: 0o700 });
      await download(path);
      await chmod(path, 0o600);
      await this.removeOtherVersions(urlKey, name);
    };
    const present = await stat(path).then(
      (found) => found.size === info.size,
      () => false,
    );
    if (!present) await fetch();
    return new LocalCopySource(path, url, info.size, info.etag, fetch);
  }

  /** Removes every copy. */
  async clear(): Promise<void> {
    await rm(this.directory, { recursive: true, force: true });
  }

  private async removeOtherVersions(urlKey: string, keep: string): Promise<void> {
    const names = await readdir(this.directory).catch(() => []);
    await Promise.all(
      names
        .filter((entry) => entry.startsWith(`${urlKey}.`) && entry !== keep && !entry.includes(".skyfs-partial-"))
        .map((entry) => rm(join(this.directory, entry), { force: true })),
    );
  }
}

function digest(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** A {@link ByteSource} over a local copy, reporting the remote URL and ETag. */
class LocalCopySource implements ByteSource {
  constructor(
    private readonly path: string,
    readonly url: string,
    readonly size: number,
    readonly etag: string | undefined,
    private readonly refetch: () => Promise<void>,
  ) {}

  async read(offset: number, length: number): Promise<Uint8Array> {
    const [bytes] = await this.readMany([{ offset, length }]);
    return bytes as Uint8Array;
  }

  async readMany(ranges: readonly ByteRange[]): Promise<Uint8Array[]> {
    const handle = await this.openCopy();
    try {
      const results: Uint8Array[] = [];
      for (const range of ranges) {
        const length = clipRange(range.offset, range.length, this.size, this.url);
        const bytes = new Uint8Array(length);
        let filled = 0;
        while (filled < length) {
          const { bytesRead } = await handle.read(bytes, filled, length - filled, range.offset + filled);
          if (bytesRead === 0) break;
          filled += bytesRead;
        }
        if (filled !== length)
          throw new ConsistencyError("the local cached copy is shorter than the object; clear the cache", { url: this.url });
        results.push(bytes);
      }
      return results;
    } finally {
      await handle.close();
    }
  }

  /** Opens the copy; one removed by another process sharing the folder is fetched again first. */
  private async openCopy(): Promise<FileHandle> {
    try {
      return await openLocal(this.path, "r");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    await this.refetch();
    try {
      return await openLocal(this.path, "r");
    } catch (error) {
      throw new ConsistencyError("the local cached copy keeps disappearing; is another process clearing the cache?", {
        url: this.url,
        cause: error,
      });
    }
  }
}
