/**
 * The `memory://` backend: objects held in this process, shared by every memory filesystem
 * unless a private store is given. Directories are prefixes, as in an object store.
 * @module
 */
import type { Backend, FileInfo, ReadRangeOptions } from "../core/backend.js";
import { ConsistencyError, NotFoundError } from "../core/errors.js";
import { trimTrailingSlash } from "../core/paths.js";

/** One object of a {@link MemoryStore}. */
export interface StoredObject {
  /** The object's bytes. */
  data: Uint8Array;
  /** When it was written. */
  mtime: Date;
  /** A marker that changes with every write. */
  etag: string;
}

/** A set of in-memory objects keyed by path. */
export type MemoryStore = Map<string, StoredObject>;

/** Creates an empty store, for a filesystem that must not share objects with others. */
export function createMemoryStore(): MemoryStore {
  return new Map();
}

const sharedStore: MemoryStore = createMemoryStore();
let writes = 0;

/** Options of the memory backend. */
export interface MemoryOptions {
  /** The store to use (default: one store shared by the whole process). */
  store?: MemoryStore;
}

/** The memory backend. */
export class MemoryBackend implements Backend {
  readonly protocol = "memory";
  readonly directories = "prefix";
  private readonly store: MemoryStore;

  constructor(options: MemoryOptions = {}) {
    this.store = options.store ?? sharedStore;
  }

  stripProtocol(urlOrPath: string): string {
    return trimTrailingSlash(urlOrPath.replace(/^memory:\/\//i, "")).replace(/^\/+/, "");
  }

  toUrl(path: string): string {
    return `memory://${path}`;
  }

  async info(path: string): Promise<FileInfo> {
    const object = this.store.get(path);
    if (object) return describe(path, object);
    const prefix = path === "" ? "" : `${path}/`;
    for (const key of this.store.keys()) if (key.startsWith(prefix)) return { name: path, type: "directory", size: 0 };
    throw new NotFoundError("no such object", { url: this.toUrl(path) });
  }

  async list(path: string, options: { recursive?: boolean } = {}): Promise<FileInfo[]> {
    const prefix = path === "" ? "" : `${path}/`;
    const entries = new Map<string, FileInfo>();
    for (const [key, object] of this.store) {
      if (!key.startsWith(prefix)) continue;
      const rest = key.slice(prefix.length);
      const slash = rest.indexOf("/");
      if (options.recursive || slash < 0) entries.set(key, describe(key, object));
      else {
        const dir = prefix + rest.slice(0, slash);
        entries.set(dir, { name: dir, type: "directory", size: 0 });
      }
    }
    if (entries.size === 0) {
      if (this.store.has(path)) return [describe(path, this.store.get(path) as StoredObject)];
      throw new NotFoundError("no such directory", { url: this.toUrl(path) });
    }
    return [...entries.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async readRange(path: string, offset: number, length: number, options: ReadRangeOptions = {}): Promise<Uint8Array> {
    const object = this.store.get(path);
    if (!object) throw new NotFoundError("no such object", { url: this.toUrl(path) });
    if (options.ifMatch !== undefined && options.ifMatch !== object.etag) {
      throw new ConsistencyError("the object changed since it was opened", { url: this.toUrl(path) });
    }
    return object.data.slice(offset, offset + length);
  }

  async write(path: string, data: Uint8Array): Promise<void> {
    writes++;
    this.store.set(path, { data: data.slice(), mtime: new Date(), etag: `"memory-${writes}"` });
  }

  async deleteFiles(paths: readonly string[]): Promise<void> {
    for (const path of paths) {
      if (!this.store.delete(path)) throw new NotFoundError("no such object", { url: this.toUrl(path) });
    }
  }

  async copyFile(source: string, target: string): Promise<void> {
    const object = this.store.get(source);
    if (!object) throw new NotFoundError("no such object", { url: this.toUrl(source) });
    await this.write(target, object.data);
  }
}

function describe(name: string, object: StoredObject): FileInfo {
  return { name, type: "file", size: object.data.length, etag: object.etag, mtime: object.mtime };
}
