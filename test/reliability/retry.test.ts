import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpBackend } from "../../src/backends/http.js";
import { FileSystem } from "../../src/core/filesystem.js";
import { RetryingBackend, withRetry } from "../../src/core/retry.js";
import { AbortError, NotFoundError, SkyfsError, TransientError } from "../../src/index.js";
import { type FaultProxy, startFaultProxy } from "../servers/fault-proxy.js";
import { startHttpServer, type TestHttpServer } from "../servers/http-server.js";

const SIZE = 4 * 1024 * 1024;
const READS = 2000;
const sha = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");

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

  it("turns a hung attempt into a retry, and stops at the deadline", async () => {
    let calls = 0;
    const started = Date.now();
    const error = await withRetry(
      "hang",
      (signal) =>
        new Promise((_, reject) => {
          calls++;
          signal.addEventListener("abort", () => reject(new Error("aborted")));
        }),
      { attemptTimeoutMs: 30, deadlineMs: 200, baseDelayMs: 1, maxAttempts: 100 },
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as Error).message).toMatch(/timed out/);
    expect(calls).toBeGreaterThan(1);
    expect(Date.now() - started).toBeLessThan(2000);
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
    proxy = await startFaultProxy(server.baseUrl, { rate: 0.2, delayMs: 150 });
  });

  afterAll(async () => {
    await proxy.close();
    await server.close();
    await rm(folder, { recursive: true, force: true });
  });

  it("returns exactly the source bytes for every read, or a typed error", async () => {
    let retries = 0;
    const backend = new RetryingBackend(new HttpBackend({ timeout: 5000 }, "http"), {
      maxAttempts: 8,
      baseDelayMs: 2,
      maxDelayMs: 20,
      attemptTimeoutMs: 100,
      onRetry: () => retries++,
    });
    const fs = new FileSystem(backend);
    const source = await fs.open(`${proxy.baseUrl}/object.bin`);
    let state = 7;
    const random = (): number => {
      state = (state * 48271) % 2147483647;
      return state / 2147483647;
    };
    let verified = 0;
    let typedFailures = 0;
    const ranges = Array.from({ length: READS }, () => {
      const offset = Math.floor(random() * (SIZE - 1));
      return { offset, length: 1 + Math.floor(random() * Math.min(65536, SIZE - offset)) };
    });
    for (let i = 0; i < ranges.length; i += 16) {
      await Promise.all(
        ranges.slice(i, i + 16).map(async ({ offset, length }) => {
          try {
            const bytes = await source.read(offset, length);
            expect(sha(bytes)).toBe(sha(data.subarray(offset, offset + length)));
            verified++;
          } catch (error) {
            expect(error).toBeInstanceOf(SkyfsError);
            typedFailures++;
          }
        }),
      );
    }
    const injected = Object.values(proxy.injected).reduce((sum, count) => sum + count, 0);
    console.log(
      `faults injected: ${JSON.stringify(proxy.injected)} (${injected}); retries: ${retries}; reads verified: ${verified}/${READS}; typed failures: ${typedFailures}`,
    );
    expect(injected).toBeGreaterThan(READS * 0.1);
    expect(retries).toBeGreaterThanOrEqual(injected - proxy.injected.delay);
    expect(verified + typedFailures).toBe(READS);
    expect(verified).toBeGreaterThan(READS * 0.99);
    await fs.close();
  });
});
