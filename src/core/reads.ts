/**
 * The reads every layer above the store is written with, each one `get` of the
 * {@link Backend} interface (object_store's `head`, `get_range` and friends).
 * @module
 */
import type { Backend, ByteSink, FileInfo, GetOptions } from "./backend.js";
import type { IoOptions } from "./byte-source.js";
import { NotFoundError, TransientError } from "./errors.js";

/** Options of {@link readRange}. */
export interface PinnedReadOptions extends IoOptions {
  /** Refuse the read when the object's ETag differs. */
  ifMatch?: string;
  /** Read this version or generation. */
  version?: string;
  /** Refuse the read when the object's modification time differs. */
  lastModified?: Date;
  /** Refuse the read when the object's size differs. */
  expectedSize?: number;
  /** Where the bytes go (see {@link GetOptions.memory}). */
  memory?: GetOptions["memory"];
}

/** Describes an object or directory; throws `NotFoundError` when nothing is there. */
export async function describe(backend: Backend, path: string, options: IoOptions = {}): Promise<FileInfo> {
  return (await backend.get(path, { signal: options.signal, head: true })).info;
}

/**
 * Reads `length` bytes at `offset` of an object the caller knows to hold them; fewer bytes are a
 * body cut short ({@link TransientError}, retried by the layer above).
 */
export async function readRange(
  backend: Backend,
  path: string,
  offset: number,
  length: number,
  options: PinnedReadOptions = {},
): Promise<Uint8Array> {
  const { bytes } = await backend.get(path, { ...pinned(options), range: { offset, length } });
  if (bytes.length !== length) throw new TransientError(`body cut short: ${bytes.length} of ${length} bytes`, { url: backend.toUrl(path) });
  return bytes;
}

/**
 * Streams `length` bytes at `offset` of an object the caller knows to hold them to `sink`, as
 * they arrive from a backend that streams, or at once from one that returns its bytes. Fewer
 * bytes are a body cut short ({@link TransientError}).
 */
export async function streamRange(
  backend: Backend,
  path: string,
  offset: number,
  length: number,
  sink: ByteSink,
  options: PinnedReadOptions = {},
): Promise<void> {
  let streamed = 0;
  const counted: ByteSink = (chunk, position) => {
    streamed += chunk.length;
    return sink(chunk, position);
  };
  const { bytes } = await backend.get(path, { ...pinned(options), range: { offset, length }, sink: counted });
  if (bytes.length > 0) await counted(bytes, offset);
  if (streamed !== length) throw new TransientError(`body cut short: ${streamed} of ${length} bytes`, { url: backend.toUrl(path) });
}

/**
 * Describes an object and reads its first `length` bytes in one request (fewer when the object
 * is shorter): opening a file for its header then costs one round trip. A directory gives its
 * description and no bytes (object stores answer a read of a prefix with `NotFoundError`; a
 * description then tells a prefix from nothing). When the reply does not tell the object's size,
 * a description is asked for through the same stack.
 */
export async function readHead(
  backend: Backend,
  path: string,
  length: number,
  options: IoOptions & Pick<GetOptions, "memory"> = {},
): Promise<{ info: FileInfo; head: Uint8Array }> {
  let result: { info: FileInfo; bytes: Uint8Array };
  try {
    result = await backend.get(path, { signal: options.signal, range: { offset: 0, length }, memory: options.memory });
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    const info = await describe(backend, path, options);
    if (info.type !== "directory") throw error;
    return { info, head: new Uint8Array(0) };
  }
  if (result.info.type === "file" && result.info.size < 0) return { info: await describe(backend, path, options), head: result.bytes };
  return { info: result.info, head: result.bytes };
}

/** The get options of a pinned read: its signal and the validators given. */
function pinned(options: PinnedReadOptions): GetOptions {
  const get: GetOptions = { signal: options.signal };
  if (options.ifMatch !== undefined) get.ifMatch = options.ifMatch;
  if (options.version !== undefined) get.version = options.version;
  if (options.lastModified !== undefined) get.lastModified = options.lastModified;
  if (options.expectedSize !== undefined) get.expectedSize = options.expectedSize;
  if (options.memory !== undefined) get.memory = options.memory;
  return get;
}
