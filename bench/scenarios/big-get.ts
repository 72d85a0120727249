/**
 * Scenario 3: `get` of the 1 GiB object straight from the server (no proxy): skyfs throughput
 * and peak RSS growth against `curl -o /dev/null` (the loopback ceiling) and `curl -o file`
 * (the same work as skyfs). The server does not count requests here.
 */
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { BIG_SIZE } from "../fixtures.js";
import { type BenchContext, best, runJson } from "../measure.js";
import { formatBytes, type Goal, type Measurement } from "../table.js";

/** Runs scenario 3. */
export async function bigGet(context: BenchContext): Promise<{ rows: Measurement[]; goals: Goal[] }> {
  const scenario = "3 get 1 GiB (no latency)";
  const url = `${context.server.raw}/big.bin`;
  const target = join(context.scratch, "big-copy.bin");
  let growth = 0;
  const ours = await best(context, scenario, "skyfs", async () => {
    const result = await runJson(process.execPath, ["--import", "tsx", join(import.meta.dirname, "..", "get-child.ts"), url, target]);
    growth = Math.max(growth, result.rssGrowth as number);
    await rm(target, { force: true });
    return result.seconds as number;
  });
  ours.note = `${formatBytes(BIG_SIZE / (ours.seconds as number))}/s, peak RSS growth ${formatBytes(growth)}`;
  const rows: Measurement[] = [ours];
  try {
    const curl = await best(context, scenario, "curl", async () => {
      const result = await runJson("/bin/sh", ["-c", `curl -s -o /dev/null -w '{"seconds": %{time_total}}' ${url}`]);
      return result.seconds as number;
    });
    curl.note = `${formatBytes(BIG_SIZE / (curl.seconds as number))}/s`;
    rows.push(curl);
  } catch (error) {
    rows.push({ scenario, peer: "curl", skipped: (error as Error).message });
  }
  try {
    const toFile = await best(context, scenario, "curl -o file", async () => {
      const copy = join(context.scratch, "curl-copy.bin");
      const result = await runJson("/bin/sh", ["-c", `curl -s -o ${copy} -w '{"seconds": %{time_total}}' ${url}`]);
      await rm(copy, { force: true });
      return result.seconds as number;
    });
    toFile.note = `${formatBytes(BIG_SIZE / (toFile.seconds as number))}/s: the same work as skyfs (writes the file)`;
    rows.push(toFile);
  } catch (error) {
    rows.push({ scenario, peer: "curl -o file", skipped: (error as Error).message });
  }
  const curlSeconds = rows[1]?.seconds;
  return {
    rows,
    goals: [
      {
        scenario,
        goal: ">= 80% of curl's throughput, RSS growth < 128 MiB",
        met:
          curlSeconds === undefined ? undefined : (curlSeconds as number) / (ours.seconds as number) >= 0.8 && growth < 128 * 1024 * 1024,
      },
    ],
  };
}
