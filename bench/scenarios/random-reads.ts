/**
 * Scenario 1: 200 random 64 KiB reads from a 1 GiB object through the latency proxy, by skyfs,
 * plain undici, opendal and fsspec, first all at 16 requests in flight, then each with its
 * defaults.
 */
import { writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { Agent, request } from "undici";
import { filesystem, mapLimit } from "../../src/index.js";
import { BIG_SIZE } from "../fixtures.js";
import { type BenchContext, best, pythonMissing, runJson, seeded } from "../measure.js";
import type { Goal, Measurement } from "../table.js";

const READS = 200;
const LENGTH = 64 * 1024;

interface OpendalOperator {
  read(path: string, options?: { offset?: bigint; size?: bigint }): Promise<Buffer>;
}

/** Loads opendal from `SKYFS_BENCH_OPENDAL` (a folder holding node_modules/opendal) or the project. */
export function loadOpendal(): { Operator: new (scheme: string, options: Record<string, string>) => OpendalOperator } | string {
  const places = [process.env.SKYFS_BENCH_OPENDAL, "/tmp/bench-peers", process.cwd()].filter(Boolean) as string[];
  for (const place of places) {
    try {
      return createRequire(join(place, "package.json"))("opendal");
    } catch {
      // try the next place
    }
  }
  return "opendal not installed (npm install opendal@0.49.1 in a folder named by SKYFS_BENCH_OPENDAL)";
}

async function undiciReads(url: string, ranges: Array<[number, number]>, inFlight: number | undefined): Promise<void> {
  const agent = inFlight === undefined ? undefined : new Agent({ connections: inFlight });
  const one = async ([offset, length]: [number, number]): Promise<void> => {
    const response = await request(url, { headers: { range: `bytes=${offset}-${offset + length - 1}` }, dispatcher: agent });
    const body = new Uint8Array(await response.body.arrayBuffer());
    if (body.length !== length) throw new Error("undici: short read");
  };
  if (inFlight === undefined) await Promise.all(ranges.map(one));
  else await mapLimit(ranges, inFlight, one);
  await agent?.close();
}

/** Runs scenario 1. */
export async function randomReads(context: BenchContext): Promise<{ rows: Measurement[]; goals: Goal[] }> {
  const random = seeded(12345);
  const ranges: Array<[number, number]> = Array.from({ length: READS }, () => [Math.floor(random() * (BIG_SIZE - LENGTH)), LENGTH]);
  const url = `${context.server.proxied}/big.bin`;
  const rangesFile = join(context.scratch, "ranges.json");
  await writeFile(rangesFile, JSON.stringify(ranges));
  const opendal = loadOpendal();
  const python = await pythonMissing(["fsspec", "aiohttp"]);
  const rows: Measurement[] = [];
  for (const mode of ["16 in flight", "defaults"] as const) {
    const scenario = `1 random reads (${mode})`;
    const limit = mode === "defaults" ? undefined : 16;
    const fs = filesystem("http", limit === undefined ? {} : { requestConcurrency: limit, connections: limit });
    const source = await fs.open(url, { cache: "none" });
    rows.push(
      await best(context, scenario, "skyfs", async () => {
        const out = await source.readMany(ranges.map(([offset, length]) => ({ offset, length })));
        if (out.some((bytes) => bytes.length !== LENGTH)) throw new Error("skyfs: short read");
        return undefined;
      }),
    );
    await fs.close();
    rows.push(await best(context, scenario, "undici", () => undiciReads(url, ranges, limit).then(() => undefined)));
    if (typeof opendal === "string") rows.push({ scenario, peer: "opendal 0.49.1", skipped: opendal });
    else {
      const operator = new opendal.Operator("http", { endpoint: context.server.proxied });
      const one = async ([offset, length]: [number, number]): Promise<void> => {
        const bytes = await operator.read("big.bin", { offset: BigInt(offset), size: BigInt(length) });
        if (bytes.length !== length) throw new Error("opendal: short read");
      };
      rows.push(
        await best(context, scenario, "opendal 0.49.1", async () => {
          if (limit === undefined) await Promise.all(ranges.map(one));
          else await mapLimit(ranges, limit, one);
          return undefined;
        }),
      );
    }
    if (python) rows.push({ scenario, peer: "fsspec cat_ranges", skipped: python });
    else {
      const args = [
        join(import.meta.dirname, "..", "peers", "fsspec_peer.py"),
        "ranges",
        url,
        rangesFile,
        ...(limit ? [String(limit)] : []),
      ];
      rows.push(
        await best(context, scenario, "fsspec cat_ranges", async () => (await runJson("/usr/bin/python3", args)).seconds as number),
      );
    }
  }
  const time = (scenario: string, peer: string): number | undefined =>
    rows.find((row) => row.scenario === scenario && row.peer === peer)?.seconds;
  const inFlight = "1 random reads (16 in flight)";
  const defaults = "1 random reads (defaults)";
  const ours16 = time(inFlight, "skyfs");
  const undici16 = time(inFlight, "undici");
  const peersDefault = rows.filter((row) => row.scenario === defaults && row.peer !== "skyfs");
  const oursDefault = time(defaults, "skyfs") ?? Number.POSITIVE_INFINITY;
  return {
    rows,
    goals: [
      {
        scenario: inFlight,
        goal: "skyfs within 5% of plain undici",
        met: ours16 !== undefined && undici16 !== undefined ? ours16 <= undici16 * 1.05 : undefined,
      },
      {
        scenario: defaults,
        goal: "skyfs ahead of every peer",
        met: peersDefault.some((row) => row.skipped) ? undefined : peersDefault.every((row) => (row.seconds as number) > oursDefault),
      },
    ],
  };
}
