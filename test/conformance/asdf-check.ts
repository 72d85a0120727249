/**
 * Checks one ASDF file of the corpus against its expected JSON.
 * @module
 */
import "../../src/platform/node.js";
import { open } from "../../src/core/dispatch.js";
import { FormatError, SkyfsError } from "../../src/core/errors.js";
import { AsdfFile, type Datatype, NdArray, STREAMED, TaggedValue } from "../../src/formats/asdf/index.js";
import { bytesHash, numericHash, stringsHash, type ValueKind } from "./hash.js";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function kindOf(dtype: string): ValueKind {
  if (dtype === "bool") return "bool";
  if (dtype === "uint64") return "uint64";
  if (dtype.startsWith("int") || dtype.startsWith("uint")) return "int";
  if (dtype.startsWith("complex")) return "complex";
  return "float";
}

/** The records of a structured array with every field turned little-endian, packed in order. */
function structuredLittleEndian(bytes: Uint8Array, datatype: Extract<Datatype, { kind: "structured" }>, count: number): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let record = 0; record < count; record++) {
    const base = record * datatype.itemsize;
    for (const field of datatype.fields) {
      const cells = field.shape.reduce((product, length) => product * length, 1);
      const width =
        field.type.kind === "numeric"
          ? field.type.name.startsWith("complex")
            ? field.type.itemsize / 2
            : field.type.itemsize
          : field.type.kind === "string" && field.type.encoding === "ucs4"
            ? 4
            : 1;
      const big = field.type.kind !== "structured" && field.type.byteorder === "big";
      const span = field.type.itemsize * cells;
      for (let at = 0; at < span; at += width) {
        const from = base + field.offset + at;
        const piece = bytes.subarray(from, from + width);
        out.set(big ? Uint8Array.from(piece).reverse() : piece, from);
      }
    }
  }
  return out;
}

async function describeArray(array: NdArray): Promise<Json> {
  const read = await array.read();
  const summary: Record<string, Json> = { shape: read.shape, dtype: read.dtype };
  if (read.datatype.kind === "structured") {
    summary.fields = read.datatype.fields.map((field) => field.name);
    summary.sha256 = bytesHash(
      structuredLittleEndian(
        read.data as Uint8Array,
        read.datatype,
        read.shape.reduce((a, b) => a * b, 1),
      ),
    );
    summary.hash_rule = "structured-bytes";
  } else if (read.datatype.kind === "string") {
    summary.sha256 = stringsHash((read.data as string[]).map((value) => value.replace(/\s+$/, "")));
    summary.hash_rule = "strings";
  } else {
    summary.sha256 = numericHash(read.data as ArrayLike<number | bigint>, kindOf(read.dtype));
    summary.hash_rule = "numeric";
  }
  return { __ndarray__: summary };
}

async function comparable(node: unknown): Promise<Json> {
  if (node instanceof NdArray) return describeArray(node);
  if (node instanceof TaggedValue) return { __tag__: node.tag, value: await comparable(node.value) };
  if (typeof node === "bigint") return { int: node.toString() };
  if (typeof node === "number") {
    if (Number.isNaN(node)) return { float: "nan" };
    if (!Number.isFinite(node)) return { float: node > 0 ? "inf" : "-inf" };
    return node;
  }
  if (Array.isArray(node)) return Promise.all(node.map(comparable));
  if (node !== null && typeof node === "object") {
    const entries = Object.entries(node);
    if (entries.length === 2 && "re" in node && "im" in node)
      return { complex: [(node as { re: number }).re, (node as { im: number }).im] };
    const out: Record<string, Json> = {};
    for (const [key, value] of entries) out[key] = await comparable(value);
    return out;
  }
  return node as Json;
}

/** JSON with object keys sorted, so that key order does not matter. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, item) =>
    item !== null && typeof item === "object" && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : 1)))
      : item,
  );
}

function differences(ours: unknown, theirs: unknown, path: string, problems: string[]): void {
  if (problems.length > 5) return;
  if (canonical(ours) === canonical(theirs)) return;
  if (
    ours !== null &&
    theirs !== null &&
    typeof ours === "object" &&
    typeof theirs === "object" &&
    !Array.isArray(ours) &&
    !Array.isArray(theirs)
  ) {
    const keys = new Set([...Object.keys(ours), ...Object.keys(theirs)]);
    for (const key of keys)
      differences((ours as Record<string, unknown>)[key], (theirs as Record<string, unknown>)[key], `${path}/${key}`, problems);
    return;
  }
  if (Array.isArray(ours) && Array.isArray(theirs) && ours.length === theirs.length) {
    for (const [i, item] of ours.entries()) differences(item, theirs[i], `${path}/${i}`, problems);
    return;
  }
  problems.push(`${path || "/"}: ${canonical(ours)?.slice(0, 200)}, expected ${canonical(theirs)?.slice(0, 200)}`);
}

/** Returns the differences between what the reader gives and the expectations. */
export async function checkAsdf(file: string, expected: Record<string, unknown>): Promise<string[]> {
  const source = await open(file, { compression: "infer" });
  if (expected.valid === false) {
    try {
      const af = await AsdfFile.open(source, { resolveExternal: (url) => open(url) });
      for (const path of af.arrays()) await (af.get(path) as NdArray).read();
      await af.blocks();
    } catch (error) {
      if (error instanceof FormatError) return [];
      return [`expected a FormatError, got ${(error as Error)?.name}: ${(error as Error)?.message}`];
    }
    return ["expected a FormatError, the file was read without one"];
  }
  const problems: string[] = [];
  let af: AsdfFile;
  try {
    af = await AsdfFile.open(source, { resolveExternal: (url) => open(url) });
  } catch (error) {
    return [`${error instanceof SkyfsError ? error.name : "crash"}: ${(error as Error).message}`];
  }
  if (expected.version !== undefined && af.standardVersion !== expected.version)
    problems.push(`version ${af.standardVersion}, expected ${expected.version}`);
  const tree = { ...(af.tree as Record<string, unknown>) };
  delete tree.asdf_library;
  delete tree.history;
  try {
    differences(await comparable(tree), expected.tree, "", problems);
    if (expected.arrays !== undefined && canonical([...af.arrays()].sort()) !== canonical([...(expected.arrays as string[])].sort()))
      problems.push(`arrays ${JSON.stringify(af.arrays())}, expected ${JSON.stringify(expected.arrays)}`);
    // The reference library's count leaves out a streamed block.
    const blocks = (await af.blocks()).filter((block) => (block.flags & STREAMED) === 0).length;
    if (expected.blocks !== undefined && blocks !== expected.blocks) problems.push(`${blocks} blocks, expected ${expected.blocks}`);
  } catch (error) {
    problems.push(`${error instanceof SkyfsError ? error.name : "crash"}: ${(error as Error).message}`);
  }
  return problems;
}
