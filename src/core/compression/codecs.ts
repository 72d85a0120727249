/**
 * The whole-file compressions skyfs decodes, how a file name tells which, and one streaming
 * decoder per compression: gzip, bzip2 and Unix compress by skyfs's own decoders,
 * xz by `xz-decompress` (xz-embedded in WebAssembly), zstd by `fzstd` (pure JavaScript) with
 * skyfs's own frame walk and content checksum check.
 * @module
 */

import { concatBytes } from "../bytes.js";
import { type DecoderGenerator, NEED_INPUT } from "./bit-input.js";
import { type Bunzip2Options, bunzip2 } from "./bunzip2.js";
import { DecompressionError } from "./errors.js";
import { type GunzipOptions, gunzip } from "./gzip.js";
import { uncompressLzw } from "./lzw.js";
import { unzstd } from "./zstd.js";

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
  /** For bzip2: what to report about each block. */
  bzip2?: Omit<Bunzip2Options, "url">;
}

/**
 * Decodes a compressed byte stream. Output is given as it is decoded, so memory stays bounded
 * (for bzip2, one block of at most 900 000 symbols). A damaged stream ends with a
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
      return driveDecoder(bunzip2({ ...options.bzip2, url }), input);
    case "xz":
      return unxz(input, url);
    case "zstd":
      return unzstd(input, url);
  }
}

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return bytes.length >= magic.length && magic.every((value, i) => bytes[i] === value);
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
  const head = seen.length === 1 ? (seen[0] as Uint8Array) : concatBytes(seen);
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

function decoderError(format: string, error: unknown, url: string | undefined): DecompressionError {
  if (error instanceof DecompressionError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const truncated = /eof|end of|unexpected end|truncat|premature/i.test(message);
  return new DecompressionError(truncated ? "truncated" : "corrupt", `${format} stream: ${message}`, { url, cause: error });
}
