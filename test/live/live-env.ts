/**
 * Live-provider test settings from the environment. Each provider's live tests run only when its
 * URL variable names a place the account may write to; otherwise they are skipped with a message
 * saying what to set (see docs/live-providers.md).
 */
import { randomBytes } from "node:crypto";
import { filesystem, type StorageOptions } from "../../src/index.js";
import type { ContractTarget } from "../contract/suite.js";

/** A writable place on a live store: the URL given and a fresh run folder below it. */
export interface LiveTarget {
  /** The URL from the environment (`s3://bucket/prefix`). */
  url: string;
  /** A folder for this run below it, as a filesystem path (`bucket/prefix/skyfs-live-...`). */
  runPath: string;
}

/** Reads `name` as a store URL and makes a run folder below it, or explains what is missing. */
export function liveTarget(name: string, scheme: RegExp, what: string): LiveTarget | undefined {
  const url = process.env[name];
  if (!url) {
    console.log(`live ${what} tests skipped: set ${name} (see docs/live-providers.md)`);
    return undefined;
  }
  if (!scheme.test(url)) throw new Error(`${name} must be a ${what} URL, got ${url}`);
  const path = url.replace(/^[a-z0-9]+:\/\//i, "").replace(/\/+$/, "");
  return { url, runPath: `${path}/skyfs-live-${Date.now()}-${randomBytes(4).toString("hex")}` };
}

/** The value of an optional variable, logging that the tests needing it are skipped when absent. */
export function optionalVariable(name: string, purpose: string): string | undefined {
  const value = process.env[name];
  if (!value) console.log(`live ${purpose} skipped: set ${name} (see docs/live-providers.md)`);
  return value;
}

/**
 * The contract's target on a live store: a filesystem of `protocol` with `options`, the run's own
 * folder `root`, removed with everything in it at the end.
 */
export async function liveContractTarget(protocol: string, options: StorageOptions, root: string): Promise<ContractTarget> {
  const fs = filesystem(protocol, options);
  return {
    fs,
    root,
    pathOf: (key: string) => `${root}/${key}`,
    teardown: async () => {
      await fs.rm(root, { recursive: true }).catch(() => undefined);
      await fs.close();
    },
  };
}
