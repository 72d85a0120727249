import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RetryEvent, RetryOptions } from "../../src/core/retry.js";
import { filesystem, TransientError } from "../../src/index.js";
import { type FaultProxy, type FaultSchedule, type ScheduledRequest, seededSchedule, startFaultProxy } from "../servers/fault-proxy.js";
import { type S3TestServer, startS3rver } from "../servers/s3-servers.js";
import { predict, readAll, seededRanges, type TestRange } from "./fault-reads.js";

const SIZE = 2 * 1024 * 1024;
const READS = 400;

describe("S3 reads through a fault-injecting proxy", () => {
  let server: S3TestServer;
  let proxy: FaultProxy;
  let data: Uint8Array;

  beforeAll(async () => {
    server = await startS3rver(["faults"]);
    data = new Uint8Array(randomBytes(SIZE));
    const writer = filesystem("s3", { endpoint: server.endpoint, credentials: server.credentials });
    await writer.pipe("faults/object.bin", data);
    await writer.close();
    proxy = await startFaultProxy(server.endpoint);
  });

  afterAll(async () => {
    await proxy?.close();
    await server?.close();
  });

  const objectGets = (request: ScheduledRequest): boolean => request.method === "GET" && request.url.startsWith("/faults/object.bin");

  async function run(schedule: FaultSchedule, ranges: TestRange[], retry: RetryOptions) {
    const retries: RetryEvent[] = [];
    const fs = filesystem("s3", {
      endpoint: proxy.baseUrl,
      credentials: server.credentials,
      retry: { ...retry, onRetry: (event) => retries.push(event) },
    });
    try {
      proxy.reset();
      const source = await fs.open("faults/object.bin", { cache: "none" });
      expect(source.size).toBe(SIZE);
      proxy.reset(schedule);
      retries.length = 0;
      fs.resetStats();
      const outcomes = await readAll(source, ranges, data);
      const gets = proxy.seen.filter(objectGets);
      const urls = new Set(gets.map((request) => request.url));
      expect(urls.size).toBe(1);
      const expected = predict(schedule, [...urls][0] as string, ranges, retry.maxAttempts ?? 5);
      return { outcomes, retries, expected, gets, reads: fs.stats().requests.read };
    } finally {
      await fs.close();
    }
  }

  it("returns exactly the source bytes for every read through the S3 SDK; each scheduled fault costs one retry", async () => {
    const schedule = seededSchedule({
      seed: 3,
      rate: 0.25,
      faults: ["503", "429", "reset", "cut", "delay"],
      maxFaultsInARow: 3,
      applies: objectGets,
    });
    const ranges = seededRanges(3, READS, SIZE, 32768);
    const { outcomes, retries, expected, gets, reads } = await run(schedule, ranges, { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 5 });
    console.log(`S3: faults injected ${JSON.stringify(proxy.injected)}; retries ${retries.length}; ${READS} reads verified`);
    expect(outcomes.filter((outcome) => outcome !== true)).toEqual([]);
    expect(proxy.injected).toEqual(expected.injected);
    for (const fault of ["503", "429", "reset", "cut", "delay"] as const) expect(expected.injected[fault]).toBeGreaterThan(15);
    expect(retries).toHaveLength(expected.retries);
    expect(retries.every((event) => event.error instanceof TransientError)).toBe(true);
    expect(gets).toHaveLength(READS + expected.retries);
    expect(reads).toBe(READS + expected.retries);
  });

  it("fails a read with a TransientError after maxAttempts failed attempts, and only those reads", async () => {
    const schedule = seededSchedule({
      seed: 13,
      rate: 0.5,
      faults: ["503", "429", "reset", "cut"],
      maxFaultsInARow: 8,
      applies: objectGets,
    });
    const ranges = seededRanges(13, 100, SIZE, 32768);
    const { outcomes, retries, expected, gets } = await run(schedule, ranges, { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 });
    const failed = outcomes.flatMap((outcome, index) => (outcome === true ? [] : [index]));
    expect(expected.failing.length).toBeGreaterThan(5);
    expect(failed).toEqual(expected.failing);
    for (const index of failed) expect(outcomes[index]).toBeInstanceOf(TransientError);
    expect(retries).toHaveLength(expected.retries);
    expect(gets).toHaveLength(expected.requests);
  });

  it("abandons a hung or stalled attempt at the attempt timeout and retries it", async () => {
    // The timeout is far above what a read takes here (milliseconds) and every hang lasts until
    // the client gives up, so no attempt races the clock.
    const schedule = seededSchedule({ seed: 9, rate: 0.5, faults: ["hang", "stall"], maxFaultsInARow: 1, applies: objectGets });
    const ranges = seededRanges(9, 16, SIZE, 32768);
    const { outcomes, retries, expected, gets } = await run(schedule, ranges, { maxAttempts: 2, baseDelayMs: 1, attemptTimeoutMs: 5000 });
    expect(expected.injected.hang).toBeGreaterThan(0);
    expect(expected.injected.stall).toBeGreaterThan(0);
    expect(outcomes.filter((outcome) => outcome !== true)).toEqual([]);
    expect(proxy.injected).toEqual(expected.injected);
    expect(retries).toHaveLength(expected.retries);
    for (const event of retries) expect(String((event.error as Error).message)).toMatch(/timed out/);
    expect(gets).toHaveLength(16 + expected.retries);
  });
});
