/**
 * Fair side-by-side runs: each contender is a fresh process per run, contenders are interleaved
 * in rounds whose order reverses every round, and the medians of wall and CPU time are kept,
 * with the machine's load average beside them.
 */
import { loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type BenchContext, runJson } from "./measure.js";
import type { Measurement } from "./table.js";

/** What one run of a contender reports: times measured inside its process, around the work only. */
export interface RunReport {
  /** Wall seconds of the work. */
  seconds: number;
  /** CPU seconds (user + system) the process spent on the work. */
  cpuSeconds: number;
  /** Anything worth a column. */
  note?: string;
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
}

const here = join(dirname(fileURLToPath(import.meta.url)), "..");

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/**
 * Runs every contender once per round for `rounds` rounds (the order reversed each round), and
 * gives one row per contender: median wall time, median CPU time, and the requests and bytes
 * the server saw in the median run. A contender that fails becomes a skipped row saying why.
 */
export async function interleaved(
  context: BenchContext,
  scenario: string,
  contenders: readonly Contender[],
  rounds = context.repeats,
): Promise<Measurement[]> {
  const runs = new Map<string, Array<RunReport & { requests: number; bytes: number }>>();
  const failed = new Map<string, string>();
  const loads: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? contenders : [...contenders].reverse();
    for (const contender of order) {
      if (failed.has(contender.peer)) continue;
      try {
        await contender.before?.();
        await context.server.reset();
        loads.push(loadavg()[0] as number);
        const report = await contender.run();
        const counts = await context.server.counts();
        await contender.check?.();
        const list = runs.get(contender.peer) ?? [];
        list.push({ ...report, requests: counts.requests, bytes: counts.bytes });
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
    const notes = [`CPU ${cpu.toFixed(3)} s`, `median of ${list.length}`, load, middle.note].filter(Boolean);
    return { scenario, peer: contender.peer, seconds, requests: middle.requests, bytes: middle.bytes, note: notes.join("; ") };
  });
}

/** Runs a child that prints a {@link RunReport} as its last line of JSON. */
export async function childReport(command: string, args: string[]): Promise<RunReport> {
  const report = await runJson(command, args);
  if (typeof report.seconds !== "number" || typeof report.cpuSeconds !== "number")
    throw new Error(`${command} reported no seconds and cpuSeconds`);
  return { seconds: report.seconds, cpuSeconds: report.cpuSeconds, note: typeof report.note === "string" ? report.note : undefined };
}

/** Runs one mode of the skyfs child process (see `skyfs-child.ts`) of a checkout in a fresh Node process. */
function skyfsChild(checkout: string, mode: string, args: readonly string[]): Promise<RunReport> {
  return childReport(process.execPath, ["--import", "tsx", join(checkout, "bench", "skyfs-child.ts"), mode, ...args]);
}

/**
 * skyfs's contenders for one mode of `skyfs-child.ts`: this checkout's, and, when
 * `SKYFS_BENCH_BASELINE` names another checkout holding `bench/skyfs-child.ts` (an older commit,
 * say), that one's as "skyfs baseline", interleaved with the rest: before and after in one run.
 */
export function skyfsContenders(hooks: Pick<Contender, "before" | "check">, mode: string, ...args: string[]): Contender[] {
  const contenders: Contender[] = [{ ...hooks, peer: "skyfs", run: () => skyfsChild(here, mode, args) }];
  const baseline = process.env.SKYFS_BENCH_BASELINE;
  if (baseline) contenders.push({ ...hooks, peer: "skyfs baseline", run: () => skyfsChild(baseline, mode, args) });
  return contenders;
}

/** Runs one mode of a Python peer script under Debian's python3. */
export function pythonChild(script: string, ...args: string[]): Promise<RunReport> {
  return childReport("/usr/bin/python3", [new URL(`./peers/${script}`, import.meta.url).pathname, ...args]);
}
