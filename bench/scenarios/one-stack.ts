/**
 * Scenarios 10 and 11: what sharing one stack buys; each contender a fresh process per run,
 * interleaved rounds, opening its connections inside the timed work.
 * 10: 500 top-level `cat(url)` calls of 10 KiB objects in a loop through the latency proxy, against
 *    the same loop over one raw undici Agent.
 * 11: 2,000 parallel 400-byte reads through `open` + `readMany` straight to the server (no added
 *    latency), against plain undici issuing the same requests on one Agent; CPU time beside wall
 *    time, and (in one more skyfs process, through the latency proxy) the heap held per pending read.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { BIG_SIZE, SMALL_COUNT } from "../fixtures.js";
import { type BenchContext, seeded } from "../measure.js";
import { interleaved, nodeChild, skyfsChildReport, skyfsContenders } from "../rounds.js";
import type { Goal, Measurement } from "../table.js";

const CATS = 500;
const READS = 2000;
const READ_LENGTH = 400;
const UNDICI = "undici (one Agent)";

function smallUrl(base: string, i: number): string {
  return `${base}/small/obj${String(i % SMALL_COUNT).padStart(5, "0")}.bin`;
}

/** skyfs's row over undici's in `rows`, by wall time and by CPU time. */
function ratios(rows: readonly Measurement[]): { wall?: number; cpu?: number } {
  const ours = rows.find((row) => row.peer === "skyfs");
  const theirs = rows.find((row) => row.peer === UNDICI);
  if (ours?.seconds === undefined || theirs?.seconds === undefined) return {};
  const cpu = ours.cpuSeconds !== undefined && theirs.cpuSeconds ? ours.cpuSeconds / theirs.cpuSeconds : undefined;
  return { wall: ours.seconds / theirs.seconds, cpu };
}

/** Runs scenarios 10 and 11. */
export async function oneStack(context: BenchContext): Promise<{ rows: Measurement[]; goals: Goal[] }> {
  const loop = "10 cat(url) x 500 in a loop";
  const urlsFile = join(context.scratch, "cat-loop.json");
  await writeFile(urlsFile, JSON.stringify(Array.from({ length: CATS }, (_, i) => smallUrl(context.server.proxied, i))));
  const loopRows = await interleaved(context, loop, [
    ...skyfsContenders({}, "cat-loop", urlsFile),
    { peer: UNDICI, run: () => nodeChild("undici-child.ts", "cat-loop", urlsFile) },
  ]);

  const parallel = "11 readMany 2,000 x 400 B, no latency";
  const random = seeded(777);
  const slots = Math.floor(BIG_SIZE / 16_384);
  const ranges = Array.from({ length: READS }, (_, i) => [((Math.floor(random() * slots) + i) % slots) * 16_384, READ_LENGTH]);
  const rangesFile = join(context.scratch, "read-many.json");
  await writeFile(rangesFile, JSON.stringify(ranges));
  const url = `${context.server.raw}/big.bin`;
  const parallelRows = await interleaved(context, parallel, [
    ...skyfsContenders({}, "read-many", url, rangesFile),
    { peer: UNDICI, run: () => nodeChild("undici-child.ts", "read-many", url, rangesFile) },
  ]);
  const ours = parallelRows.find((row) => row.peer === "skyfs");
  if (ours && !ours.skipped) {
    const pending = await skyfsChildReport("pending-heap", `${context.server.proxied}/big.bin`, rangesFile).catch((error: Error) => ({
      note: `heap per pending read not measured: ${error.message}`,
    }));
    ours.note = `${ours.note}; ${pending.note}`;
  }

  const loopRatio = ratios(loopRows);
  const parallelRatio = ratios(parallelRows);
  return {
    rows: [...loopRows, ...parallelRows],
    goals: [
      {
        scenario: loop,
        goal: "skyfs within 1.2x of one undici Agent's wall time",
        met: loopRatio.wall === undefined ? undefined : loopRatio.wall <= 1.2,
      },
      {
        scenario: parallel,
        goal: "skyfs within 1.5x of one undici Agent's wall time",
        met: parallelRatio.wall === undefined ? undefined : parallelRatio.wall <= 1.5,
      },
      {
        scenario: parallel,
        goal: "skyfs at most 1.5x the CPU of one undici Agent",
        met: parallelRatio.cpu === undefined ? undefined : parallelRatio.cpu <= 1.5,
      },
    ],
  };
}
