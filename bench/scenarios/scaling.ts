/**
 * Scenario 12: nothing superlinear. `catRanges` and `readMany` of many ranges of one memory
 * object (no two merged), a glob over a memory store of many keys, a semaphore running many
 * tasks, and the range planner, at 1k, 10k, 100k and 1M items: wall time, CPU time and heap per
 * item, which stay flat when the cost is linear (CPU time is the steadier on a shared machine).
 * Each row is printed as soon as it is measured.
 */
import { createMemoryStore, filesystem, planRanges, Semaphore } from "../../src/index.js";
import type { Goal, Measurement } from "../table.js";

interface Case {
  name: string;
  /** A row to read others against, with no goal of its own. */
  reference?: boolean;
  /** Prepares a run of `count` items; the run returns one result per item (held until the heap is measured). */
  prepare: (count: number) => Promise<() => Promise<unknown>>;
}

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
    prepare: async (count) => {
      const semaphore = new Semaphore(16);
      return () => Promise.all(Array.from({ length: count }, (_, i) => semaphore.run(async () => i)));
    },
  },
  {
    name: "Promise.all of as many tasks (reference: the semaphore row's harness alone)",
    reference: true,
    prepare: async (count) => () => Promise.all(Array.from({ length: count }, async (_, i) => i)),
  },
  {
    name: "planRanges",
    prepare: async (count) => {
      const ranges = Array.from({ length: count }, (_, i) => ({ offset: ((i * 7919) % count) * 10, length: 4 }));
      return async () => planRanges(ranges, { mergeGap: 0 });
    },
  },
];

/** Runs scenario 12 up to `maxCount` items. */
export async function scaling(maxCount: number): Promise<{ rows: Measurement[]; goals: Goal[] }> {
  const rows: Measurement[] = [];
  const goals: Goal[] = [];
  for (const item of cases) {
    const perItem: number[] = [];
    for (let count = 1000; count <= maxCount; count *= 10) {
      const run = await item.prepare(count);
      const heapBefore = process.memoryUsage().heapUsed;
      const cpu = process.cpuUsage();
      const started = performance.now();
      const kept = await run();
      const seconds = (performance.now() - started) / 1000;
      const used = process.cpuUsage(cpu);
      const cpuSeconds = (used.user + used.system) / 1e6;
      const heap = Math.max(0, process.memoryUsage().heapUsed - heapBefore);
      perItem.push(cpuSeconds / count);
      const row = {
        scenario: `12 ${item.name}`,
        peer: `${count.toLocaleString("en")} items`,
        seconds,
        note: `${((seconds / count) * 1e6).toFixed(2)} µs wall, ${((cpuSeconds / count) * 1e6).toFixed(2)} µs CPU and ~${Math.round(heap / count)} B heap per item`,
      };
      rows.push(row);
      console.log(`  ${row.scenario}, ${row.peer}: ${row.note}`);
      if (!Array.isArray(kept) || kept.length !== count)
        throw new Error(`${item.name}: ${count} items asked, a different number came back`);
    }
    if (item.reference) continue;
    const first = perItem[0] as number;
    const last = perItem.at(-1) as number;
    goals.push({
      scenario: `12 ${item.name}`,
      goal: "CPU time per item at the largest size within 3x of the smallest",
      met: last <= first * 3,
    });
  }
  return { rows, goals };
}
