import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BlockCacheBackend, BudgetExceededError, FileCacheBackend, filesystem, RetryingBackend, urlToFs } from "../../src/index.js";
import { expectBytes } from "../bytes.js";
import { startHttpServer, type TestHttpServer } from "../servers/http-server.js";

const SIZE = 3 * 1024 * 1024 + 123;
const data = new Uint8Array(SIZE);
for (let i = 0; i < SIZE; i++) data[i] = (i * 31 + (i >> 10)) & 255;

describe("caches, planning and stats over a real HTTP server", () => {
  let folder: string;
  let server: TestHttpServer;
  let url: string;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "skyfs-caching-"));
    await writeFile(join(folder, "big.bin"), data);
    server = await startHttpServer(folder);
    url = `${server.baseUrl}/big.bin`;
  });

  afterAll(async () => {
    await server.close();
    await rm(folder, { recursive: true, force: true });
  });

  beforeEach(() => {
    server.requests.length = 0;
  });

  const gets = () => server.requests.filter((request) => request.method === "GET");

  it("opens with one ranged GET that brings the head, so header reads cost nothing more", async () => {
    const fs = filesystem("http");
    const source = await fs.open(url);
    expect(source.size).toBe(SIZE);
    expect(server.requests.map((request) => `${request.method} ${request.headers.range}`)).toEqual(["GET bytes=0-65535"]);
    expectBytes(await source.read(2880, 5760), data.slice(2880, 8640));
    expectBytes(await source.read(60_000, 10_000), data.slice(60_000, 70_000));
    expect(server.requests.map((request) => request.headers.range)).toEqual(["bytes=0-65535", "bytes=65536-69999"]);
    expect(fs.stats()).toMatchObject({ requests: { read: 2, info: 0 }, bytesReceived: 65_536 + 4464 });
    await fs.close();
  });

  it("reads a batch of ranges as one parallel plan: far rows apart, near rows merged", async () => {
    const fs = filesystem("http", { mergeGap: 4096 });
    const source = await fs.open(url, { cache: "none" });
    server.requests.length = 0;
    const rows = Array.from({ length: 50 }, (_, i) => ({ offset: 100_000 + i * 16_384, length: 400 }));
    const near = Array.from({ length: 10 }, (_, i) => ({ offset: 2_000_000 + i * 1000, length: 400 }));
    const results = await source.readMany([...rows, ...near]);
    [...rows, ...near].forEach((range, i) => {
      expectBytes(results[i], data.slice(range.offset, range.offset + range.length));
    });
    expect(gets()).toHaveLength(51);
    expect(fs.stats().bytesReceived).toBe(50 * 400 + 9 * 1000 + 400);
    await fs.close();
  });

  it("catRanges opens each file once and plans its ranges together", async () => {
    const fs = filesystem("http", { mergeGap: 64 });
    const starts = [10, 30, 1_000_000, -100];
    const ends = [20, 40, 1_000_010, undefined];
    const results = await fs.catRanges([url, url, url, url], starts, ends);
    expect(results).toEqual([data.slice(10, 20), data.slice(30, 40), data.slice(1_000_000, 1_000_010), data.slice(SIZE - 100)]);
    expect(server.requests.filter((request) => request.method === "HEAD")).toHaveLength(1);
    expect(gets()).toHaveLength(3);
    await fs.close();
  });

  it("keeps reads of a readahead source inside its window", async () => {
    const fs = filesystem("http");
    const source = await fs.open(url, { cache: "readahead", blockSize: 256 * 1024 });
    server.requests.length = 0;
    for (let offset = 100_000; offset < 100_000 + 200_000; offset += 10_000) {
      expectBytes(await source.read(offset, 10_000), data.slice(offset, offset + 10_000));
    }
    expect(gets()).toHaveLength(1);
    await fs.close();
  });

  it("fetches a whole-object source once, in parallel parts", async () => {
    const fs = filesystem("http", { maxPartSize: 1024 * 1024 });
    const source = await fs.open(url, { cache: "whole" });
    server.requests.length = 0;
    const [a, b] = await Promise.all([source.read(5, 10), source.read(SIZE - 10, 10)]);
    expectBytes(a, data.slice(5, 15));
    expectBytes(b, data.slice(SIZE - 10));
    expect(gets()).toHaveLength(4);
    expectBytes(await source.read(2_000_000, 3), data.slice(2_000_000, 2_000_003));
    expect(gets()).toHaveLength(4);
    await fs.close();
  });

  it("counts requests and bytes, and resets them", async () => {
    const fs = filesystem("http");
    await fs.info(url);
    // A range in absolute offsets is one read that describes the object: no second describe.
    await fs.catFile(url, 0, 1000);
    expect(fs.stats()).toEqual({
      requests: { info: 1, list: 0, read: 1, write: 0, delete: 0, copy: 0, mkdir: 0, rmdir: 0 },
      totalRequests: 2,
      bytesReceived: 1000,
      bytesSent: 0,
    });
    fs.resetStats();
    expect(fs.stats().totalRequests).toBe(0);
    await fs.close();
  });

  it("refuses a read that would exceed the byte budget before sending it", async () => {
    const fs = filesystem("http", { byteBudget: 100_000 });
    const source = await fs.open(url, { cache: "none" });
    expect(await source.read(0, 60_000)).toHaveLength(60_000);
    const before = gets().length;
    const refused = source.read(60_000, 50_000);
    await expect(refused).rejects.toBeInstanceOf(BudgetExceededError);
    await expect(refused).rejects.toThrow(/byte budget of 100000/);
    expect(gets()).toHaveLength(before);
    expect(fs.stats().bytesReceived).toBe(60_000);
    await fs.close();
  });

  it("shares blocks between opens of blockcache:: URLs", async () => {
    const first = urlToFs(`blockcache::${url}`, { blockcache: { blockSize: 100_000, capacity: 7_777_777 } });
    const a = await first.fs.open(first.path);
    expectBytes(await a.read(150_000, 10), data.slice(150_000, 150_010));
    const second = urlToFs(`blockcache::${url}`, { blockcache: { blockSize: 100_000, capacity: 7_777_777 } });
    const b = await second.fs.open(second.path);
    server.requests.length = 0;
    expectBytes(await b.read(120_000, 50_000), data.slice(120_000, 170_000));
    expect(server.requests).toHaveLength(0);
    await first.fs.close();
    await second.fs.close();
  });

  it("builds the cache layers of a chained URL in the pipeline's order, whatever the order of the names", async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), "skyfs-filecache-"));
    try {
      const options = { blockcache: { blockSize: 65_536, capacity: 3_333_333 }, filecache: { directory: cacheDir } };
      const one = urlToFs(`blockcache::filecache::${url}`, options);
      const other = urlToFs(`filecache::blockcache::${url}`, options);
      for (const { fs } of [one, other]) {
        expect(fs.backend).toBeInstanceOf(BlockCacheBackend);
        expect((fs.backend as BlockCacheBackend).inner).toBeInstanceOf(FileCacheBackend);
        expect(((fs.backend as BlockCacheBackend).inner as FileCacheBackend).inner).toBeInstanceOf(RetryingBackend);
      }
      expect(other.fs).toBe(one.fs);
      const source = await one.fs.open(one.path);
      expectBytes(await source.read(1_000_000, 100), data.slice(1_000_000, 1_000_100));
      expect(await readdir(cacheDir)).toHaveLength(1);
      server.requests.length = 0;
      expectBytes(await source.read(2_000_000, 70_000), data.slice(2_000_000, 2_070_000));
      expectBytes(await source.read(1_000_050, 10), data.slice(1_000_050, 1_000_060));
      expect(server.requests).toHaveLength(0);
      await one.fs.close();
    } finally {
      await rm(cacheDir, { recursive: true, force: true });
    }
  });

  it("keeps blocks by version: a changed object is read anew, never from the old blocks", async () => {
    const path = join(folder, "blocks-change.bin");
    await writeFile(path, data.subarray(0, 200_000));
    const fs = filesystem("http", { blockCache: { blockSize: 50_000 }, instance: "private" });
    try {
      const target = `${server.baseUrl}/blocks-change.bin`;
      const first = await fs.open(target);
      expectBytes(await first.read(120_000, 10), data.slice(120_000, 120_010));
      server.requests.length = 0;
      expectBytes(await (await fs.open(target)).read(110_000, 30_000), data.slice(110_000, 140_000));
      expect(gets()).toHaveLength(0);
      const changed = data.slice(1000, 201_000);
      await writeFile(path, changed);
      await utimes(path, new Date(), new Date(Date.now() + 10_000));
      expectBytes(await (await fs.open(target)).read(120_000, 10), changed.slice(120_000, 120_010));
      expect(gets()).toHaveLength(1);
    } finally {
      await fs.close();
    }
  });

  it("keeps whole objects on disk with filecache:: and refetches a changed object", async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), "skyfs-filecache-"));
    const path = join(folder, "changing.bin");
    await writeFile(path, "first version of the object");
    const chained = `filecache::${server.baseUrl}/changing.bin`;
    try {
      const open = async () => {
        const { fs, path: inner } = urlToFs(chained, { filecache: { directory: cacheDir } });
        const source = await fs.open(inner);
        const text = new TextDecoder().decode(await source.read(0, source.size));
        await fs.close();
        return text;
      };
      expect(await open()).toBe("first version of the object");
      server.requests.length = 0;
      expect(await open()).toBe("first version of the object");
      expect(server.requests.map((request) => request.method)).toEqual(["HEAD"]);
      await writeFile(path, "second version, longer than the first");
      await utimes(path, new Date(), new Date(Date.now() + 10_000));
      expect(await open()).toBe("second version, longer than the first");
      const copies = await readdir(cacheDir);
      expect(copies).toHaveLength(1);
      expect(await readFile(join(cacheDir, copies[0] as string), "utf8")).toBe("second version, longer than the first");
    } finally {
      await rm(cacheDir, { recursive: true, force: true });
    }
  });
});
