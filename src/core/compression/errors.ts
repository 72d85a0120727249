/**
 * The error a damaged or mislabelled compressed stream raises.
 * @module
 */
import { FormatError, type FormatErrorOptions, nameErrorClasses } from "../errors.js";

/** What is wrong with a compressed stream. */
export type DecompressionProblem = "not-compressed" | "truncated" | "checksum" | "size" | "corrupt" | "unsupported";

/**
 * A compressed stream cannot be decoded: it is not in the format its name or option says, it
 * ends too early, a checksum or recorded size disagrees with the data, or its coding is broken.
 * No bytes decoded past the problem are ever returned.
 */
export class DecompressionError extends FormatError {
  /** The kind of problem. */
  readonly problem: DecompressionProblem;

  constructor(problem: DecompressionProblem, message: string, options: FormatErrorOptions = {}) {
    super(message, options);
    this.problem = problem;
  }
}

nameErrorClasses({ DecompressionError });
