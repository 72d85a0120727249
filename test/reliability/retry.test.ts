import { randomBytes } from "node:crypto";
import { getEventListeners } from "node:events";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { HttpBackend } from "../../src/backends/http/backend.js";
import { FileSystem } from "../../src/core/filesystem.js";
import { type RetryEvent, type RetryOptions, withRetry } from "../../src/core/retry.js";
import { AbortError, NotFoundError, TransientError } from "../../src/index.js";
import { type FaultProxy, type FaultSchedule, type ScheduledRequest, seededSchedule, startFaultProxy } from "../servers/fault-proxy.js";
import { startHttpServer, type TestHttpServer } from "../servers/http-server.js";
import { predict, readAll, seededRanges, type TestRange } from "./fault-reads.js";

const SIZE = 4 * 1024 * 1024;
const READS = 1000;

/** An attempt that hangs until it is aborted, then records how long it lived in `lifetimes`. */
function hangRecording(lifetimes: number[]): (signal: AbortSignal) => Promise<never> {
  return (signal) =>
    new Promise((_, reject) => {
      const started = Date.now();
      signal.addEventListener("abort", () => {
        lifetimes.push(Date.now() - started);
        reject(new Error("aborted"));
      });
    });
}

describe("retry policy", () => {
  it("retries transient errors with backoff, then gives up after maxAttempts", async () => {
    let calls = 0;
    const delays: number[] = [];
    const error = await withRetry(
      "op",
      async () => {
        calls++;
        throw new TransientError("busy", { status: 503 });
      },
      { maxAttempts: 4, baseDelayMs: 1, onRetry: (event) => delays.push(event.delayMs) },
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TransientError);
    expect(calls).toBe(4);
    expect(delays).toHaveLength(3);
    expect(delays.every((delay, i) => delay >= 0 && delay <= 2 ** i)).toBe(true);
  });

  it("does not retry errors that cannot pass", async () => {
    let calls = 0;
    await expect(
      withRetry("op", async () => {
        calls++;
        throw new NotFoundError("gone");
      }),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(calls).toBe(1);
  });

  it("turns each hung attempt into a retry, and stops at the deadline", async () => {
    vi.useFakeTimers();
    vi.spyOn(Math, "random").mockReturnValue(0);
    try {
      let calls = 0;
      const started = Date.now();
      const pending = withRetry(
        "hang",
        (signal) =>
          new Promise((_, reject) => {
            calls++;
            signal.addEventListener("abort", () => reject(new Error("aborted")));
          }),
        { attemptTimeoutMs: 30, deadlineMs: 200, baseDelayMs: 1, maxAttempts: 100 },
      ).then(
        () => ({ caught: undefined, at: Date.now() }),
        (caught: unknown) => ({ caught, at: Date.now() }),
      );
      await vi.advanceTimersByTimeAsync(1000);
      const { caught, at } = await pending;
      expect(caught).toBeInstanceOf(TransientError);
      expect((caught as Error).message).toMatch(/timed out/);
      // Attempts start at 0, 30, ... 180 ms; the seventh is cut short by the deadline at 200 ms.
      expect(calls).toBe(7);
      expect(at - started).toBe(200);
    } finally {
      vi.restoreAllMocks();
      vi.useRealTimers();
    }
  });

  it("abandons hung attempts under the default guard after 60 to 61 s, one timer for many attempts", async () => {
    vi.useFakeTimers();
    // Past the window of the real-timer attempts of earlier tests, whose timer the fake clock does not run.
    vi.setSystemTime(Date.now() + 5_000);
    vi.spyOn(Math, "random").mockReturnValue(0);
    try {
      const lifetimes: number[] = [];
      const hang = (): Promise<never> => withRetry("hang", hangRecording(lifetimes), { maxAttempts: 2 });
      const first = hang().catch((caught: unknown) => caught);
      await vi.advanceTimersByTimeAsync(400);
      const second = hang().catch((caught: unknown) => caught);
      const timersWhileHanging = vi.getTimerCount();
      await vi.advanceTimersByTimeAsync(200_000);
      expect(await first).toBeInstanceOf(TransientError);
      expect(await second).toBeInstanceOf(TransientError);
      expect(timersWhileHanging).toBe(1);
      expect(lifetimes).toHaveLength(4);
      for (const lifetime of lifetimes) {
        expect(lifetime).toBeGreaterThanOrEqual(60_000);
        expect(lifetime).toBeLessThanOrEqual(61_000);
      }
    } finally {
      vi.restoreAllMocks();
      vi.useRealTimers();
    }
  });

  it("gives a hung attempt exactly attemptTimeoutMs, maxAttempts times", async () => {
    vi.useFakeTimers();
    try {
      const lifetimes: number[] = [];
      const pending = withRetry("hang", hangRecording(lifetimes), { attemptTimeoutMs: 5000, baseDelayMs: 0, maxAttempts: 3 }).catch(
        (caught: unknown) => caught,
      );
      await vi.advanceTimersByTimeAsync(60_000);
      const error = await pending;
      expect(error).toBeInstanceOf(TransientError);
      expect(lifetimes).toEqual([5000, 5000, 5000]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("runs the attempts under one caller's signal with one listener on it, and its abort stops each", async () => {
    const caller = new AbortController();
    const signals: AbortSignal[] = [];
    const hang = (): Promise<unknown> =>
      withRetry(
        "hang",
        (signal) =>
          new Promise((_, reject) => {
            signals.push(signal);
            signal.addEventListener("abort", () => reject(new Error("aborted")));
          }),
        {},
        caller.signal,
      ).catch((caught: unknown) => caught);
    const pending = [hang(), hang(), hang()];
    expect(signals).toHaveLength(3);
    expect(getEventListeners(caller.signal, "abort")).toHaveLength(1);
    caller.abort(new Error("not wanted"));
    for (const error of await Promise.all(pending)) expect((error as Error).message).toBe("aborted");
    expect(signals.every((signal) => signal.aborted)).toBe(true);
    expect(getEventListeners(caller.signal, "abort")).toHaveLength(0);
  });

  it("stops at once when the caller aborts", async () => {
    const controller = new AbortController();
    const pending = withRetry(
      "op",
      async () => {
        controller.abort();
        throw new TransientError("busy");
      },
      { baseDelayMs: 10_000 },
      controller.signal,
    );
    await expect(pending).rejects.toBeInstanceOf(TransientError);
    await expect(withRetry("op", async () => 1, {}, controller.signal)).rejects.toBeInstanceOf(AbortError);
  });
});

describe("random reads through a fault-injecting proxy", () => {
  let folder: string;
  let server: TestHttpServer;
  let proxy: FaultProxy;
  let data: Uint8Array;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "skyfs-faults-"));
    data = new Uint8Array(randomBytes(SIZE));
    await writeFile(join(folder, "object.bin"), data);
    server = await startHttpServer(folder);
    proxy = await startFaultProxy(server.baseUrl);
  });

  afterAll(async () => {
    await proxy.close();
    await server.close();
    await rm(folder, { recursive: true, force: true });
  });

  const onlyGets = (request: ScheduledRequest): boolean => request.method === "GET";

  async function run(schedule: FaultSchedule, ranges: TestRange[], retry: RetryOptions) {
    const retries: RetryEvent[] = [];
    const fs = new FileSystem(new HttpBackend({}, "http"), { retry: { ...retry, onRetry: (event) => retries.push(event) } });
    try {
      proxy.reset();
      const source = await fs.open(`${proxy.baseUrl}/object.bin`, { cache: "none" });
      proxy.reset(schedule);
      retries.length = 0;
      const outcomes = await readAll(source, ranges, data);
      const expected = predict(schedule, "/object.bin", ranges, retry.maxAttempts ?? 5);
      return { outcomes, retries, expected, gets: proxy.seen.filter(onlyGets) };
    } finally {
      await fs.close();
    }
  }

  it("returns exactly the source bytes for every read; each scheduled fault costs one retry", async () => {
    const schedule = seededSchedule({
      seed: 7,
      rate: 0.2,
      faults: ["503", "429", "reset", "cut", "delay"],
      maxFaultsInARow: 3,
      applies: onlyGets,
    });
    const ranges = seededRanges(7, READS, SIZE, 32768);
    const { outcomes, retries, expected, gets } = await run(schedule, ranges, { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 5 });
    console.log(`HTTP: faults injected ${JSON.stringify(proxy.injected)}; retries ${retries.length}; ${READS} reads verified`);
    expect(outcomes.filter((outcome) => outcome !== true)).toEqual([]);
    expect(proxy.injected).toEqual(expected.injected);
    for (const fault of ["503", "429", "reset", "cut", "delay"] as const) expect(expected.injected[fault]).toBeGreaterThan(30);
    expect(retries).toHaveLength(expected.retries);
    expect(retries.every((event) => event.error instanceof TransientError)).toBe(true);
    expect(gets).toHaveLength(READS + expected.retries);
  });

  it("fails a read with a TransientError after maxAttempts failed attempts, and only those reads", async () => {
    const schedule = seededSchedule({ seed: 11, rate: 0.5, faults: ["503", "429", "reset", "cut"], maxFaultsInARow: 8, applies: onlyGets });
    const ranges = seededRanges(11, 200, SIZE, 65536);
    const { outcomes, retries, expected, gets } = await run(schedule, ranges, { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 });
    const failed = outcomes.flatMap((outcome, index) => (outcome === true ? [] : [index]));
    expect(expected.failing.length).toBeGreaterThan(10);
    expect(failed).toEqual(expected.failing);
    for (const index of failed) expect(outcomes[index]).toBeInstanceOf(TransientError);
    expect(retries).toHaveLength(expected.retries);
    expect(gets).toHaveLength(expected.requests);
  });

  it("abandons a hung or stalled attempt at the attempt timeout and retries it", async () => {
    // The timeout is far above what a read takes here (milliseconds) and every hang lasts until
    // the client gives up, so no attempt races the clock.
    const schedule = seededSchedule({ seed: 5, rate: 0.5, faults: ["hang", "stall"], maxFaultsInARow: 1, applies: onlyGets });
    const ranges = seededRanges(5, 16, SIZE, 65536);
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
