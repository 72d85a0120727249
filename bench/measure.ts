/**
 * Timing helpers shared by the scenarios.
 */
import { execFile } from "node:child_process";
import type { BenchServer } from "./server.js";

/** What every scenario gets. */
export interface BenchContext {
  /** The server process. */
  server: BenchServer;
  /** Folder the server serves. */
  root: string;
  /** A scratch folder for downloads. */
  scratch: string;
  /** Rounds of the interleaved scenarios (`--repeats`; the medians are kept). */
  repeats: number;
}

/** Runs a command and parses the last line of its output as JSON; it is stopped after `timeoutMs`. */
export function runJson(command: string, args: string[], timeoutMs = 300_000): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error?.killed) return reject(new Error(`${command} did not finish within ${timeoutMs / 1000} s`));
      if (error) return reject(new Error(`${command} failed: ${stderr.trim().split("\n").pop() ?? error.message}`));
      const last = stdout.trim().split("\n").pop() ?? "";
      try {
        resolve(JSON.parse(last));
      } catch {
        reject(new Error(`${command} printed no JSON: ${last}`));
      }
    });
  });
}

/** Whether Debian's python has the given modules; the reason when not. */
export async function pythonMissing(modules: string[]): Promise<string | undefined> {
  try {
    await runJson("/usr/bin/python3", ["-c", `import json, ${modules.join(", ")}; print(json.dumps({}))`], 60_000);
    return undefined;
  } catch {
    return `/usr/bin/python3 with ${modules.join(", ")} not found`;
  }
}

/** A deterministic generator of numbers in [0, 1). */
export function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 48271) % 2147483647;
    return state / 2147483647;
  };
}
