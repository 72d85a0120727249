/**
 * Scenarios 10 and 11: what sharing one stack buys.
 * 10: 500 top-level `cat(url)` calls of 10 KiB objects in a loop through the latency proxy, against
 *    the same loop over one raw undici Agent.
 * 11: 2,000 parallel 400-byte reads through `readMany` straight to the server (no added latency),
 *    against plain undici issuing the same requests on one Agent; CPU time beside wall time, and
 *    the heap held per pending read. Each peer's connections are opened by one untimed round.
 */
import { Agent, request } from "undici";
import { cat, clearInstanceCache, filesystem } from "../../src/index.js";
import { BIG_SIZE, SMALL_COUNT } from "../fixtures.js";
import { type BenchContext, best, seeded } from "../measure.js";
import type { Goal, Measurement } from "../table.js";

const CATS = 500;
const READS = 2000;
const READ_LENGTH = 400;

function smallUrl(base: string, i: number): string {
  return `${base}/small/obj${String(i % SMALL_COUNT).padStart(5, "0")}.bin`;
}

/** Wall and CPU seconds of `run`, as `best` wants them plus a CPU note. */
async function timed(run: () => Promise<void>): Promise<{ seconds: number; note: string }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await run();
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { seconds, note: `CPU ${((used.user + used.system) / 1e6).toFixed(3)} s` };
}

/** Runs scenarios 10 and 11. */
export async function oneStack(context: BenchContext): Promise<{ rows: Measurement[]; goals: Goal[] }> {
  const rows: Measurement[] = [];
  const loop = "10 cat(url) x 500 in a loop";
  rows.push(
    await best(context, loop, "skyfs", async () => {
      await clearInstanceCache();
      return timed(async () => {
        for (let i = 0; i < CATS; i++) await cat(smallUrl(context.server.proxied, i));
      });
    }),
  );
  rows.push(
    await best(context, loop, "undici (one Agent)", async () => {
      const agent = new Agent({ connections: 256 });
      try {
        return await timed(async () => {
          for (let i = 0; i < CATS; i++) {
            const response = await request(smallUrl(context.server.proxied, i), { dispatcher: agent });
            await response.body.arrayBuffer();
          }
        });
      } finally {
        await agent.close();
      }
    }),
  );

  const parallel = "11 readMany 2,000 x 400 B, no latency";
  const random = seeded(777);
  const slots = Math.floor(BIG_SIZE / 16_384);
  const ranges = Array.from({ length: READS }, (_, i) => ({
    offset: ((Math.floor(random() * slots) + i) % slots) * 16_384,
    length: READ_LENGTH,
  }));
  const url = `${context.server.raw}/big.bin`;
  const fs = filesystem("http", { instance: "private" });
  const source = await fs.open(url, { cache: "none" });
  await source.readMany(ranges);
  rows.push(
    await best(context, parallel, "skyfs", () =>
      timed(async () => {
        const out = await source.readMany(ranges);
        if (out.some((bytes) => bytes.length !== READ_LENGTH)) throw new Error("skyfs: short read");
      }),
    ),
  );
  const agent = new Agent({ connections: 256 });
  const undiciReads = (): Promise<unknown> =>
    Promise.all(
      ranges.map(async ({ offset, length }) => {
        const response = await request(url, { headers: { range: `bytes=${offset}-${offset + length - 1}` }, dispatcher: agent });
        const body = new Uint8Array(await response.body.arrayBuffer());
        if (body.length !== length) throw new Error("undici: short read");
      }),
    );
  await undiciReads();
  rows.push(await best(context, parallel, "undici (one Agent)", () => timed(async () => void (await undiciReads()))));
  await agent.close();

  const slow = await fs.open(`${context.server.proxied}/big.bin`, { cache: "none" });
  const before = process.memoryUsage().heapUsed;
  const pending = slow.readMany(ranges);
  await new Promise((resolve) => setTimeout(resolve, 5));
  const perRange = (process.memoryUsage().heapUsed - before) / READS;
  await pending;
  await fs.close();
  const pendingNote = `heap per pending read ~${(perRange / 1024).toFixed(1)} KiB`;
  const ourRow = rows.find((row) => row.scenario === parallel && row.peer === "skyfs");
  if (ourRow) ourRow.note = `${ourRow.note ?? ""}; ${pendingNote}`;

  const time = (scenario: string, peer: string): number | undefined =>
    rows.find((row) => row.scenario === scenario && row.peer === peer)?.seconds;
  const ratio = (scenario: string): number | undefined => {
    const ours = time(scenario, "skyfs");
    const theirs = time(scenario, "undici (one Agent)");
    return ours !== undefined && theirs !== undefined ? ours / theirs : undefined;
  };
  const loopRatio = ratio(loop);
  const parallelRatio = ratio(parallel);
  return {
    rows,
    goals: [
      { scenario: loop, goal: "skyfs within 1.2x of one undici Agent", met: loopRatio === undefined ? undefined : loopRatio <= 1.2 },
      {
        scenario: parallel,
        goal: "skyfs within 1.5x of one undici Agent",
        met: parallelRatio === undefined ? undefined : parallelRatio <= 1.5,
      },
    ],
  };
}
