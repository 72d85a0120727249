/**
 * The whole-file compressions skyfs decodes, how a file name tells which, and one streaming
 * decoder per compression: gzip and Unix compress by skyfs's own decoders, bzip2 by `seek-bzip`,
 * xz by `xz-decompress` (xz-embedded in WebAssembly), zstd by `fzstd` (pure JavaScript).
 * @module
 */

import bzip from "seek-bzip";
import { concatBytes } from "../bytes.js";
import { type DecoderGenerator, NEED_INPUT } from "./bit-input.js";
import { DecompressionError } from "./errors.js";
import { type GunzipOptions, gunzip } from "./gzip.js";
import { uncompressLzw } from "./lzw.js";

/** A whole-file compression. `compress` is Unix compress (`.Z`, LZW). */
export type Compression = "gzip" | "bz2" | "xz" | "zstd" | "compress";

/** The `compression` option: one compression, `"infer"` from the name's suffix, or `null` for none. */
export type CompressionOption = Compression | "infer" | null;

/** Every compression skyfs decodes. */
export const COMPRESSIONS: readonly Compression[] = ["gzip", "bz2", "xz", "zstd", "compress"];

const SUFFIXES: ReadonlyArray<[string, Compression]> = [
  [".gz", "gzip"],
  [".gzip", "gzip"],
  [".bz2", "bz2"],
  [".xz", "xz"],
  [".zst", "zstd"],
  [".zstd", "zstd"],
  [".Z", "compress"],
];

/** The compression a file name's suffix names (`.gz`, `.bz2`, `.xz`, `.zst`, `.Z`), or undefined. */
export function compressionOfName(name: string): Compression | undefined {
  const path = name.replace(/[?#].*$/, "");
  for (const [suffix, compression] of SUFFIXES) {
    const matches = suffix === ".Z" ? path.endsWith(suffix) : path.toLowerCase().endsWith(suffix);
    if (matches) return compression;
  }
  return undefined;
}

/** The name with its compression suffix removed (`x.fits.gz` gives `x.fits`). */
export function stripCompressionSuffix(name: string): string {
  const compression = compressionOfName(name);
  if (!compression) return name;
  const suffix = SUFFIXES.find(([s, c]) => c === compression && (s === ".Z" ? name.endsWith(s) : name.toLowerCase().endsWith(s)));
  return suffix ? name.slice(0, -suffix[0].length) : name;
}

/**
 * Resolves the `compression` option for a file name: `"infer"` looks at the suffix, `null` or
 * `undefined` mean none. Throws {@link DecompressionError} for an unknown name.
 */
export function resolveCompression(option: CompressionOption | undefined, name: string): Compression | undefined {
  if (option === undefined || option === null) return undefined;
  if (option === "infer") return compressionOfName(name);
  if (!COMPRESSIONS.includes(option)) {
    throw new DecompressionError("unsupported", `unknown compression ${JSON.stringify(option)} (known: ${COMPRESSIONS.join(", ")}, infer)`);
  }
  return option;
}

/** Runs a resumable decoder over chunks of input, yielding its output as it comes. */
export async function* driveDecoder(decoder: DecoderGenerator, input: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const chunks = input[Symbol.asyncIterator]();
  try {
    let step = decoder.next();
    while (!step.done) {
      if (step.value === NEED_INPUT) {
        const next = await chunks.next();
        step = decoder.next(next.done ? undefined : next.value);
      } else {
        yield step.value;
        step = decoder.next();
      }
    }
  } finally {
    await chunks.return?.();
  }
}

/** Options of {@link decompressStream}. */
export interface DecompressStreamOptions {
  /** The URL named by errors. */
  url?: string;
  /** For gzip: where to start and which checkpoints to report. */
  gzip?: GunzipOptions;
}

/**
 * Decodes a compressed byte stream. Output is given as it is decoded, so memory stays bounded
 * (bzip2 excepted: `seek-bzip` decodes a whole stream at once). A damaged stream ends with a
 * {@link DecompressionError}.
 */
export function decompressStream(
  compression: Compression,
  input: AsyncIterable<Uint8Array>,
  options: DecompressStreamOptions = {},
): AsyncGenerator<Uint8Array> {
  const url = options.url;
  switch (compression) {
    case "gzip":
      return driveDecoder(gunzip({ ...options.gzip, url }), input);
    case "compress":
      return driveDecoder(uncompressLzw(url), input);
    case "bz2":
      return bunzip2(input, url);
    case "xz":
      return unxz(input, url);
    case "zstd":
      return unzstd(input, url);
  }
}

async function collect(input: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of input) chunks.push(chunk);
  return concatBytes(chunks);
}

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return bytes.length >= magic.length && magic.every((value, i) => bytes[i] === value);
}

/** An output of `seek-bzip` that hands its bytes over in chunks. */
class ChunkedOutput {
  readonly chunks: Uint8Array[] = [];
  private current = new Uint8Array(1 << 20);
  private at = 0;

  writeByte(value: number): void {
    if (this.at === this.current.length) {
      this.chunks.push(this.current);
      this.current = new Uint8Array(1 << 20);
      this.at = 0;
    }
    this.current[this.at++] = value;
  }

  finish(): Uint8Array[] {
    if (this.at > 0) this.chunks.push(this.current.subarray(0, this.at));
    return this.chunks;
  }
}

async function* bunzip2(input: AsyncIterable<Uint8Array>, url: string | undefined): AsyncGenerator<Uint8Array> {
  const all = await collect(input);
  if (!startsWith(all, [0x42, 0x5a, 0x68])) throw new DecompressionError("not-compressed", "not a bzip2 stream (no BZh magic)", { url });
  const output = new ChunkedOutput();
  try {
    bzip.decode(Buffer.from(all.buffer, all.byteOffset, all.byteLength), output as unknown as Buffer, true);
  } catch (error) {
    throw decoderError("bzip2", error, url);
  }
  yield* output.finish();
}

/** The first `length` bytes of a stream (fewer if it is shorter), and the whole stream again. */
async function peek(input: AsyncIterable<Uint8Array>, length: number): Promise<{ head: Uint8Array; stream: AsyncGenerator<Uint8Array> }> {
  const chunks = input[Symbol.asyncIterator]();
  const seen: Uint8Array[] = [];
  let held = 0;
  while (held < length) {
    const next = await chunks.next();
    if (next.done) break;
    seen.push(next.value);
    held += next.value.length;
  }
  const head = seen.length === 1 ? (seen[0] as Uint8Array) : Buffer.concat(seen);
  async function* stream(): AsyncGenerator<Uint8Array> {
    try {
      if (head.length > 0) yield head;
      for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
    } finally {
      await chunks.return?.();
    }
  }
  return { head, stream: stream() };
}

async function* unxz(input: AsyncIterable<Uint8Array>, url: string | undefined): AsyncGenerator<Uint8Array> {
  const { head, stream } = await peek(input, 6);
  if (!startsWith(head, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])) {
    await stream.return(undefined);
    throw new DecompressionError("not-compressed", "not an xz stream (no FD 37 7A 58 5A 00 magic)", { url });
  }
  const { XzReadableStream } = await import("xz-decompress");
  const compressed = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await stream.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel() {
      await stream.return(undefined);
    },
  });
  const reader = new XzReadableStream(compressed as unknown as ConstructorParameters<typeof XzReadableStream>[0]).getReader();
  try {
    for (let step = await reader.read(); !step.done; step = await reader.read()) yield step.value as Uint8Array;
  } catch (error) {
    throw decoderError("xz", error, url);
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

async function* unzstd(input: AsyncIterable<Uint8Array>, url: string | undefined): AsyncGenerator<Uint8Array> {
  const { head, stream } = await peek(input, 4);
  const frame = startsWith(head, [0x28, 0xb5, 0x2f, 0xfd]);
  const skippable = head.length >= 4 && (head[0]! & 0xf0) === 0x50 && head[1] === 0x2a && head[2] === 0x4d && head[3] === 0x18;
  if (!frame && !skippable) {
    await stream.return(undefined);
    throw new DecompressionError("not-compressed", "not a zstd stream (no 28 B5 2F FD magic)", { url });
  }
  const { Decompress } = await import("fzstd");
  const pending: Uint8Array[] = [];
  const decoder = new Decompress((chunk) => {
    pending.push(chunk);
  });
  for await (const chunk of stream) {
    try {
      decoder.push(chunk);
    } catch (error) {
      throw decoderError("zstd", error, url);
    }
    yield* pending.splice(0);
  }
  try {
    decoder.push(new Uint8Array(0), true);
  } catch (error) {
    throw decoderError("zstd", error, url);
  }
  yield* pending.splice(0);
}

function decoderError(format: string, error: unknown, url: string | undefined): DecompressionError {
  if (error instanceof DecompressionError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const truncated = /eof|end of|unexpected end|truncat|premature/i.test(message);
  return new DecompressionError(truncated ? "truncated" : "corrupt", `${format} stream: ${message}`, { url, cause: error });
}
