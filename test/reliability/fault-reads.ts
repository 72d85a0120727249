/**
 * What the fault tests share: seeded random ranges, the outcome a fault schedule predicts for
 * them, and reads that record each outcome with the bytes checked.
 */
import { createHash } from "node:crypto";
import type { ByteSource } from "../../src/index.js";
import type { Fault, FaultSchedule } from "../servers/fault-proxy.js";

/** A byte range of the test object. */
export interface TestRange {
  offset: number;
  length: number;
}

/** `count` different ranges of 2 to `maxLength` bytes inside `size` bytes, the same for a seed. */
export function seededRanges(seed: number, count: number, size: number, maxLength: number): TestRange[] {
  let state = seed;
  const random = (): number => {
    state = (state * 48271) % 2147483647;
    return state / 2147483647;
  };
  const ranges = new Map<string, TestRange>();
  while (ranges.size < count) {
    const offset = Math.floor(random() * (size - 2));
    const length = 2 + Math.floor(random() * (Math.min(maxLength, size - offset) - 1));
    ranges.set(`${offset}+${length}`, { offset, length });
  }
  return [...ranges.values()];
}

/** The `Range` header a read of `range` sends. */
export function rangeHeader({ offset, length }: TestRange): string {
  return `bytes=${offset}-${offset + length - 1}`;
}

/** What a schedule predicts for a set of reads. */
export interface Prediction {
  /** Faults the proxy will inject, by kind. */
  injected: Record<Fault, number>;
  /** Failed attempts, i.e. retries plus the last attempts of reads that fail. */
  failedAttempts: number;
  /** Retries the retry layer will make. */
  retries: number;
  /** Requests the proxy will receive. */
  requests: number;
  /** Indexes of the reads that will fail after their last attempt. */
  failing: number[];
}

/**
 * Replays `schedule` for a GET of each range of `url`: attempts go on while they fail (a `delay`
 * does not fail) and `maxAttempts` allows.
 */
export function predict(schedule: FaultSchedule, url: string, ranges: readonly TestRange[], maxAttempts: number): Prediction {
  const prediction: Prediction = {
    injected: { "503": 0, "429": 0, reset: 0, cut: 0, stall: 0, hang: 0, delay: 0 },
    failedAttempts: 0,
    retries: 0,
    requests: 0,
    failing: [],
  };
  ranges.forEach((range, index) => {
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      const fault = schedule({ method: "GET", url, range: rangeHeader(range), attempt });
      prediction.requests++;
      if (fault) prediction.injected[fault]++;
      if (fault === undefined || fault === "delay") return;
      prediction.failedAttempts++;
      if (attempt + 1 < maxAttempts) prediction.retries++;
    }
    prediction.failing.push(index);
  });
  return prediction;
}

/** The outcome of each read: `true` when the bytes were right, else the error. */
export type ReadOutcome = true | unknown;

/** Reads every range, `concurrency` at a time, comparing the bytes with `expected`. */
export async function readAll(
  source: ByteSource,
  ranges: readonly TestRange[],
  expected: Uint8Array,
  concurrency = 16,
): Promise<ReadOutcome[]> {
  const outcomes: ReadOutcome[] = [];
  const digest = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");
  for (let start = 0; start < ranges.length; start += concurrency) {
    const batch = ranges.slice(start, start + concurrency);
    const results = await Promise.all(
      batch.map(async ({ offset, length }) => {
        try {
          const bytes = await source.read(offset, length);
          return digest(bytes) === digest(expected.subarray(offset, offset + length)) || new Error(`wrong bytes at ${offset}+${length}`);
        } catch (error) {
          return error;
        }
      }),
    );
    outcomes.push(...results);
  }
  return outcomes;
}
