/**
 * The `memory://` backend: objects held in this process, shared by every memory filesystem
 * unless a private store is given. Directories are prefixes, as in an object store; a folder
 * index kept beside the objects makes a listing cost its own entries, not the whole store.
 * @module
 */
import type { Backend, BackendWriter, FileInfo, GetOptions, GetResult, ListOptions } from "../core/backend.js";
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

function parentOf(key: string): string {
  const slash = key.lastIndexOf("/");
  return slash < 0 ? "" : key.slice(0, slash);
}

/**
 * A set of in-memory objects keyed by path: a `Map` that also keeps, for every folder, the
 * names of its children (objects and subfolders), whoever calls `set` and `delete`.
 */
export class MemoryStore extends Map<string, StoredObject> {
  private index: Map<string, Set<string>> | undefined;

  override set(key: string, value: StoredObject): this {
    if (!super.has(key)) this.link(key);
    return super.set(key, value);
  }

  override delete(key: string): boolean {
    const removed = super.delete(key);
    if (removed && !this.folders.has(key)) this.unlink(key);
    return removed;
  }

  override clear(): void {
    super.clear();
    this.folders.clear();
  }

  /** The paths of the entries directly inside `folder` (`""` is the top), or `undefined` when it holds nothing. */
  children(folder: string): ReadonlySet<string> | undefined {
    return this.folders.get(folder);
  }

  /** Whether some object lies below `folder`. */
  isFolder(folder: string): boolean {
    return this.folders.has(folder);
  }

  private get folders(): Map<string, Set<string>> {
    this.index ??= new Map();
    return this.index;
  }

  private link(key: string): void {
    const parent = parentOf(key);
    const siblings = this.folders.get(parent);
    if (siblings) {
      siblings.add(key);
      return;
    }
    this.folders.set(parent, new Set([key]));
    if (parent !== "" && !super.has(parent)) this.link(parent);
  }

  private unlink(key: string): void {
    const parent = parentOf(key);
    const siblings = this.folders.get(parent);
    if (!siblings) return;
    siblings.delete(key);
    if (siblings.size > 0) return;
    this.folders.delete(parent);
    if (parent !== "" && !super.has(parent)) this.unlink(parent);
  }
}

/** Creates an empty store, for a filesystem that must not share objects with others. */
export function createMemoryStore(): MemoryStore {
  return new MemoryStore();
}

const sharedStore: MemoryStore = createMemoryStore();
let writes = 0;
const EMPTY = new Uint8Array(0);

/** Options of the memory backend. */
export interface MemoryOptions {
  /** The store to use (default: one store shared by the whole process). */
  store?: MemoryStore;
}

/** The memory backend. */
export class MemoryBackend implements Backend {
  readonly protocol = "memory";
  readonly recursiveListing = true;
  readonly describesRanges = true;
  readonly writer: BackendWriter;
  private readonly store: MemoryStore;

  constructor(options: MemoryOptions = {}) {
    this.store = options.store ?? sharedStore;
    this.writer = {
      put: async (path, data) => this.put(path, data),
      delete: async (paths) => {
        for (const path of paths) {
          if (!this.store.delete(path)) throw new NotFoundError("no such object", { url: this.toUrl(path) });
        }
      },
      copy: async (source, target) => {
        const object = this.store.get(source);
        if (!object) throw new NotFoundError("no such object", { url: this.toUrl(source) });
        this.put(target, object.data);
      },
    };
  }

  stripProtocol(urlOrPath: string): string {
    return trimTrailingSlash(urlOrPath.replace(/^memory:\/\//i, "")).replace(/^\/+/, "");
  }

  toUrl(path: string): string {
    return `memory://${path}`;
  }

  async get(path: string, options: GetOptions = {}): Promise<GetResult> {
    const object = this.store.get(path);
    if (!object) {
      if (this.store.isFolder(path) || (path === "" && this.store.size > 0)) {
        return { info: { name: path, type: "directory", size: 0 }, bytes: EMPTY };
      }
      throw new NotFoundError("no such object", { url: this.toUrl(path) });
    }
    if (options.ifMatch !== undefined && options.ifMatch !== object.etag) {
      throw new ConsistencyError("the object changed since it was opened", { url: this.toUrl(path) });
    }
    const info = describe(path, object);
    if (options.head) return { info, bytes: EMPTY };
    const offset = options.range?.offset ?? 0;
    const end = options.range ? offset + options.range.length : object.data.length;
    return { info, bytes: object.data.slice(offset, end) };
  }

  async list(path: string, options: ListOptions = {}): Promise<FileInfo[]> {
    const children = this.store.children(path);
    if (!children) {
      const object = this.store.get(path);
      if (object) return [describe(path, object)];
      throw new NotFoundError("no such directory", { url: this.toUrl(path) });
    }
    const entries: FileInfo[] = [];
    if (options.recursive) {
      const pending = [children];
      for (let set = pending.pop(); set; set = pending.pop()) {
        for (const child of set) {
          const object = this.store.get(child);
          if (object) entries.push(describe(child, object));
          const below = this.store.children(child);
          if (below) pending.push(below);
        }
      }
      return entries;
    }
    for (const child of children) {
      const object = this.store.get(child);
      entries.push(this.store.isFolder(child) || !object ? { name: child, type: "directory", size: 0 } : describe(child, object));
    }
    return entries;
  }

  private put(path: string, data: Uint8Array): void {
    writes++;
    this.store.set(path, { data: data.slice(), mtime: new Date(), etag: `"memory-${writes}"` });
  }
}

function describe(name: string, object: StoredObject): FileInfo {
  return { name, type: "file", size: object.data.length, etag: object.etag, mtime: object.mtime };
}
