/**
 * Finds the optional opendal npm package (a peer of the benchmark, installed outside the
 * project) without making it a dependency.
 */
import { createRequire } from "node:module";
import { join } from "node:path";

/** The part of opendal's `Operator` the benchmark uses. */
export interface OpendalOperator {
  /** Reads `size` bytes at `offset` of `path`. */
  read(path: string, options?: { offset?: bigint; size?: bigint }): Promise<Buffer>;
}

/** What opendal exports, as far as the benchmark uses it. */
export interface Opendal {
  /** An operator for a scheme and its options. */
  Operator: new (
    scheme: string,
    options: Record<string, string>,
  ) => OpendalOperator;
}

/**
 * Loads opendal from `SKYFS_BENCH_OPENDAL` (a folder holding node_modules/opendal), then a
 * temporary folder of benchmark peers, then the project; gives the reason when none has it.
 */
export function loadOpendal(): Opendal | string {
  const places = [process.env.SKYFS_BENCH_OPENDAL, "/tmp/bench-peers", process.cwd()].filter(Boolean) as string[];
  for (const place of places) {
    try {
      return createRequire(join(place, "package.json"))("opendal") as Opendal;
    } catch {
      // try the next place
    }
  }
  return "opendal not installed (npm install opendal@0.49.1 in a folder named by SKYFS_BENCH_OPENDAL)";
}
