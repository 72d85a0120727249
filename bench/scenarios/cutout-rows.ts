/**
 * Scenario 2: 100 ranges of 400 bytes spaced 16 KiB apart (the rows of a cutout), skyfs
 * `catRanges` against fsspec `cat_ranges`, through the latency proxy; each a fresh process per
 * run, interleaved rounds.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type BenchContext, pythonMissing } from "../measure.js";
import { interleaved, pythonChild, skyfsContenders } from "../rounds.js";
import type { Goal, Measurement } from "../table.js";

const FSSPEC = "fsspec cat_ranges";

/** Runs scenario 2. */
export async function cutoutRows(context: BenchContext, latencyMs: number): Promise<{ rows: Measurement[]; goals: Goal[] }> {
  const scenario = "2 cutout rows (100 x 400 B)";
  const ranges: Array<[number, number]> = Array.from({ length: 100 }, (_, i) => [10_000_000 + i * 16_384, 400]);
  const asked = 100 * 400;
  const url = `${context.server.proxied}/big.bin`;
  const rangesFile = join(context.scratch, "rows.json");
  await writeFile(rangesFile, JSON.stringify(ranges));
  const contenders = skyfsContenders({}, "cat-ranges", url, rangesFile);
  const python = await pythonMissing(["fsspec", "aiohttp"]);
  if (!python) contenders.push({ peer: FSSPEC, run: () => pythonChild("fsspec_peer.py", "ranges", url, rangesFile) });
  const rows = await interleaved(context, scenario, contenders);
  if (python) rows.push({ scenario, peer: FSSPEC, skipped: python });
  const ours = rows.find((row) => row.peer === "skyfs");
  if (ours?.seconds === undefined) return { rows, goals: [{ scenario, goal: "skyfs measured", met: false }] };
  const roundTrips = ours.seconds / (latencyMs / 1000);
  ours.note = `${ours.note}; ${asked} B asked; ~${roundTrips.toFixed(1)} x the added latency`;
  return {
    rows,
    goals: [
      {
        scenario,
        goal: "one parallel batch of reads (< 3 x the added latency), bytes within 2x of what is asked",
        met: (ours.bytes as number) <= 2 * asked + (ours.requests as number) * 400 && roundTrips < 3,
      },
    ],
  };
}
