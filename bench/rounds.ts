/**
 * Fair side-by-side runs: each contender is a fresh process per run, contenders are interleaved
 * in rounds whose order changes every round (see {@link roundOrder}), and the medians of wall and
 * CPU time are kept, with the machine's load average beside them.
 */
import { loadavg } from "node:os";
import { benchCheckout, compiledScript } from "./compiled.js";
import { type BenchContext, runJson } from "./measure.js";
import { roundOrder } from "./round-order.js";
import type { Measurement } from "./table.js";

/** What one run of a contender reports: times measured inside its process, around the work only. */
export interface RunReport {
  /** Wall seconds of the work. */
  seconds: number;
  /** CPU seconds (user + system) the process spent on the work. */
  cpuSeconds: number;
  /** Anything worth a column. */
  note?: string;
  /** The sum of the values read (a cutout's pixels), when the scenario compares results. */
  sum?: number;
}

/** One side of a comparison. */
export interface Contender {
  /** Its name in the table. */
  peer: string;
  /** Prepares a run (e.g. empties the target folder); not timed. */
  before?: () => Promise<void>;
  /** Runs the work once in a fresh process. */
  run: () => Promise<RunReport>;
  /** Checks a run's result (e.g. files written); throws to fail the contender. Not timed. */
  check?: () => Promise<void>;
  /** Runs in the first `maxRuns` rounds only (a peer taking minutes per run); every round when absent. */
  maxRuns?: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/**
 * Runs every contender once per round for `rounds` rounds (in {@link roundOrder}), and
 * gives one row per contender: median wall time, median CPU time, and the requests, bytes and
 * connections the proxy saw in the median run. A contender that fails becomes a skipped row saying why.
 */
export async function interleaved(
  context: BenchContext,
  scenario: string,
  contenders: readonly Contender[],
  rounds = context.repeats,
): Promise<Measurement[]> {
  const runs = new Map<string, Array<RunReport & { requests: number; bytes: number; connections: number }>>();
  const failed = new Map<string, string>();
  const loads: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const order = roundOrder(contenders, round);
    for (const contender of order) {
      if (failed.has(contender.peer) || (contender.maxRuns !== undefined && round >= contender.maxRuns)) continue;
      try {
        await contender.before?.();
        await context.server.reset();
        loads.push(loadavg()[0] as number);
        const report = await contender.run();
        const counts = await context.server.counts();
        await contender.check?.();
        const list = runs.get(contender.peer) ?? [];
        list.push({ ...report, requests: counts.requests, bytes: counts.bytes, connections: counts.connections });
        runs.set(contender.peer, list);
      } catch (error) {
        failed.set(contender.peer, `failed: ${(error as Error).message}`);
      }
    }
  }
  const load = `load ${median(loads).toFixed(1)}`;
  return contenders.map((contender): Measurement => {
    const reason = failed.get(contender.peer);
    const list = runs.get(contender.peer) ?? [];
    if (reason || list.length === 0) return { scenario, peer: contender.peer, skipped: reason ?? "not run" };
    const seconds = median(list.map((run) => run.seconds));
    const middle = [...list].sort((a, b) => a.seconds - b.seconds)[Math.floor((list.length - 1) / 2)] as (typeof list)[number];
    const cpu = median(list.map((run) => run.cpuSeconds));
    const connections = middle.connections > 0 ? `${middle.connections} connection${middle.connections === 1 ? "" : "s"}` : undefined;
    const notes = [`CPU ${cpu.toFixed(3)} s`, `median of ${list.length}`, load, connections, middle.note].filter(Boolean);
    return {
      scenario,
      peer: contender.peer,
      seconds,
      cpuSeconds: cpu,
      requests: middle.requests,
      bytes: middle.bytes,
      note: notes.join("; "),
    };
  });
}

/**
 * The same contenders, each keeping the sum its runs report (a cutout's pixels) in `sums` under
 * its name, so that the results can be compared after the rounds.
 */
export function keepingSums(contenders: readonly Contender[], sums: Map<string, number>): Contender[] {
  return contenders.map((contender) => ({
    ...contender,
    run: async () => {
      const report = await contender.run();
      if (report.sum === undefined) throw new Error(`${contender.peer} reported no sum`);
      sums.set(contender.peer, report.sum);
      return report;
    },
  }));
}

/** Whether `peer`'s sum equals skyfs's within `tolerance` (relative). */
export function sumsAgree(sums: ReadonlyMap<string, number>, peer: string, tolerance: number): boolean {
  const ours = sums.get("skyfs");
  const theirs = sums.get(peer);
  return ours !== undefined && theirs !== undefined && Math.abs(theirs - ours) <= tolerance * Math.abs(ours);
}

/** Adds each contender's sum to its row, and to the peers' rows whether it equals skyfs's (within `tolerance`, relative). */
export function noteSums(rows: readonly Measurement[], sums: ReadonlyMap<string, number>, tolerance: number): void {
  for (const row of rows) {
    const sum = sums.get(row.peer);
    if (row.skipped || sum === undefined) continue;
    const verdict = row.peer === "skyfs" ? "" : sumsAgree(sums, row.peer, tolerance) ? " (same as skyfs)" : " (DIFFERS from skyfs)";
    row.note = `${row.note}; sum ${sum.toFixed(3)}${verdict}`;
  }
}

/** Runs a child that prints a {@link RunReport} as its last line of JSON; it fails after `timeoutMs`. */
export async function childReport(command: string, args: string[], timeoutMs = 300_000): Promise<RunReport> {
  const report = await runJson(command, args, timeoutMs);
  if (typeof report.seconds !== "number" || typeof report.cpuSeconds !== "number")
    throw new Error(`${command} reported no seconds and cpuSeconds`);
  return {
    seconds: report.seconds,
    cpuSeconds: report.cpuSeconds,
    note: typeof report.note === "string" && report.note !== "" ? report.note : undefined,
    sum: typeof report.sum === "number" ? report.sum : undefined,
  };
}

/** Runs one mode of this checkout's skyfs child process (see `skyfs-child.ts`) once, outside any rounds. */
export function skyfsChildReport(mode: string, ...args: string[]): Promise<RunReport> {
  return skyfsChild(benchCheckout, mode, args);
}

/** Runs one mode of the skyfs child process (see `skyfs-child.ts`) of a checkout in a fresh Node process. */
async function skyfsChild(checkout: string, mode: string, args: readonly string[]): Promise<RunReport> {
  return childReport(process.execPath, [await compiledScript(checkout, "bench/skyfs-child.ts"), mode, ...args]);
}

/**
 * skyfs's contenders for one mode of `skyfs-child.ts`: this checkout's (named `name`, "skyfs"
 * unless given), and, when `SKYFS_BENCH_BASELINE` names another checkout holding
 * `bench/skyfs-child.ts` (an older commit, say), that one's as "<name> baseline", interleaved with
 * the rest: before and after in one run.
 */
export function skyfsContenders(
  hooks: Pick<Contender, "before" | "check"> & { name?: string },
  mode: string,
  ...args: string[]
): Contender[] {
  const { name = "skyfs", ...rest } = hooks;
  const contenders: Contender[] = [{ ...rest, peer: name, run: () => skyfsChild(benchCheckout, mode, args) }];
  const baseline = process.env.SKYFS_BENCH_BASELINE;
  if (baseline) contenders.push({ ...rest, peer: `${name} baseline`, run: () => skyfsChild(baseline, mode, args) });
  return contenders;
}

/** Runs one of the Node peer scripts of `peers/` (undici, opendal), compiled, in a fresh Node process. */
export async function nodeChild(script: string, ...args: string[]): Promise<RunReport> {
  return childReport(process.execPath, [await compiledScript(benchCheckout, `bench/peers/${script}`), ...args]);
}

/** Runs one mode of a Python peer script under Debian's python3. */
export function pythonChild(script: string, ...args: string[]): Promise<RunReport> {
  return pythonChildWithin(300_000, script, ...args);
}

/** {@link pythonChild} for a peer that may take longer than 5 minutes: it fails after `timeoutMs`. */
export function pythonChildWithin(timeoutMs: number, script: string, ...args: string[]): Promise<RunReport> {
  return childReport("/usr/bin/python3", [new URL(`./peers/${script}`, import.meta.url).pathname, ...args], timeoutMs);
}
