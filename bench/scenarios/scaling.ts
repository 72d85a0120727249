/**
 * Scenario 12: nothing superlinear. `catRanges` and `readMany` of many ranges of one memory
 * object (no two merged), a glob over a memory store of many keys, a semaphore running many
 * tasks, and the range planner, at 1k, 10k, 100k and 1M items: wall time, CPU time and heap per
 * item, which stay flat when the cost is linear (CPU time is the steadier on a shared machine).
 * The semaphore and the planner keep a million pending tasks or results, whose cost per item the
 * runtime raises by itself as they outgrow V8's young generation; each is read against a
 * reference row that keeps as many with no skyfs code. Each row is printed as soon as it is
 * measured.
 */

import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { createMemoryStore, filesystem, planRanges, Semaphore } from "../../src/index.js";
import type { Goal, Measurement } from "../table.js";

setFlagsFromString("--expose-gc");
/**
 * A full collection, run before each timed run: what `prepare` allocated (a million ranges, a
 * million keys) is then settled in the old generation instead of being promoted during the run
 * and charged to it, and the heap figure starts from a collected heap.
 */
const collectGarbage = runInNewContext("gc") as () => void;

interface Case {
  name: string;
  /** A row to read others against, with no goal of its own. */
  reference?: boolean;
  /** The reference row this one is read against: its goal is on the ratio of their costs per item. */
  against?: string;
  /** Prepares a run of `count` items; the run returns one result per item (held until the heap is measured). */
  prepare: (count: number) => Promise<() => Promise<unknown>>;
}

/**
 * The semaphore row's reference: `Promise.all` of as many promises, all pending until every one
 * exists, then settled in order. It holds what the semaphore's queue holds (a promise and its
 * resolver per task) with no skyfs code, so the step its cost per item takes when that pending set
 * outgrows V8's young generation (between 10k and 100k) is the runtime's, not the semaphore's.
 */
const PENDING_REFERENCE = "reference: as many promises pending, then settled in order (no skyfs code)";

/**
 * The planner row's reference: as many entries of a plan's shape (`{ span, serves: [i] }`) built
 * and kept, with no planning. Keeping a million results costs far more per item than keeping a
 * thousand (they outgrow the young generation), whatever computes them.
 */
const KEPT_ENTRIES_REFERENCE = "reference: as many plan entries built and kept (no skyfs code)";

const cases: Case[] = [
  {
    name: "catRanges, one path",
    prepare: async (count) => {
      const fs = filesystem("memory", { store: createMemoryStore(), mergeGap: 0, instance: "private" });
      await fs.pipe("scale/object.bin", new Uint8Array(count * 2));
      const paths = new Array<string>(count).fill("scale/object.bin");
      const starts = Array.from({ length: count }, (_, i) => i * 2);
      const ends = starts.map((start) => start + 1);
      return () => fs.catRanges(paths, starts, ends);
    },
  },
  {
    name: "readMany",
    prepare: async (count) => {
      const fs = filesystem("memory", { store: createMemoryStore(), mergeGap: 0, instance: "private" });
      await fs.pipe("scale/object.bin", new Uint8Array(count * 2));
      const source = await fs.open("scale/object.bin", { cache: "none" });
      const ranges = Array.from({ length: count }, (_, i) => ({ offset: i * 2, length: 1 }));
      return () => source.readMany(ranges);
    },
  },
  {
    name: "glob over memory keys",
    prepare: async (count) => {
      const store = createMemoryStore();
      const object = { data: new Uint8Array(1), mtime: new Date(), etag: '"x"' };
      for (let i = 0; i < count; i++) store.set(`keys/d${Math.floor(i / 1000)}/f${i}.fits`, object);
      const fs = filesystem("memory", { store, instance: "private" });
      return () => fs.glob("keys/*/f*.fits");
    },
  },
  {
    name: "Semaphore(16).run",
    against: PENDING_REFERENCE,
    prepare: async (count) => {
      const semaphore = new Semaphore(16);
      return () => Promise.all(Array.from({ length: count }, (_, i) => semaphore.run(async () => i)));
    },
  },
  {
    name: PENDING_REFERENCE,
    reference: true,
    prepare: async (count) => async () => {
      const settle: ((value: number) => void)[] = [];
      const all = Promise.all(Array.from({ length: count }, () => new Promise<number>((resolve) => settle.push(resolve))));
      for (const [i, resolve] of settle.entries()) resolve(i);
      return all;
    },
  },
  {
    name: KEPT_ENTRIES_REFERENCE,
    reference: true,
    prepare: async (count) => async () => {
      const entries: Array<{ span: { offset: number; length: number }; serves: number[] }> = [];
      for (let i = 0; i < count; i++) entries.push({ span: { offset: i * 10, length: 4 }, serves: [i] });
      return entries;
    },
  },
  {
    name: "planRanges",
    against: KEPT_ENTRIES_REFERENCE,
    prepare: async (count) => {
      const ranges = Array.from({ length: count }, (_, i) => ({ offset: ((i * 7919) % count) * 10, length: 4 }));
      return async () => planRanges(ranges, { mergeGap: 0 });
    },
  },
];

/**
 * Timed runs of a case at `count` items; the one with the least CPU time is kept. At least two,
 * and enough for 20,000 items in all: a run of 1,000 items takes about a millisecond, where the
 * machine's noise is as large as the work.
 */
function runsAt(count: number): number {
  return Math.max(2, Math.ceil(20_000 / count));
}

/** One timed run of `item` at `count` items, after a full collection. */
async function timedRun(item: Case, count: number): Promise<{ seconds: number; cpuSeconds: number; heap: number }> {
  const run = await item.prepare(count);
  collectGarbage();
  const heapBefore = process.memoryUsage().heapUsed;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const kept = await run();
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const heap = Math.max(0, process.memoryUsage().heapUsed - heapBefore);
  if (!Array.isArray(kept) || kept.length !== count) throw new Error(`${item.name}: ${count} items asked, a different number came back`);
  return { seconds, cpuSeconds: (used.user + used.system) / 1e6, heap };
}

/**
 * Runs scenario 12 up to `maxCount` items. Each size runs several times ({@link runsAt}) and keeps
 * the run with the least CPU time: a single run charges one-off costs (compiling the code on its
 * first use, the sweeping a collection leaves to background threads) to whichever size comes first.
 */
export async function scaling(maxCount: number): Promise<{ rows: Measurement[]; goals: Goal[] }> {
  const rows: Measurement[] = [];
  const cpuPerItem = new Map<string, number[]>();
  for (const item of cases) {
    const perItem: number[] = [];
    cpuPerItem.set(item.name, perItem);
    for (let count = 1000; count <= maxCount; count *= 10) {
      let best = await timedRun(item, count);
      const runs = runsAt(count);
      for (let run = 1; run < runs; run++) {
        const next = await timedRun(item, count);
        if (next.cpuSeconds < best.cpuSeconds) best = next;
      }
      const { seconds, cpuSeconds, heap } = best;
      perItem.push(cpuSeconds / count);
      const row = {
        scenario: `12 ${item.name}`,
        peer: `${count.toLocaleString("en")} items`,
        seconds,
        note: `${((seconds / count) * 1e6).toFixed(2)} µs wall, ${((cpuSeconds / count) * 1e6).toFixed(2)} µs CPU and ~${Math.round(heap / count)} B heap per item (least CPU of ${runs} runs)`,
      };
      rows.push(row);
      console.log(`  ${row.scenario}, ${row.peer}: ${row.note}`);
    }
  }
  return { rows, goals: cases.filter((item) => !item.reference).map((item) => scalingGoal(item, cpuPerItem)) };
}

/**
 * A row's goal: its CPU time per item at the largest size within 3x of the smallest's, or, for a
 * row read against a reference, the same of its cost per item divided by the reference's.
 */
function scalingGoal(item: Case, cpuPerItem: Map<string, number[]>): Goal {
  const own = cpuPerItem.get(item.name) as number[];
  const reference = item.against === undefined ? undefined : (cpuPerItem.get(item.against) as number[]);
  const relative = (index: number): number => (own.at(index) as number) / (reference ? (reference.at(index) as number) : 1);
  return {
    scenario: `12 ${item.name}`,
    goal: reference
      ? "CPU time per item over the reference's: at the largest size within 3x of the smallest"
      : "CPU time per item at the largest size within 3x of the smallest",
    met: relative(-1) <= relative(0) * 3,
  };
}
