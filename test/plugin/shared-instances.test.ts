import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { NodeTransport } from "../../src/backends/http/node-transport.js";
import { readWholeBody } from "../../src/backends/http/transport.js";
import { openFits, writeFits } from "../../src/fits.js";
import { bearerAuth, cachedInstanceCount, cat, clearInstanceCache, filesystem, glob, instanceKey, open, urlToFs } from "../../src/index.js";

/** A server of small objects that counts the TCP connections it accepts. */
async function startCountingServer(): Promise<{
  baseUrl: string;
  connections: () => number;
  requests: () => number;
  close: () => Promise<void>;
}> {
  const body = new Uint8Array(1024).fill(7);
  let connections = 0;
  let requests = 0;
  const server: Server = createServer((req, res) => {
    requests++;
    if (req.url?.startsWith("/closing/")) res.setHeader("connection", "close");
    res.setHeader("content-length", body.length);
    res.setHeader("etag", '"small"');
    res.setHeader("accept-ranges", "bytes");
    const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? "");
    if (range) {
      const start = Number(range[1]);
      const end = Math.min(Number(range[2]), body.length - 1);
      res.writeHead(206, { "content-range": `bytes ${start}-${end}/${body.length}`, "content-length": end - start + 1 });
      res.end(req.method === "HEAD" ? undefined : body.subarray(start, end + 1));
      return;
    }
    res.writeHead(200);
    res.end(req.method === "HEAD" ? undefined : body);
  });
  server.on("connection", () => {
    connections++;
  });
  server.keepAliveTimeout = 10_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  server.unref();
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections: () => connections,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe("shared filesystem instances", () => {
  let server: Awaited<ReturnType<typeof startCountingServer>>;

  beforeAll(async () => {
    server = await startCountingServer();
  });

  afterEach(() => clearInstanceCache());

  afterAll(() => server.close());

  it("200 sequential top-level cat(url) calls on one host open at most a handful of connections", async () => {
    for (let i = 0; i < 200; i++) {
      const bytes = await cat(`${server.baseUrl}/object-${i}.bin`);
      expect(bytes.length).toBe(1024);
    }
    expect(server.requests()).toBeGreaterThanOrEqual(200);
    expect(server.connections()).toBeLessThanOrEqual(4);
  });

  it("keeps an origin's pool when the server closes one of its connections", async () => {
    const fs = filesystem("http", { instance: "private", connections: 8 });
    const connectionsBefore = server.connections();
    try {
      expect((await fs.cat(`${server.baseUrl}/closing/first.bin`)).length).toBe(1024);
      for (let round = 0; round < 10; round++) {
        const reads = Array.from({ length: 24 }, (_, i) => fs.cat(`${server.baseUrl}/kept/round-${round}-${i}.bin`));
        for (const bytes of await Promise.all(reads)) expect(bytes.length).toBe(1024);
      }
    } finally {
      await fs.close();
    }
    // The closed connection, the pool's 8, and 8 more should a stall outlast their keep-alive;
    // a pool dropped and rebuilt whenever a closed socket is counted against it opens ~80.
    expect(server.connections() - connectionsBefore).toBeLessThanOrEqual(1 + 8 + 8);
  });

  it("keeps an origin's bulk connections (large bodies) when the server closes one of them", async () => {
    const transport = new NodeTransport({ connections: 8, timeout: 30_000 });
    const read = async (path: string): Promise<number> => {
      const reply = await transport.send({ method: "GET", url: `${server.baseUrl}${path}`, headers: {} });
      return (await readWholeBody(reply)).length;
    };
    const connectionsBefore = server.connections();
    try {
      expect(await read("/closing/first.bin")).toBe(1024);
      for (let round = 0; round < 10; round++) {
        const reads = Array.from({ length: 24 }, (_, i) => read(`/kept/round-${round}-${i}.bin`));
        expect(await Promise.all(reads)).toEqual(Array(24).fill(1024));
      }
    } finally {
      await transport.close();
    }
    // undici's Agent, whose pools are closed and rebuilt in a chain, opened ~80 here.
    expect(server.connections() - connectionsBefore).toBeLessThanOrEqual(1 + 8 + 8);
  });

  it("returns the same instance for the same protocol and equal options", () => {
    const auth = bearerAuth("secret");
    const a = urlToFs(`${server.baseUrl}/a`, { headers: { x: "1", y: "2" }, auth }).fs;
    const b = urlToFs(`${server.baseUrl}/b`, { headers: { y: "2", x: "1" }, auth, signal: new AbortController().signal }).fs;
    expect(b).toBe(a);
    expect(filesystem("http", { headers: { x: "1", y: "2" }, auth })).toBe(a);
    expect(urlToFs(`${server.baseUrl}/a`, { headers: { x: "1", y: "2" }, auth: bearerAuth("secret") }).fs).not.toBe(a);
    expect(urlToFs(`${server.baseUrl}/a`, { headers: { x: "2", y: "2" }, auth }).fs).not.toBe(a);
    expect(urlToFs(`https://example.org/a`, { headers: { x: "1", y: "2" }, auth }).fs).not.toBe(a);
  });

  it("builds a private instance on request, outside the cache", async () => {
    const shared = filesystem("memory");
    const before = cachedInstanceCount();
    const mine = filesystem("memory", { instance: "private" });
    expect(mine).not.toBe(shared);
    expect(filesystem("memory", { instance: "private" })).not.toBe(mine);
    expect(cachedInstanceCount()).toBe(before);
    await mine.pipe("memory://shared-instances/x", "x");
    expect(mine.stats().requests.write).toBe(1);
    expect(shared.stats().requests.write).toBe(0);
  });

  it("forgets an instance when it is closed, and clearInstanceCache closes them all", async () => {
    const first = filesystem("http");
    await first.close();
    const second = filesystem("http");
    expect(second).not.toBe(first);
    expect(cachedInstanceCount()).toBeGreaterThan(0);
    await cat(`${server.baseUrl}/after-close.bin`);
    await clearInstanceCache();
    expect(cachedInstanceCount()).toBe(0);
    expect(filesystem("http")).not.toBe(second);
  });

  it("keys plain values by value, call options not at all, and other objects by identity", () => {
    const signal = new AbortController().signal;
    expect(instanceKey("s3", { region: "x", nested: { a: 1, b: undefined } })).toBe(instanceKey("s3", { nested: { a: 1 }, region: "x" }));
    expect(instanceKey("s3", { region: "x", signal, start: 4, cache: "none" })).toBe(instanceKey("s3", { region: "x" }));
    expect(instanceKey("s3", { port: 1 })).not.toBe(instanceKey("s3", { port: "1" }));
    const credentials = () => Promise.resolve({ accessKeyId: "a", secretAccessKey: "b" });
    expect(instanceKey("s3", { credentials })).toBe(instanceKey("s3", { credentials }));
    expect(instanceKey("s3", { credentials })).not.toBe(instanceKey("s3", { credentials: () => Promise.resolve({}) }));
    expect(instanceKey("memory", { store: new Map() })).not.toBe(instanceKey("memory", { store: new Map() }));
  });

  it("shares one filesystem between open, cat, glob and the format readers", async () => {
    const folder = await mkdtemp(join(tmpdir(), "skyfs-shared-"));
    try {
      const fits = writeFits([
        { data: new Int16Array([1, 2, 3, 4]), shape: [2, 2], cards: [{ keyword: "OBJECT", value: "M31", comment: "" }] },
      ]);
      await writeFile(join(folder, "a.fits"), fits);
      const { fs } = urlToFs(join(folder, "a.fits"));
      fs.resetStats();
      await open(join(folder, "a.fits"));
      await cat(join(folder, "a.fits"));
      await glob(join(folder, "*.fits"));
      const file = await openFits(join(folder, "a.fits"), { headerReadSize: 2880 });
      expect((await file.hdu(0)).header.get("OBJECT")).toBe("M31");
      expect(fs.stats().totalRequests).toBeGreaterThanOrEqual(4);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
