/**
 * Whole objects kept on local disk, keyed by URL and ETag (fsspec's `filecache` /
 * `simplecache`): a later open of the same unchanged object reads the local copy, and a changed
 * object (new ETag) is fetched again, never served stale.
 * @module
 */
import { createHash } from "node:crypto";
import { open as openLocal, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FileInfo } from "../backend.js";
import { clipRange } from "../backend-source.js";
import type { ByteRange, ByteSource } from "../byte-source.js";
import { ConsistencyError } from "../errors.js";

/** Where the local file cache keeps its copies. */
export interface FileCacheOptions {
  /** Folder of the copies (default `<os temp dir>/skyfs-cache`). */
  directory?: string;
}

/** Default folder of the local file cache. */
export function defaultCacheDirectory(): string {
  return join(tmpdir(), "skyfs-cache");
}

/** A folder of whole-object copies named after their URL and version. */
export class LocalFileCache {
  /** The folder. */
  readonly directory: string;

  constructor(options: FileCacheOptions = {}) {
    this.directory = options.directory ?? defaultCacheDirectory();
  }

  /**
   * A source over the local copy of `info` at `url`, downloading it first with `download`
   * (which must write the complete file at the given path atomically) when no copy of this
   * version exists. Copies of other versions of the same URL are removed.
   */
  async source(url: string, info: FileInfo, download: (localPath: string) => Promise<void>): Promise<ByteSource> {
    const urlKey = digest(url);
    const version = info.etag ?? info.version ?? `${info.size}-${info.mtime?.getTime() ?? "unknown"}`;
    const name = `${urlKey}.${digest(version).slice(0, 32)}`;
    const path = join(this.directory, name);
    const present = await stat(path).then(
      (found) => found.size === info.size,
      () => false,
    );
    if (!present) {
      await download(path);
      await this.removeOtherVersions(urlKey, name);
    }
    return new LocalCopySource(path, url, info.size, info.etag);
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
  ) {}

  async read(offset: number, length: number): Promise<Uint8Array> {
    const [bytes] = await this.readMany([{ offset, length }]);
    return bytes as Uint8Array;
  }

  async readMany(ranges: readonly ByteRange[]): Promise<Uint8Array[]> {
    const handle = await openLocal(this.path, "r");
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
}
