import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { filesystem, GcsBackend, InvalidArgumentError, TransientError, urlToFs } from "../../src/index.js";
import { type GcsFake, startGcsFake } from "../servers/gcs-fake.js";

const sha = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");

describe("GCS against the JSON API test server", () => {
  let server: GcsFake;

  beforeAll(async () => {
    server = await startGcsFake();
    server.createBucket("archive");
  });

  afterAll(async () => {
    await server.close();
  });

  it("sends userProject on every call when requesterPays names a billing project", async () => {
    const fs = filesystem("gs", { apiEndpoint: server.endpoint, projectId: "test", requesterPays: "my-billing-project" });
    await fs.pipe("archive/payer/x.bin", "payload");
    server.requests.length = 0;
    await fs.ls("archive/payer");
    await fs.info("archive/payer/x.bin");
    expect(new TextDecoder().decode(await fs.cat("archive/payer/x.bin"))).toBe("payload");
    await fs.copy("archive/payer/x.bin", "archive/payer/y.bin");
    expect(server.requests.length).toBeGreaterThanOrEqual(4);
    for (const request of server.requests)
      expect(request.query.get("userProject"), `${request.method} ${request.path}`).toBe("my-billing-project");
    expect(() => filesystem("gs", { requesterPays: true })).toThrow(InvalidArgumentError);
    await fs.close();
  });

  it("reports every request of a listing and a description: one per page, one per fallback", async () => {
    const fs = filesystem("gs", { apiEndpoint: server.endpoint, projectId: "test", pageSize: 3, instance: "private" });
    await Promise.all(Array.from({ length: 10 }, (_, i) => fs.pipe(`archive/paged/f${String(i).padStart(2, "0")}.bin`, `file ${i}`)));
    const lists = (): number =>
      server.requests.filter((request) => request.method === "GET" && /\/b\/archive\/o$/.test(request.path)).length;
    server.requests.length = 0;
    fs.resetStats();
    expect(await fs.ls("archive/paged")).toHaveLength(10);
    expect(lists()).toBe(4);
    expect(fs.stats().requests.list).toBe(4);
    server.requests.length = 0;
    fs.resetStats();
    expect(await fs.find("archive/paged")).toHaveLength(10);
    expect(fs.stats().requests.list).toBe(4);
    expect(fs.stats().totalRequests).toBe(server.requests.length);
    server.requests.length = 0;
    fs.resetStats();
    expect((await fs.info("archive/paged")).type).toBe("directory");
    expect(server.requests).toHaveLength(2);
    expect(fs.stats().totalRequests).toBe(2);
    await fs.close();
  });

  it("reads anonymously without credentials", async () => {
    const writer = filesystem("gs", { apiEndpoint: server.endpoint, projectId: "test" });
    await writer.pipe("archive/public/open.txt", "open data");
    server.requests.length = 0;
    const fs = filesystem("gs", { apiEndpoint: server.endpoint, anon: true });
    expect(new TextDecoder().decode(await fs.cat("archive/public/open.txt"))).toBe("open data");
    expect(server.requests.every((request) => request.headers.authorization === undefined)).toBe(true);
    await fs.close();
    await writer.close();
  });

  it("uploads large bodies with a resumable upload and reads them back in ranges", async () => {
    const fs = filesystem("gs", { apiEndpoint: server.endpoint, projectId: "test", resumableThreshold: 1 << 20 });
    const body = new Uint8Array(randomBytes(3 << 20));
    server.requests.length = 0;
    await fs.pipe("archive/big/blob.bin", body);
    expect(server.requests.some((request) => request.query.get("uploadType") === "resumable")).toBe(true);
    const source = await fs.open("archive/big/blob.bin", { cache: "none" });
    expect(sha(await source.read(1000, 2 << 20))).toBe(sha(body.subarray(1000, 1000 + (2 << 20))));
    await fs.close();
  });

  it("retries transient failures through the retry layer, the client's own retries being off", async () => {
    const fs = filesystem("gs", { apiEndpoint: server.endpoint, projectId: "test", retry: { baseDelayMs: 1, maxAttempts: 3 } });
    await fs.pipe("archive/flaky.txt", "steady");
    server.failNext(2, 503);
    expect(new TextDecoder().decode(await fs.cat("archive/flaky.txt"))).toBe("steady");
    server.failNext(5, 503);
    await expect(fs.cat("archive/flaky.txt")).rejects.toBeInstanceOf(TransientError);
    server.failNext(0, 503);
    await fs.close();
  });

  it("recognises storage.googleapis.com URLs when GCS auth options are given", () => {
    expect(urlToFs("https://storage.googleapis.com/archive/x.fits").fs.protocol).toBe("https");
    const { fs, path } = urlToFs("https://storage.googleapis.com/archive/a%20b.fits", { anon: true });
    expect(fs.baseBackend).toBeInstanceOf(GcsBackend);
    expect(path).toBe("archive/a b.fits");
    expect(urlToFs("gcs://archive/x.fits").path).toBe("archive/x.fits");
  });
});
