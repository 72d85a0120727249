/**
 * Checks one FITS file of the corpus against its expected JSON.
 * @module
 */
import { createHash } from "node:crypto";
import { open } from "../../src/core/dispatch.js";
import { FormatError } from "../../src/core/errors.js";
import "../../src/platform/node.js";
import type { NumericArray } from "../../src/core/typed-array.js";
import {
  type AnyHdu,
  AsciiTableHdu,
  BinTableHdu,
  type ColumnValues,
  CompImageHdu,
  type Dtype,
  GroupsHdu,
  type Header,
  type HeaderValue,
  ImageHdu,
  openFitsSource,
  verifyChecksum,
} from "../../src/formats/fits/index.js";
import { numericHash, numericHashBytes, stringsHash, type ValueKind } from "./hash.js";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The hash rule's value kind for a dtype. */
export function kindOf(dtype: Dtype): ValueKind {
  if (dtype === "bool") return "bool";
  if (dtype === "uint64") return "uint64";
  if (dtype.startsWith("float")) return "float";
  if (dtype.startsWith("complex")) return "complex";
  return "int";
}

/** A header value in the corpus's JSON encoding. */
export function encodeValue(value: HeaderValue): Json {
  if (typeof value === "bigint") return { int: value.toString() };
  if (typeof value === "number") {
    if (Number.isNaN(value)) return { float: "nan" };
    if (!Number.isFinite(value)) return { float: value > 0 ? "inf" : "-inf" };
    if (Number.isInteger(value) && !Number.isSafeInteger(value)) return { int: BigInt(value).toString() };
    return value;
  }
  if (value !== null && typeof value === "object") return { complex: [value.re, value.im] };
  return value;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function firstValues(data: NumericArray, dtype: Dtype): Json[] {
  return Array.from(data.slice(0, dtype.startsWith("complex") ? 6 : 3) as ArrayLike<number | bigint>, (value) =>
    dtype === "bool" ? value === 1 : typeof value === "bigint" ? Number(value) : value,
  );
}

async function checkColumn(
  hdu: BinTableHdu | AsciiTableHdu,
  expected: Record<string, Json>,
  problems: string[],
  label: string,
): Promise<void> {
  let values: ColumnValues;
  try {
    values = await hdu.column(
      hdu.columnNames.indexOf(expected.name as string) >= 0 ? (expected.name as string) : (expected.name as string),
    );
  } catch (error) {
    problems.push(`${label}: ${(error as Error).message}`);
    return;
  }
  if (expected.kind === "string") {
    if (values.kind !== "string") return void problems.push(`${label}: kind ${values.kind}, expected string`);
    const hash = stringsHash(values.values);
    if (hash !== expected.sha256) problems.push(`${label}: strings hash differs (first ${JSON.stringify(values.values.slice(0, 3))})`);
    return;
  }
  if (expected.kind === "vla") {
    if (values.kind !== "vla") return void problems.push(`${label}: kind ${values.kind}, expected vla`);
    const hash = createHash("sha256");
    for (const row of values.rows) {
      const count = Buffer.alloc(8);
      const elements = row.dtype.startsWith("complex") ? row.data.length / 2 : row.data.length;
      count.writeBigUInt64LE(BigInt(elements));
      hash.update(count);
      hash.update(numericHashBytes(row.data as ArrayLike<number | bigint>, kindOf(row.dtype)));
    }
    if (hash.digest("hex") !== expected.sha256) problems.push(`${label}: vla hash differs`);
    return;
  }
  if (values.kind !== "numeric") return void problems.push(`${label}: kind ${values.kind}, expected numeric`);
  if (/^void/.test(String(expected.dtype)) && same(expected.shape, [0])) {
    // astropy shows a zero-width column (repeat 0) as an empty void array; skyfs gives its
    // declared type with shape [nrows, 0]. Both hold no values.
    if (values.data.length !== 0) problems.push(`${label}: a zero-width column holds ${values.data.length} values`);
    return;
  }
  if (values.dtype !== expected.dtype) problems.push(`${label}: dtype ${values.dtype}, expected ${expected.dtype}`);
  if (!same(values.shape, expected.shape))
    problems.push(`${label}: shape ${JSON.stringify(values.shape)}, expected ${JSON.stringify(expected.shape)}`);
  const hash = numericHash(values.data as ArrayLike<number | bigint>, kindOf(values.dtype));
  if (hash !== expected.sha256)
    problems.push(
      `${label}: hash differs (first ${JSON.stringify(firstValues(values.data, values.dtype))}, expected ${JSON.stringify(expected.first)})`,
    );
}

function compareCards(header: Header, wanted: Json[], problems: string[], at: string): void {
  const cards = header.cards.map((card) => [card.keyword, encodeValue(card.value), card.comment]);
  if (cards.length !== wanted.length) problems.push(`${at}: ${cards.length} cards, expected ${wanted.length}`);
  for (let i = 0; i < Math.min(cards.length, wanted.length); i++) {
    if (!same(cards[i], wanted[i])) {
      problems.push(`${at}: card ${i} ${JSON.stringify(cards[i])}, expected ${JSON.stringify(wanted[i])}`);
      break;
    }
  }
}

async function checkHdu(hdu: AnyHdu, expected: Record<string, Json>, problems: string[]): Promise<void> {
  const at = `HDU ${hdu.index}`;
  if (hdu.type !== expected.type) problems.push(`${at}: type ${hdu.type}, expected ${expected.type}`);
  if (hdu.name !== expected.name) problems.push(`${at}: name ${JSON.stringify(hdu.name)}, expected ${JSON.stringify(expected.name)}`);
  if (hdu.ver !== expected.ver) problems.push(`${at}: ver ${hdu.ver}, expected ${expected.ver}`);
  compareCards(hdu.header, expected.header as Json[], problems, at);
  if (hdu instanceof CompImageHdu && expected.image_header !== undefined)
    compareCards(hdu.imageHeader, expected.image_header as Json[], problems, `${at} image header`);
  if (expected.checksum_ok !== undefined) {
    const report = await verifyChecksum(hdu);
    const ok = report.checksumOk !== false && report.datasumOk !== false;
    if (ok !== expected.checksum_ok)
      problems.push(`${at}: checksum_ok ${ok}, expected ${expected.checksum_ok} (${report.problems.join("; ")})`);
  }
  if (hdu instanceof GroupsHdu) {
    if (hdu.groups !== expected.groups) problems.push(`${at}: ${hdu.groups} groups, expected ${expected.groups}`);
    if (!same(hdu.params, expected.params)) problems.push(`${at}: params ${JSON.stringify(hdu.params)}`);
    if (expected.data_shape !== undefined && !same(hdu.dataShape, expected.data_shape))
      problems.push(`${at}: data shape ${JSON.stringify(hdu.dataShape)}`);
    if (expected.data_sha256 !== undefined) {
      const { data } = await hdu.read();
      if (numericHash(data.data as ArrayLike<number>, kindOf(data.dtype)) !== expected.data_sha256)
        problems.push(`${at}: group data hash differs`);
    }
  } else if (hdu instanceof ImageHdu && expected.shape !== undefined) {
    if (!same(hdu.shape, expected.shape))
      problems.push(`${at}: shape ${JSON.stringify(hdu.shape)}, expected ${JSON.stringify(expected.shape)}`);
    if (expected.sha256 !== undefined) {
      const data = await hdu.data();
      if (data.dtype !== expected.dtype) problems.push(`${at}: dtype ${data.dtype}, expected ${expected.dtype}`);
      if (numericHash(data.data as ArrayLike<number>, kindOf(data.dtype)) !== expected.sha256) problems.push(`${at}: data hash differs`);
    }
  } else if (hdu instanceof CompImageHdu) {
    // For compressed images the expectations' `nrows` is the image header's NAXIS2 (0 when the
    // image has one axis), as astropy presents the HDU; columns astropy failed on are not compared.
    const rows = hdu.imageHeader.integer("NAXIS2", 0);
    if (rows !== expected.nrows) problems.push(`${at}: ${rows} rows, expected ${expected.nrows}`);
    if (expected.shape !== undefined && !same(hdu.shape, expected.shape))
      problems.push(`${at}: shape ${JSON.stringify(hdu.shape)}, expected ${JSON.stringify(expected.shape)}`);
    if (expected.sha256 !== undefined) {
      const data = await hdu.data();
      if (numericHash(data.data as ArrayLike<number>, kindOf(data.dtype)) !== expected.sha256) problems.push(`${at}: data hash differs`);
    }
  } else if (hdu instanceof BinTableHdu || hdu instanceof AsciiTableHdu) {
    if (hdu.nrows !== expected.nrows) problems.push(`${at}: ${hdu.nrows} rows, expected ${expected.nrows}`);
    for (const column of (expected.columns as Array<Record<string, Json>>) ?? [])
      await checkColumn(hdu, column, problems, `${at} column ${column.name}`);
  } else if (expected.shape !== undefined || expected.columns !== undefined) {
    problems.push(`${at}: no reader for ${hdu.type}`);
  }
}

/** Reads everything a file holds, to provoke the reader's errors on invalid files. */
async function readEverything(hdus: AnyHdu[]): Promise<void> {
  for (const hdu of hdus) {
    if (hdu.header.has("CHECKSUM") || hdu.header.has("DATASUM")) await verifyChecksum(hdu);
    if (hdu instanceof GroupsHdu) await hdu.read();
    else if (hdu instanceof ImageHdu) await hdu.data();
    else if (hdu instanceof BinTableHdu || hdu instanceof AsciiTableHdu) for (const name of hdu.columnNames.keys()) await hdu.column(name);
  }
}

/** Returns the differences between what the reader gives and the expectations. */
export async function checkFits(file: string, expected: Record<string, unknown>): Promise<string[]> {
  if (expected.valid === false) {
    try {
      await readEverything(await openFitsSource(await open(file, { compression: "infer" })).hdus());
    } catch (error) {
      if (error instanceof FormatError) return [];
      return [`expected a FormatError, got ${(error as Error)?.name}: ${(error as Error)?.message}`];
    }
    return ["expected a FormatError, the file was read without one"];
  }
  const source = await open(file, { compression: "infer" });
  const problems: string[] = [];
  let hdus: AnyHdu[];
  try {
    hdus = await openFitsSource(source).hdus();
  } catch (error) {
    return [`${(error as Error).name}: ${(error as Error).message}`];
  }
  const wanted = expected.hdus as Array<Record<string, Json>>;
  if (hdus.length !== wanted.length) problems.push(`${hdus.length} HDUs, expected ${wanted.length}`);
  for (const [i, hdu] of hdus.entries()) {
    const expectation = wanted[i];
    if (!expectation) break;
    try {
      await checkHdu(hdu, expectation, problems);
    } catch (error) {
      problems.push(`HDU ${i}: ${(error as Error).name}: ${(error as Error).message}`);
    }
  }
  return problems;
}
