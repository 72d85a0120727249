/**
 * What every Node child of the interleaved scenarios shares (skyfs's and the JS peers'): timing
 * the work alone and printing the {@link RunReport} line, reading a ranges file, and running
 * work with a bound on how much is in flight.
 */
import { readFile } from "node:fs/promises";

/** What a timed operation reports besides its times. */
export interface Outcome {
  /** Anything worth a column. */
  note?: string;
  /** The sum of the values read, compared across contenders. */
  sum?: number;
}

/**
 * Runs `work` and prints one JSON line: its wall and CPU seconds (user + system, measured in
 * this process around the work only) and what it returned.
 */
export async function timed(work: () => Promise<Outcome>): Promise<void> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const outcome = await work();
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  console.log(JSON.stringify({ seconds, cpuSeconds: (used.user + used.system) / 1e6, ...outcome }));
}

/** One byte range of a ranges file. */
export interface Range {
  /** First byte. */
  offset: number;
  /** Number of bytes. */
  length: number;
}

/** Reads a JSON file. */
export async function readJson<T>(file: string): Promise<T> {
  return JSON.parse(await readFile(file, "utf8")) as T;
}

/** Reads a JSON file of `[[offset, length], ...]`. */
export async function readRanges(file: string): Promise<Range[]> {
  return (await readJson<Array<[number, number]>>(file)).map(([offset, length]) => ({ offset, length }));
}

/** Runs `each` over `items`, at most `limit` at once (all at once without a limit). */
export async function eachLimited<T>(items: readonly T[], limit: number | undefined, each: (item: T) => Promise<void>): Promise<void> {
  if (limit === undefined) {
    await Promise.all(items.map(each));
    return;
  }
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await each(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
