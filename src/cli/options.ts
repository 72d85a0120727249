/**
 * Parsers of numeric options: a value that is not what the option takes is a usage error
 * (exit code 2) saying what the option takes, never a NaN that quietly changes what the
 * command does.
 * @module
 */
import { InvalidArgumentError } from "commander";

function parsed(option: string, text: string, what: string, valid: (value: number) => boolean): number {
  const value = /^\s*-?\d+(\.\d+)?\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!valid(value)) throw new InvalidArgumentError(`${option} takes ${what}.`);
  return value;
}

/** A parser for an option taking a whole number of at least `minimum`. */
export function integerOption(option: string, minimum: number): (text: string) => number {
  const what =
    minimum === 1 ? "a positive whole number" : minimum === 0 ? "a whole number (0 or more)" : `a whole number of at least ${minimum}`;
  return (text) => parsed(option, text, what, (value) => Number.isInteger(value) && value >= minimum);
}

/** A parser for a percentile option (0 to 100). */
export function percentileOption(option: string): (text: string) => number {
  return (text) => parsed(option, text, "a percentile from 0 to 100", (value) => value >= 0 && value <= 100);
}
