/** What the decompression tests ask of a failure. */
import { DecompressionError } from "../../src/index.js";

/**
 * The `problem` of the {@link DecompressionError} `promise` rejects with, or `"none"` when it
 * resolves; any other rejection passes on and fails the test.
 */
export async function problemOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DecompressionError) return error.problem;
    throw error;
  }
  return "none";
}
