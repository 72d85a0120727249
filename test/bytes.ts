/**
 * Byte comparisons for tests: `toEqual` walks a typed array element by element, which takes
 * seconds for tens of kilobytes; these compare with `Buffer.equals` and say where bytes differ.
 */
import { expect } from "vitest";

/** Where two byte arrays differ, in words, or `""` when they are equal. */
export function byteDifference(actual: ArrayBufferView | undefined, expected: ArrayBufferView): string {
  if (actual === undefined) return "no bytes";
  const a = Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength);
  const b = Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength);
  if (a.equals(b)) return "";
  let index = 0;
  while (index < a.length && index < b.length && a[index] === b[index]) index++;
  const lengths = a.length === b.length ? `${a.length} bytes` : `${a.length} bytes instead of ${b.length}`;
  return index < a.length && index < b.length
    ? `${lengths}, first difference at byte ${index}: ${a[index]} instead of ${b[index]}`
    : lengths;
}

/** Asserts that `actual` holds exactly the bytes of `expected` (same length, same bytes). */
export function expectBytes(actual: ArrayBufferView | undefined, expected: ArrayBufferView, message?: string): void {
  expect(byteDifference(actual, expected), message).toBe("");
}

/** Seeded pseudo-random bytes (a linear congruential generator): incompressible, and the same every run. */
export function lcgBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}
