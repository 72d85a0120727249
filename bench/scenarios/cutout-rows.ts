/**
 * Scenario 2: 100 ranges of 400 bytes spaced 16 KiB apart (the rows of a cutout), skyfs
 * `readMany` against fsspec `cat_ranges`, through the latency proxy.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { filesystem } from "../../src/index.js";
import { type BenchContext, best, pythonMissing, runJson } from "../measure.js";
import type { Goal, Measurement } from "../table.js";

/** Runs scenario 2. */
export async function cutoutRows(context: BenchContext, latencyMs: number): Promise<{ rows: Measurement[]; goals: Goal[] }> {
  const scenario = "2 cutout rows (100 x 400 B)";
  const ranges: Array<[number, number]> = Array.from({ length: 100 }, (_, i) => [10_000_000 + i * 16_384, 400]);
  const asked = 100 * 400;
  const url = `${context.server.proxied}/big.bin`;
  const rows: Measurement[] = [];
  const fs = filesystem("http");
  const source = await fs.open(url, { cache: "none" });
  rows.push(
    await best(context, scenario, "skyfs", async () => {
      await source.readMany(ranges.map(([offset, length]) => ({ offset, length })));
      return undefined;
    }),
  );
  await fs.close();
  const python = await pythonMissing(["fsspec", "aiohttp"]);
  if (python) rows.push({ scenario, peer: "fsspec cat_ranges", skipped: python });
  else {
    const rangesFile = join(context.scratch, "rows.json");
    await writeFile(rangesFile, JSON.stringify(ranges));
    const script = join(import.meta.dirname, "..", "peers", "fsspec_peer.py");
    rows.push(
      await best(
        context,
        scenario,
        "fsspec cat_ranges",
        async () => (await runJson("/usr/bin/python3", [script, "ranges", url, rangesFile])).seconds as number,
      ),
    );
  }
  const ours = rows[0] as Measurement;
  const roundTrips = (ours.seconds as number) / (latencyMs / 1000);
  ours.note = `${asked} B asked; ~${roundTrips.toFixed(1)} x the added latency`;
  return {
    rows,
    goals: [
      {
        scenario,
        goal: "one parallel batch of round trips, bytes within 2x of what is asked",
        met: (ours.bytes as number) <= 2 * asked + (ours.requests as number) * 400 && roundTrips < 3,
      },
    ],
  };
}
