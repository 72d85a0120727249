/**
 * Timing helpers shared by the scenarios.
 */
import { execFile } from "node:child_process";
import type { BenchServer } from "./server.js";
import type { Measurement } from "./table.js";

/** What every scenario gets. */
export interface BenchContext {
  /** The server process. */
  server: BenchServer;
  /** Folder the server serves. */
  root: string;
  /** A scratch folder for downloads. */
  scratch: string;
  /** Times each measurement is repeated (the best is kept). */
  repeats: number;
}

/**
 * Runs `run` `repeats` times and keeps the fastest, with the requests and bytes the server saw
 * during that run. `run` may return its own timing (peers timed inside their process). A run
 * that fails makes the peer a skipped row saying why.
 */
export async function best(
  context: BenchContext,
  scenario: string,
  peer: string,
  run: () => Promise<number | undefined | { seconds?: number; note?: string }>,
  repeats = context.repeats,
): Promise<Measurement> {
  let kept: Measurement | undefined;
  for (let i = 0; i < repeats; i++) {
    await context.server.reset();
    const started = performance.now();
    let result: Awaited<ReturnType<typeof run>>;
    try {
      result = await run();
    } catch (error) {
      return { scenario, peer, skipped: `failed: ${(error as Error).message}` };
    }
    const wall = (performance.now() - started) / 1000;
    const own = typeof result === "number" ? result : result?.seconds;
    const note = typeof result === "object" ? result?.note : undefined;
    const counts = await context.server.counts();
    const seconds = own ?? wall;
    if (!kept || seconds < (kept.seconds as number))
      kept = { scenario, peer, seconds, requests: counts.requests, bytes: counts.bytes, note };
  }
  return kept as Measurement;
}

/** Runs a command and parses the last line of its output as JSON. */
export function runJson(command: string, args: string[], timeoutMs = 300_000): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
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
