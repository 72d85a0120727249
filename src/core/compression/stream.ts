/**
 * Reading a whole object front to back, decompressed or not, in bounded memory.
 * @module
 */
import type { ByteSource, IoOptions } from "../byte-source.js";
import { type Compression, decompressStream } from "./codecs.js";

/** Compressed bytes per sequential read. */
export const SEQUENTIAL_READ = 8 * 1024 * 1024;

/** Options of {@link sequentialChunks}. */
export interface SequentialOptions extends IoOptions {
  /** Bytes per read (default 8 MiB); the next read is in flight while a chunk is used. */
  readSize?: number;
  /** Called with the length of each chunk read from the source. */
  onRead?: (bytes: number) => void;
}

/** The bytes of `source` front to back, one read ahead of the consumer. */
export async function* sequentialChunks(source: ByteSource, options: SequentialOptions = {}): AsyncGenerator<Uint8Array> {
  const readSize = options.readSize ?? SEQUENTIAL_READ;
  const readAt = (offset: number): Promise<Uint8Array> | undefined =>
    offset < source.size ? source.read(offset, Math.min(readSize, source.size - offset), options) : undefined;
  let offset = 0;
  let next = readAt(0);
  while (next) {
    const chunk = await next;
    if (chunk.length === 0) return;
    offset += chunk.length;
    next = readAt(offset);
    next?.catch(() => undefined);
    options.onRead?.(chunk.length);
    yield chunk;
  }
}

/** The uncompressed bytes of `source` front to back (`compression` undefined: as they are). */
export function streamContent(
  source: ByteSource,
  compression: Compression | undefined,
  options: SequentialOptions = {},
): AsyncGenerator<Uint8Array> {
  const chunks = sequentialChunks(source, options);
  return compression ? decompressStream(compression, chunks, { url: source.url }) : chunks;
}
