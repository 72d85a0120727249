/**
 * The primitives a storage backend implements. Everything users call is built on these once,
 * in {@link FileSystem}.
 * @module
 */
import type { IoOptions } from "./byte-source.js";

/** What a listing or `info` says of one entry. */
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

/** Options of a ranged read primitive. */
export interface ReadRangeOptions extends IoOptions {
  /** When set, the store must refuse the read if the object's ETag differs. */
  ifMatch?: string;
  /** When set, read this version/generation of the object. */
  version?: string;
  /**
   * The object's modification time seen at open: a store that reports another refuses the
   * read with `ConsistencyError` (HTTP servers without ETags).
   */
  lastModified?: Date;
  /** The object's size seen at open: a store that reports another total refuses the read with `ConsistencyError`. */
  expectedSize?: number;
}

/** What {@link Backend.readHead} returns: the object's description and its first bytes. */
export interface HeadRead {
  /** The object, as `info` would describe it. */
  info: FileInfo;
  /** Its first bytes (fewer than asked when the object is shorter). */
  head: Uint8Array;
}

/** Options of a write primitive. */
export interface WriteOptions extends IoOptions {
  /** Content type to record, where the store keeps one. */
  contentType?: string;
}

/** Options of a listing primitive. */
export interface ListOptions extends IoOptions {
  /**
   * List every file below `path` at any depth (directories may be omitted), instead of the
   * entries of one level.
   */
  recursive?: boolean;
  /**
   * Called once for each request a backend sends beyond the first to produce this listing
   * (a recursive HTTP listing reads one index page per folder), so that layers can count them.
   */
  onRequest?: () => void;
}

/** The backend below every layer (retries, stats) wrapped around `backend`. */
export function baseBackend(backend: Backend): Backend {
  let current = backend;
  while (isLayer(current)) current = current.inner;
  return current;
}

function isLayer(backend: Backend): backend is Backend & { inner: Backend } {
  const inner = (backend as { inner?: unknown }).inner;
  return typeof inner === "object" && inner !== null && "readRange" in inner;
}

/**
 * A storage backend: a handful of primitives over one kind of store. Paths are in the backend's
 * own form, as returned by {@link Backend.stripProtocol}.
 */
export interface Backend {
  /** The main URL scheme of this backend (`file`, `memory`, `https`, `s3` ...). */
  readonly protocol: string;
  /** Whether directories are real (local disk) or only key prefixes (object stores). */
  readonly directories: "real" | "prefix";
  /** Turns a URL or path into this backend's path form. */
  stripProtocol(urlOrPath: string): string;
  /** Turns a path of this backend back into a full URL. */
  toUrl(path: string): string;
  /**
   * How a key below a folder is named on local disk when downloaded, where the store's keys
   * are encoded (HTTP decodes percent-escapes). Identity when absent.
   */
  localKey?(relativeKey: string): string;
  /** Describes one entry; throws `NotFoundError` when nothing is there. */
  info(path: string, options?: IoOptions): Promise<FileInfo>;
  /**
   * Lists one level below `path` (files and directories), or every file below it when
   * `recursive`. Throws `NotFoundError` when `path` holds nothing.
   */
  list(path: string, options?: ListOptions): Promise<FileInfo[]>;
  /** Reads `length` bytes at `offset`; the caller keeps the range inside the object. */
  readRange(path: string, offset: number, length: number, options?: ReadRangeOptions): Promise<Uint8Array>;
  /**
   * Describes an object and reads its first `length` bytes in one request (a ranged GET whose
   * reply gives the size and ETag), where the store allows it: opening a file for a header
   * then costs one round trip instead of two.
   */
  readHead?(path: string, length: number, options?: IoOptions): Promise<HeadRead>;
  /** Writes a whole object, replacing any existing one. */
  write(path: string, data: Uint8Array, options?: WriteOptions): Promise<void>;
  /** Deletes files (objects). Missing ones are an error. */
  deleteFiles(paths: readonly string[], options?: IoOptions): Promise<void>;
  /** Removes an empty directory, where directories are real. */
  removeDirectory?(path: string, options?: IoOptions): Promise<void>;
  /** Creates a directory (and its parents), where directories are real. */
  makeDirectory?(path: string, options?: IoOptions): Promise<void>;
  /** Copies one object inside the store without moving its bytes through the client. */
  copyFile?(source: string, target: string, options?: IoOptions): Promise<void>;
  /** Releases connections and other resources. */
  close?(): Promise<void>;
}
