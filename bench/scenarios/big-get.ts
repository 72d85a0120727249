/**
 * Scenario 3: `get` of the 1 GiB object straight from a server (nginx when installed, else the
 * benchmark's own server, without the proxy), side by side with `curl -o file` and one streamed
 * undici GET piped to a file. Each run is a fresh process; they take turns in the order of
 * {@link roundOrder}, and the medians are kept. For each: the transfer's time, the CPU
 * seconds it used, peak RSS and its growth over the process's RSS before the transfer. When
 * `SKYFS_BENCH_BASELINE` names another checkout holding `bench/get-child.ts`, that one's `get`
 * runs in the same rounds as "skyfs baseline": before and after side by side.
 */
import { rm } from "node:fs/promises";
import { loadavg } from "node:os";
import { join } from "node:path";
import { startNginx } from "../../test/servers/nginx.js";
import { type ChildUsage, measureChild } from "../child-usage.js";
import { benchCheckout, compiledScript } from "../compiled.js";
import { BIG_SIZE } from "../fixtures.js";
import type { BenchContext } from "../measure.js";
import { roundOrder } from "../round-order.js";
import { formatBytes, type Goal, type Measurement } from "../table.js";

/** One run of one peer. */
interface Run {
  /** Seconds the transfer took (the whole process for curl, whose start costs nothing). */
  seconds: number;
  /** CPU seconds of the transfer. */
  cpu: number;
  /** Wall and CPU seconds of the whole process, start-up included. */
  process: ChildUsage;
  /** Peak RSS growth over the RSS before the transfer (curl: its whole peak RSS). */
  rssGrowth: number;
}

const MiB = 1024 * 1024;

/** Runs scenario 3. */
export async function bigGet(context: BenchContext): Promise<{ rows: Measurement[]; goals: Goal[] }> {
  const nginx = await startNginx(context.root).catch(() => undefined);
  const scenario = `3 get 1 GiB (${nginx ? "nginx" : "Node server"}, no latency)`;
  const url = `${nginx?.baseUrl ?? context.server.raw}/big.bin`;
  const target = join(context.scratch, "big-copy.bin");
  const node = (checkout: string, script: string): (() => Promise<Run>) => {
    return async () => {
      const usage = await measureChild(process.execPath, [await compiledScript(checkout, script), url, target]);
      const own = JSON.parse(usage.stdout.trim().split("\n").pop() ?? "{}") as { seconds: number; cpuSeconds: number; rssGrowth: number };
      return { seconds: own.seconds, cpu: own.cpuSeconds, process: usage, rssGrowth: own.rssGrowth };
    };
  };
  const peers: Array<[string, () => Promise<Run>]> = [
    [
      "curl -o file",
      async () => {
        const usage = await measureChild("/usr/bin/curl", ["-s", "-f", "-o", target, url]);
        return { seconds: usage.wall, cpu: usage.cpu, process: usage, rssGrowth: usage.maxRss };
      },
    ],
    ["skyfs", node(benchCheckout, "bench/get-child.ts")],
    ["undici stream", node(benchCheckout, "bench/peers/undici-get.ts")],
  ];
  const baseline = process.env.SKYFS_BENCH_BASELINE;
  if (baseline) peers.push(["skyfs baseline", node(baseline, "bench/get-child.ts")]);
  const runs = new Map<string, Run[]>(peers.map(([name]) => [name, []]));
  const failures = new Map<string, string>();
  const load: number[] = [];
  try {
    for (let round = 0; round < Math.max(1, context.repeats); round++) {
      const order = roundOrder(peers, round);
      for (const [name, run] of order) {
        if (failures.has(name)) continue;
        load.push(loadavg()[0] as number);
        try {
          runs.get(name)?.push(await run());
        } catch (error) {
          failures.set(name, (error as Error).message);
        } finally {
          await rm(target, { force: true });
        }
      }
    }
  } finally {
    await nginx?.close();
  }
  const summary = new Map([...runs].filter(([, list]) => list.length > 0).map(([name, list]) => [name, summarize(list)] as const));
  const curl = summary.get("curl -o file");
  const rows: Measurement[] = peers.map(([name]) => {
    const measured = summary.get(name);
    if (!measured) return { scenario, peer: name, skipped: failures.get(name) ?? "not run" };
    const versus = curl && name !== "curl -o file" ? versusCurl(measured, curl) : "";
    return {
      scenario,
      peer: name,
      seconds: measured.seconds,
      note:
        `${formatBytes(BIG_SIZE / measured.seconds)}/s${versus}; CPU ${measured.cpu.toFixed(2)} s; ` +
        `${name === "curl -o file" ? "peak RSS" : "RSS growth"} ${formatBytes(measured.rssGrowth)} (max ${formatBytes(measured.maxGrowth)}); ` +
        `process: ${measured.processWall.toFixed(2)} s, CPU ${measured.processCpu.toFixed(2)} s, peak RSS ${formatBytes(measured.processRss)}`,
    };
  });
  const ours = summary.get("skyfs");
  const known = curl !== undefined && ours !== undefined;
  const loadMedian = median(load);
  return {
    rows,
    goals: [
      {
        scenario,
        goal: `>= 80% of curl -o file's throughput (medians of ${context.repeats} interleaved rounds, load ${loadMedian.toFixed(1)})`,
        met: known ? curl.seconds / ours.seconds >= 0.8 : undefined,
      },
      { scenario, goal: "CPU seconds per GiB within 1.5x of curl -o file's", met: known ? ours.cpu / curl.cpu <= 1.5 : undefined },
      { scenario, goal: "RSS growth < 64 MiB in every round", met: ours ? ours.maxGrowth < 64 * MiB : undefined },
    ],
  };
}

interface Summary {
  seconds: number;
  cpu: number;
  rssGrowth: number;
  maxGrowth: number;
  processWall: number;
  processCpu: number;
  processRss: number;
}

function summarize(runs: readonly Run[]): Summary {
  return {
    seconds: median(runs.map((run) => run.seconds)),
    cpu: median(runs.map((run) => run.cpu)),
    rssGrowth: median(runs.map((run) => run.rssGrowth)),
    maxGrowth: Math.max(...runs.map((run) => run.rssGrowth)),
    processWall: median(runs.map((run) => run.process.wall)),
    processCpu: median(runs.map((run) => run.process.cpu)),
    processRss: median(runs.map((run) => run.process.maxRss)),
  };
}

function versusCurl(peer: Summary, curl: Summary): string {
  return ` (${((100 * curl.seconds) / peer.seconds).toFixed(0)}% of curl's), CPU x${(peer.cpu / curl.cpu).toFixed(2)} curl's`;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}
