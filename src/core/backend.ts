/**
 * The store interface: what a storage backend implements. It is small on purpose: one `get`
 * (whole object, a range, or only its description, optionally pinned to an ETag or a version),
 * a one-level `list`, and, for stores that can be written, a separate {@link BackendWriter}.
 * Everything users call (glob, find, caching, range planning, downloads ...) is built on these
 * once, and the cross-cutting layers (retry, stats and budget, the per-host limit) wrap them.
 * See `docs/backends.md`.
 * @module
 */
import type { ByteRange, IoOptions } from "./byte-source.js";

/** What a listing or a described object says of one entry. */
export interface FileInfo {
  /** Path of the entry in the backend's own form (no protocol, no trailing slash). */
  name: string;
  /** A file (object) or a directory (real folder, or a prefix in an object store). */
  type: "file" | "directory";
  /** Size in bytes (0 for directories; -1 when a listing does not say, as on HTTP index pages). */
  size: number;
  /** ETag of the object, when the store gives one. */
  etag?: string;
  /** Version or generation of the object, when the store gives one. */
  version?: string;
  /** Last modification time, when known. */
  mtime?: Date;
}

/** Options every backend call accepts: a signal, and a hook for the requests it sends. */
export interface RequestOptions extends IoOptions {
  /**
   * Called by the backend once for every request it sends to the store (a fallback, a second
   * page of a listing ...). The stats layer counts through it; a backend that never calls it is
   * counted one request per call.
   */
  onRequest?: () => void;
}

/** Options of {@link Backend.get}, after Rust object_store's `GetOptions`. */
export interface GetOptions extends RequestOptions {
  /**
   * The bytes wanted. A range that runs past the end of the object is clipped (a range starting
   * at or past the end gives no bytes). Absent: the whole object.
   */
  range?: ByteRange;
  /** Only describe the object (or directory): no bytes. */
  head?: boolean;
  /** Refuse with `ConsistencyError` when the object's ETag differs. */
  ifMatch?: string;
  /** Read this version or generation of the object. */
  version?: string;
  /**
   * The object's modification time seen at open: a store that reports another refuses the
   * read with `ConsistencyError` (HTTP servers without ETags).
   */
  lastModified?: Date;
  /** The object's size seen at open: a store that reports another total refuses the read with `ConsistencyError`. */
  expectedSize?: number;
  /**
   * Where to stream the bytes of a ranged read instead of returning them (see {@link ByteSink}).
   * A backend that streams hands the range to the sink chunk by chunk, in order, and returns no
   * bytes; a backend that does not ignores the sink and returns the bytes, which the caller then
   * hands over itself (`streamRange` in `reads.ts` does both).
   */
  sink?: ByteSink;
  /**
   * Where the bytes returned go, asked for once their count is known: it returns an array of
   * exactly `length` bytes, which the backend fills whole or fails the read. A backend that copies
   * a body into an array of its own may take it from here, and may ignore it. The caller may
   * reuse the memory once it is done with the bytes (a `get` of many small files does, instead
   * of touching fresh memory for every file), so a layer that keeps the bytes it reads (a cache)
   * does not pass it down.
   */
  memory?: (length: number) => Uint8Array;
}

/**
 * Receives the bytes of a streamed read as they arrive: `chunk` holds the object's bytes from
 * `position` on (an offset in the whole object, not in the range). A returned promise holds the
 * next chunk back until it settles (backpressure); a rejection ends the read with that error.
 * A chunk may be a view of the transport's own buffer, which it reuses: its bytes are valid only
 * until the sink returns or the promise it returned settles, so a sink that keeps bytes must copy
 * them (`FileSink` copies them into a few reused blocks). A read that is tried again may hand the
 * same positions over again, with the same bytes when the read is pinned.
 */
export type ByteSink = (chunk: Uint8Array, position: number) => void | Promise<void>;

/** What {@link Backend.get} returns. */
export interface GetResult {
  /**
   * The object as the reply describes it: the whole object's size (not the range's), ETag,
   * version, modification time; `type: "directory"` when a `head` found a folder or prefix.
   */
  info: FileInfo;
  /**
   * The bytes asked for (empty for a `head`, and for a read whose bytes went to a
   * {@link GetOptions.sink}). A backend whose read of an object's first bytes
   * failed in a way a description cures (an empty object some stores refuse any range of) may
   * give fewer, even none, with the description; callers read the rest with further gets.
   */
  bytes: Uint8Array;
}

/** Options of a listing. */
export interface ListOptions extends RequestOptions {
  /**
   * List every file below `path` at any depth (directories may be omitted). Only asked of
   * backends whose {@link Backend.recursiveListing} is true.
   */
  recursive?: boolean;
  /**
   * Called once for each request a backend sends beyond the first to produce this listing
   * (a recursive HTTP listing reads one index page per folder), so that layers can count them.
   */
  onRequest?: () => void;
}

/** Options of a write. */
export interface WriteOptions extends RequestOptions {
  /** Content type to record, where the store keeps one. */
  contentType?: string;
}

/** The writing capability of a backend. A read-only backend has none. */
export interface BackendWriter {
  /** Writes a whole object, replacing any existing one. */
  put(path: string, data: Uint8Array, options?: WriteOptions): Promise<void>;
  /** Deletes files (objects). Missing ones are an error. */
  delete(paths: readonly string[], options?: RequestOptions): Promise<void>;
  /** Copies one object inside the store without moving its bytes through the client. */
  copy?(source: string, target: string, options?: RequestOptions): Promise<void>;
  /** Creates a directory (and its parents), where directories are real. */
  makeDirectory?(path: string, options?: RequestOptions): Promise<void>;
  /** Removes an empty directory, where directories are real. */
  removeDirectory?(path: string, options?: RequestOptions): Promise<void>;
}

/**
 * A storage backend. Paths are in the backend's own form, as returned by
 * {@link Backend.stripProtocol}. Errors are of the `SkyfsError` family (`NotFoundError` when
 * nothing is there, `TransientError` for what a retry may cure ...).
 */
export interface Backend {
  /** The main URL scheme of this backend (`file`, `memory`, `https`, `s3` ...). */
  readonly protocol: string;
  /** Turns a URL or path into this backend's path form. */
  stripProtocol(urlOrPath: string): string;
  /** Turns a path of this backend back into a full URL. */
  toUrl(path: string): string;
  /**
   * Reads an object (whole, or `range`), or only describes it (`head`). Throws `NotFoundError`
   * when nothing is there.
   */
  get(path: string, options?: GetOptions): Promise<GetResult>;
  /**
   * Lists one level below `path` (files and directories), or every file below it when
   * `recursive`. Throws `NotFoundError` when `path` holds nothing.
   */
  list(path: string, options?: ListOptions): Promise<FileInfo[]>;
  /** Whether `list` can list a whole prefix in one call (object stores); the core walks the tree otherwise. */
  readonly recursiveListing?: boolean;
  /**
   * Whether a ranged `get` with no pin (no `ifMatch`, `version`, `lastModified` or
   * `expectedSize`) describes the object whatever the range's offset: `info` holds its size and
   * validators, and the bytes stop at its end (none when the range starts at or past it). The
   * core then reads ranges given in absolute offsets without describing the object first.
   */
  readonly describesRanges?: boolean;
  /** Writing, for stores that can be written. */
  readonly writer?: BackendWriter;
  /** Releases connections and other resources. */
  close?(): Promise<void>;
}

/**
 * A backend that forwards every call to `inner`. A layer extends it and overrides only what it
 * changes (a layer that wraps writes overrides {@link BackendLayer.wrapWriter}).
 */
export class BackendLayer implements Backend {
  readonly protocol: string;
  readonly recursiveListing: boolean | undefined;
  readonly describesRanges: boolean | undefined;
  private wrapped: BackendWriter | undefined;

  constructor(
    /** The backend below this layer. */
    readonly inner: Backend,
  ) {
    this.protocol = inner.protocol;
    this.recursiveListing = inner.recursiveListing;
    this.describesRanges = inner.describesRanges;
  }

  /** The inner backend's writer as this layer offers it; absent when the inner one is read-only. */
  get writer(): BackendWriter | undefined {
    const inner = this.inner.writer;
    if (!inner) return undefined;
    this.wrapped ??= this.wrapWriter(inner);
    return this.wrapped;
  }

  stripProtocol(urlOrPath: string): string {
    return this.inner.stripProtocol(urlOrPath);
  }

  toUrl(path: string): string {
    return this.inner.toUrl(path);
  }

  get(path: string, options?: GetOptions): Promise<GetResult> {
    return this.inner.get(path, options);
  }

  list(path: string, options?: ListOptions): Promise<FileInfo[]> {
    return this.inner.list(path, options);
  }

  async close(): Promise<void> {
    await this.inner.close?.();
  }

  /** The writer this layer offers over the inner one (the inner one itself by default). */
  protected wrapWriter(writer: BackendWriter): BackendWriter {
    return writer;
  }
}

/** The backend below every layer wrapped around `backend`. */
export function baseBackend(backend: Backend): Backend {
  let current = backend;
  while (current instanceof BackendLayer) current = current.inner;
  return current;
}
