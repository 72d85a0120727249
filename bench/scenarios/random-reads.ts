/**
 * Scenario 1: 200 random 64 KiB reads from a 1 GiB object through the latency proxy, by skyfs,
 * plain undici, opendal and fsspec, first all at 16 requests in flight, then each with its
 * defaults; each contender a fresh process per run, interleaved rounds. skyfs is timed as
 * `catRanges` (the call matching fsspec's `cat_ranges` and the peers' bare reads), and with its
 * defaults also as `open` + `readMany`, so that the cost of `open`'s request shows.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { BIG_SIZE } from "../fixtures.js";
import { type BenchContext, pythonMissing, seeded } from "../measure.js";
import { loadOpendal } from "../peers/load-opendal.js";
import { type Contender, interleaved, nodeChild, pythonChild, skyfsContenders } from "../rounds.js";
import { aheadOfEveryPeer, type Goal, type Measurement } from "../table.js";

const READS = 200;
const LENGTH = 64 * 1024;
const OPENDAL = "opendal 0.49.1";
const FSSPEC = "fsspec cat_ranges";

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
    const limit = mode === "defaults" ? [] : ["16"];
    const contenders: Contender[] = [
      ...skyfsContenders({}, "cat-ranges", url, rangesFile, ...limit),
      ...(mode === "defaults" ? skyfsContenders({ name: "skyfs open + readMany" }, "read-many", url, rangesFile) : []),
      { peer: "undici", run: () => nodeChild("undici-child.ts", "ranges", url, rangesFile, ...limit) },
    ];
    if (typeof opendal !== "string")
      contenders.push({
        peer: OPENDAL,
        run: () => nodeChild("opendal-child.ts", "ranges", context.server.proxied, "big.bin", rangesFile, ...limit),
      });
    if (!python) contenders.push({ peer: FSSPEC, run: () => pythonChild("fsspec_peer.py", "ranges", url, rangesFile, ...limit) });
    rows.push(...(await interleaved(context, scenario, contenders)));
    if (typeof opendal === "string") rows.push({ scenario, peer: OPENDAL, skipped: opendal });
    if (python) rows.push({ scenario, peer: FSSPEC, skipped: python });
  }
  const time = (scenario: string, peer: string): number | undefined =>
    rows.find((row) => row.scenario === scenario && row.peer === peer)?.seconds;
  const inFlight = "1 random reads (16 in flight)";
  const defaults = "1 random reads (defaults)";
  const ours16 = time(inFlight, "skyfs");
  const undici16 = time(inFlight, "undici");
  return {
    rows,
    goals: [
      {
        scenario: inFlight,
        goal: "skyfs catRanges within 5% of plain undici",
        met: ours16 !== undefined && undici16 !== undefined ? ours16 <= undici16 * 1.05 : undefined,
      },
      aheadOfEveryPeer(defaults, rows, "skyfs catRanges ahead of every peer"),
    ],
  };
}
