import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FileSystem, filesystem, SkyfsError } from "../../src/index.js";
import { type FaultProxy, startFaultProxy } from "../servers/fault-proxy.js";
import { type S3TestServer, startS3rver } from "../servers/s3-servers.js";

const SIZE = 2 * 1024 * 1024;
const READS = 600;
const sha = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");

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
    proxy = await startFaultProxy(server.endpoint, { rate: 0.2, delayMs: 150, seed: 3 });
  });

  afterAll(async () => {
    await proxy?.close();
    await server?.close();
  });

  it("returns exactly the source bytes for every read, or a typed error, through the S3 SDK", async () => {
    let retries = 0;
    const fs: FileSystem = filesystem("s3", {
      endpoint: proxy.baseUrl,
      credentials: server.credentials,
      retry: { maxAttempts: 8, baseDelayMs: 2, maxDelayMs: 20, attemptTimeoutMs: 100, onRetry: () => retries++ },
    });
    const source = await fs.open("faults/object.bin", { cache: "none" });
    expect(source.size).toBe(SIZE);
    let state = 11;
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
      `S3: faults injected: ${JSON.stringify(proxy.injected)} (${injected}); retries: ${retries}; reads verified: ${verified}/${READS}; typed failures: ${typedFailures}`,
    );
    expect(injected).toBeGreaterThan(READS * 0.1);
    expect(retries).toBeGreaterThanOrEqual(injected - proxy.injected.delay);
    expect(verified + typedFailures).toBe(READS);
    expect(verified).toBeGreaterThan(READS * 0.99);
    expect(fs.stats().requests.read).toBeGreaterThanOrEqual(READS + retries - proxy.injected.delay);
    await fs.close();
  });
});
