/**
 * The skyfs benchmark: serves fixtures from a local HTTP server behind a latency-injecting proxy
 * (both in a child process), runs skyfs and its peers side by side, and prints one table.
 *
 * Usage: npm run bench -- [--latency <ms>] [--repeats <n>] [--only <scenario numbers, e.g. 1,5>]
 *        [--scale-max <items of scenario 12, default 1000000>]
 * Every scenario but 12 and 13 runs each contender as a fresh process per run, in `--repeats`
 * interleaved rounds whose order changes every round, and reports medians (bench/README.md).
 * `--only 6` runs both scenarios numbered 6 (the TESS cube cutout and the `.fits.gz` cutout);
 * scenarios 6 to 8, on compressed files, share their fixtures (`--only 6,7,8` runs all three).
 * Scenario 10 also runs scenario 11; `--only 12`, `--only 13` or `--only 12,13` run scenarios 12
 * (scaling, in this process) and 13 (bzip2 encoding, the best of `--repeats` runs by CPU time)
 * without fixtures or server.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { writeFixtures } from "./fixtures.js";
import type { BenchContext } from "./measure.js";
import { describePeers } from "./peer-check.js";
import { bigGet } from "./scenarios/big-get.js";
import { bzip2Encoding } from "./scenarios/bzip2-encode.js";
import { compressedScenarios } from "./scenarios/compressed.js";
import { cutoutRows } from "./scenarios/cutout-rows.js";
import { headerScan } from "./scenarios/header-scan.js";
import { imageSection } from "./scenarios/image-section.js";
import { manyGet } from "./scenarios/many-get.js";
import { oneStack } from "./scenarios/one-stack.js";
import { randomReads } from "./scenarios/random-reads.js";
import { scaling } from "./scenarios/scaling.js";
import { tessCube } from "./scenarios/tess-cube.js";
import { startBenchServer } from "./server.js";
import { type Goal, type Measurement, printTable } from "./table.js";

const { values } = parseArgs({
  options: {
    latency: { type: "string", default: "20" },
    repeats: { type: "string", default: "3" },
    only: { type: "string" },
    "scale-max": { type: "string", default: "1000000" },
  },
});
const latencyMs = Number(values.latency);
const only = values.only?.split(",").map(Number);
const wanted = (scenario: number): boolean => !only || only.includes(scenario);

if (only?.every((scenario) => scenario === 12 || scenario === 13)) {
  const rows: Measurement[] = [];
  const goals: Goal[] = [];
  for (const [number, scenario] of [
    [12, () => scaling(Number(values["scale-max"]))],
    [13, () => bzip2Encoding(Number(values.repeats))],
  ] as const) {
    if (!wanted(number)) continue;
    const result = await scenario();
    rows.push(...result.rows);
    goals.push(...result.goals);
  }
  console.log(printTable(rows, goals));
  process.exit(0);
}

const root = await mkdtemp(join(tmpdir(), "skyfs-bench-data-"));
const scratch = await mkdtemp(join(tmpdir(), "skyfs-bench-out-"));
const cleanUp = async (): Promise<void> => {
  await rm(root, { recursive: true, force: true });
  await rm(scratch, { recursive: true, force: true });
};
process.once("SIGINT", () => {
  void cleanUp().finally(() => process.exit(130));
});

try {
  console.log(await describePeers());
  console.log(`writing fixtures (1 GiB object, 2,000 small objects, 500 small FITS files, 64 MiB FITS and ASDF) to ${root} ...`);
  await writeFixtures(root);
  const server = await startBenchServer(root, latencyMs);
  const context: BenchContext = { server, root, scratch, repeats: Number(values.repeats) };
  const rows: Measurement[] = [];
  const goals: Goal[] = [];
  const scenarios: Array<[number, () => Promise<{ rows: Measurement[]; goals: Goal[] }>]> = [
    [1, () => randomReads(context)],
    [2, () => cutoutRows(context, latencyMs)],
    [3, () => bigGet(context)],
    [4, () => manyGet(context)],
    [5, () => imageSection(context, latencyMs, "fits")],
    [6, () => tessCube(context, latencyMs)],
    [9, () => imageSection(context, latencyMs, "asdf")],
    [10, () => oneStack(context)],
    [12, () => scaling(Number(values["scale-max"]))],
    [13, () => bzip2Encoding(context.repeats)],
    [14, () => headerScan(context)],
  ];
  const chosen = scenarios.filter(([number]) => wanted(number));
  if ([6, 7, 8].some(wanted)) chosen.push([6, () => compressedScenarios(context, wanted)]);
  try {
    for (const [number, scenario] of chosen) {
      console.log(`scenario ${number} ...`);
      const result = await scenario();
      rows.push(...result.rows);
      goals.push(...result.goals);
    }
  } finally {
    server.close();
  }
  console.log(
    `\n${latencyMs} ms added per request through the proxy (scenarios 3 and 11 without); medians of ${context.repeats} interleaved rounds of fresh processes, CPU seconds and the 1-minute load average beside them (bench/README.md); scenario 12 in this process, scenario 13 the best of ${context.repeats} runs.\n`,
  );
  console.log(printTable(rows, goals));
} finally {
  await cleanUp();
}
