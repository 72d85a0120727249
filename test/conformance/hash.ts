/**
 * The canonical hashes of the conformance corpus (see the corpus's EXPECTED.md).
 * @module
 */
import { createHash } from "node:crypto";

/** How the values of an array are to be hashed. */
export type ValueKind = "bool" | "int" | "uint64" | "float" | "complex";

/**
 * SHA-256 of values in C order: booleans as one byte, integers as int64 LE (uint64 LE for
 * uint64 arrays), floats as float64 LE with every NaN canonical, complex as two floats
 * (interleaved real, imaginary in `values`).
 */
export function numericHashBytes(values: ArrayLike<number | bigint | boolean>, kind: ValueKind): Uint8Array {
  const hash = createHash("sha256");
  const width = kind === "bool" ? 1 : 8;
  const chunk = 65536;
  const buffer = Buffer.alloc(chunk * width);
  for (let start = 0; start < values.length; start += chunk) {
    const end = Math.min(values.length, start + chunk);
    for (let i = start; i < end; i++) {
      const value = values[i] as number | bigint | boolean;
      const at = (i - start) * width;
      if (kind === "bool") buffer[at] = value ? 1 : 0;
      else if (kind === "int") buffer.writeBigInt64LE(BigInt(value as number | bigint), at);
      else if (kind === "uint64") buffer.writeBigUInt64LE(BigInt(value as number | bigint), at);
      else if (Number.isNaN(value)) buffer.writeBigUInt64LE(0x7ff8000000000000n, at);
      else buffer.writeDoubleLE(Number(value), at);
    }
    hash.update(buffer.subarray(0, (end - start) * width));
  }
  return new Uint8Array(hash.digest());
}

/** {@link numericHashBytes} as lower-case hex. */
export function numericHash(values: ArrayLike<number | bigint | boolean>, kind: ValueKind): string {
  return Buffer.from(numericHashBytes(values, kind)).toString("hex");
}

/** SHA-256 of the compact JSON array of strings, as the reader returns them (trailing spaces kept, as the reference hashes keep them). */
export function stringsHash(values: readonly string[]): string {
  const json = JSON.stringify(values);
  return createHash("sha256").update(json, "utf8").digest("hex");
}

/** SHA-256 of raw bytes, as hex. */
export function bytesHash(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}
