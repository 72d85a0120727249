/**
 * Text lines of any object, compressed or not, streamed: manifests, CSV catalogues, `.txt`
 * products.
 * @module
 */
import type { IoOptions } from "./byte-source.js";
import { resolveCompression } from "./compression/codecs.js";
import type { CompressionOptions } from "./compression/layer.js";
import { type SequentialOptions, streamContent } from "./compression/stream.js";
import { type StorageOptions, urlToFs } from "./registry.js";

/** Options of {@link readLines}. */
export type ReadLinesOptions = StorageOptions &
  IoOptions &
  Pick<CompressionOptions, "compression"> & {
    /** Bytes per read (default 8 MiB). */
    readSize?: number;
  };

/**
 * The lines of UTF-8 text in a byte stream, in batches (one per chunk), without their `\n` or
 * `\r\n`; a last line without a newline is given too.
 */
export async function* lineBatches(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<string[]> {
  const decoder = new TextDecoder("utf-8");
  let carry = "";
  for await (const chunk of chunks) {
    const text = carry + decoder.decode(chunk, { stream: true });
    const lines = text.split("\n");
    carry = lines.pop() as string;
    yield lines.map(withoutCarriageReturn);
  }
  carry += decoder.decode();
  if (carry.length > 0) yield [withoutCarriageReturn(carry)];
}

function withoutCarriageReturn(line: string): string {
  return line.endsWith("\r") ? line.slice(0, -1) : line;
}

/** Batches of the lines of the object at `url`, decompressed as `compression` says (default `"infer"`). */
export async function* readLineBatches(url: string, options: ReadLinesOptions = {}): AsyncGenerator<string[]> {
  const { fs, path } = urlToFs(url, options);
  const source = await fs.open(path, { cache: "none", signal: options.signal });
  const compression = resolveCompression(options.compression === undefined ? "infer" : options.compression, source.url);
  const sequential: SequentialOptions = { signal: options.signal, readSize: options.readSize };
  yield* lineBatches(streamContent(source, compression, sequential));
}

/**
 * The text lines of the object at `url`, streamed: read front to back in 8 MiB reads,
 * decompressed on the way (`compression: "infer"` by default, from the name's suffix), never
 * held whole in memory.
 *
 * ```ts
 * for await (const line of readLines("s3://bucket/catalogue.csv.gz", { anon: true })) console.log(line);
 * ```
 */
export async function* readLines(url: string, options: ReadLinesOptions = {}): AsyncGenerator<string> {
  for await (const batch of readLineBatches(url, options)) yield* batch;
}
