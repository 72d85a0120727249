/**
 * A small ASDF writer for the tests' own fixtures: header lines, a YAML tree given as text,
 * blocks (raw, zlib or ASDF-framed lz4) with MD5 checksums, and an optional block index.
 */
import { createHash } from "node:crypto";
import { deflateSync } from "node:zlib";
import lz4 from "lz4js";
import { concatBytes } from "../../src/core/bytes.js";

/** One block to write. */
export interface BlockInput {
  data: Uint8Array;
  compression?: "zlib" | "lz4";
  /** Write a wrong checksum. */
  badChecksum?: boolean;
}

function lz4Frame(data: Uint8Array): Uint8Array {
  const bound = (lz4 as unknown as { compressBound(n: number): number }).compressBound(data.length);
  const compressed = new Uint8Array(bound);
  const length = (
    lz4 as unknown as { compressBlock(src: Uint8Array, dst: Uint8Array, s: number, l: number, h: Uint32Array): number }
  ).compressBlock(data, compressed, 0, data.length, new Uint32Array(1 << 16));
  const out = new Uint8Array(8 + length);
  const view = new DataView(out.buffer);
  view.setUint32(0, length + 4);
  view.setUint32(4, data.length, true);
  out.set(compressed.subarray(0, length), 8);
  return out;
}

/** Builds ASDF bytes: `yaml` is the whole YAML document, `%YAML` through `...`. */
export function writeAsdf(
  yaml: string,
  blocks: readonly BlockInput[] = [],
  options: { index?: boolean; standard?: string } = {},
): Uint8Array {
  const parts: Uint8Array[] = [new TextEncoder().encode(`#ASDF 1.0.0\n#ASDF_STANDARD ${options.standard ?? "1.5.0"}\n${yaml}`)];
  let offset = parts[0]?.length ?? 0;
  const offsets: number[] = [];
  for (const block of blocks) {
    const stored =
      block.compression === "zlib"
        ? new Uint8Array(deflateSync(block.data))
        : block.compression === "lz4"
          ? lz4Frame(block.data)
          : block.data;
    const header = new Uint8Array(6 + 48);
    const view = new DataView(header.buffer);
    header.set([0xd3, 0x42, 0x4c, 0x4b]);
    view.setUint16(4, 48);
    view.setUint32(6, 0);
    header.set(new TextEncoder().encode((block.compression ?? "").padEnd(4, "\0")), 10);
    view.setBigUint64(14, BigInt(stored.length));
    view.setBigUint64(22, BigInt(stored.length));
    view.setBigUint64(30, BigInt(block.data.length));
    const digest = createHash("md5").update(block.data).digest();
    if (block.badChecksum) digest[0] = (digest[0] as number) ^ 0xff;
    header.set(digest, 38);
    offsets.push(offset);
    parts.push(header, stored);
    offset += header.length + stored.length;
  }
  if (options.index !== false && blocks.length > 0) {
    parts.push(new TextEncoder().encode(`#ASDF BLOCK INDEX\n%YAML 1.1\n---\n${offsets.map((at) => `- ${at}\n`).join("")}...\n`));
  }
  return concatBytes(parts);
}

/** The usual start of an ASDF tree. */
export const TREE_START = "%YAML 1.1\n%TAG ! tag:stsci.edu:asdf/\n--- !core/asdf-1.1.0\n";

/** Bytes of a typed array in the given byte order. */
export function bytesOf(values: ArrayLike<number>, kind: "int16" | "float32" | "float64" | "int32", order: "big" | "little"): Uint8Array {
  const width = { int16: 2, int32: 4, float32: 4, float64: 8 }[kind];
  const out = new Uint8Array(values.length * width);
  const view = new DataView(out.buffer);
  const little = order === "little";
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    if (kind === "int16") view.setInt16(i * width, value, little);
    else if (kind === "int32") view.setInt32(i * width, value, little);
    else if (kind === "float32") view.setFloat32(i * width, value, little);
    else view.setFloat64(i * width, value, little);
  }
  return out;
}
