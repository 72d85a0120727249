import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openFits, writeFits } from "../../src/fits.js";
import { cat, clearInstanceCache, glob, open, urlToFs } from "../../src/index.js";
import { registerJsonStore } from "./json-store.js";

const fits = writeFits([
  {
    data: Float32Array.from({ length: 64 * 64 }, (_, i) => i),
    shape: [64, 64],
    cards: [{ keyword: "OBJECT", value: "NGC 1", comment: "" }],
  },
]);
const objects = new Map<string, Uint8Array>([
  ["data/a.fits", fits],
  ["data/b.fits", fits],
  ["data/sub/c.txt", new TextEncoder().encode("deep text")],
  ["data/big.bin", Uint8Array.from({ length: 300_000 }, (_, i) => i % 251)],
]);

function folderEntries(folder: string): Array<{ name: string; type: string; size: number; etag?: string }> {
  const prefix = folder === "" ? "" : `${folder}/`;
  const seen = new Map<string, { name: string; type: string; size: number; etag?: string }>();
  for (const [key, data] of objects) {
    if (!key.startsWith(prefix)) continue;
    const rest = key.slice(prefix.length);
    const slash = rest.indexOf("/");
    if (slash < 0) seen.set(key, { name: key, type: "file", size: data.length, etag: `"${data.length}"` });
    else seen.set(prefix + rest.slice(0, slash), { name: prefix + rest.slice(0, slash), type: "directory", size: 0 });
  }
  return [...seen.values()];
}

describe("a backend written from docs/backends.md", () => {
  let server: Server;
  let host: string;
  let requests = 0;
  let failNext = 0;

  beforeAll(async () => {
    registerJsonStore();
    server = createServer((req, res) => {
      requests++;
      if (failNext > 0) {
        failNext--;
        res.writeHead(503).end();
        return;
      }
      const url = new URL(req.url ?? "/", "http://x");
      if (url.pathname === "/list") {
        const entries = folderEntries(url.searchParams.get("path") ?? "");
        if (entries.length === 0) res.writeHead(404).end();
        else res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(entries));
        return;
      }
      const key = decodeURIComponent(url.pathname.replace(/^\/raw\//, ""));
      const data = objects.get(key);
      if (!data) {
        if (folderEntries(key).length > 0) res.writeHead(200, { "x-directory": "1", "content-length": 0 }).end();
        else res.writeHead(404).end();
        return;
      }
      const etag = `"${data.length}"`;
      if (req.headers["if-match"] && req.headers["if-match"] !== etag) {
        res.writeHead(412).end();
        return;
      }
      const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? "");
      if (!range) {
        res.writeHead(200, { etag, "content-length": data.length }).end(req.method === "HEAD" ? undefined : data);
        return;
      }
      const start = Number(range[1]);
      if (start >= data.length) {
        res.writeHead(416, { "content-range": `bytes */${data.length}` }).end();
        return;
      }
      const end = Math.min(Number(range[2]), data.length - 1);
      res.writeHead(206, { etag, "content-range": `bytes ${start}-${end}/${data.length}`, "content-length": end - start + 1 });
      res.end(data.subarray(start, end + 1));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    server.unref();
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await clearInstanceCache();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("globs, finds and walks through the core", async () => {
    expect(await glob(`jsonstore://${host}/data/*.fits`)).toEqual([`jsonstore://${host}/data/a.fits`, `jsonstore://${host}/data/b.fits`]);
    const { fs } = urlToFs(`jsonstore://${host}/data`);
    expect(await fs.glob(`${host}/data/**/*.txt`)).toEqual([`${host}/data/sub/c.txt`]);
    expect(await fs.find(`${host}/data`)).toHaveLength(4);
    expect(await fs.du(`${host}/data`)).toBe(fits.length * 2 + 9 + 300_000);
  });

  it("counts its requests and plans ranges: neighbours merged into one request", async () => {
    const { fs, path } = urlToFs(`jsonstore://${host}/data/big.bin`);
    const source = await fs.open(path, { cache: "none" });
    fs.resetStats();
    const before = requests;
    const parts = await source.readMany([
      { offset: 100_000, length: 100 },
      { offset: 100_200, length: 100 },
      { offset: 250_000, length: 10 },
    ]);
    expect(parts[1]).toEqual(objects.get("data/big.bin")?.slice(100_200, 100_300));
    expect(requests - before).toBe(2);
    expect(fs.stats()).toMatchObject({ requests: { read: 2 }, bytesReceived: 300 + 10 });
  });

  it("caches blocks through blockcache:: and reads cached blocks with no request", async () => {
    const url = `blockcache::jsonstore://${host}/data/big.bin`;
    const first = await open(url, { blockcache: { blockSize: 65_536 } });
    expect((await first.read(70_000, 10))[0]).toBe(70_000 % 251);
    const before = requests;
    const again = await open(url, { blockcache: { blockSize: 65_536 } });
    expect((await again.read(70_005, 10))[0]).toBe(70_005 % 251);
    expect(requests - before).toBe(1);
  });

  it("is retried on 503 with every attempt counted", async () => {
    const { fs, path } = urlToFs(`jsonstore://${host}/data/sub/c.txt`, { retry: { baseDelayMs: 1 } });
    fs.resetStats();
    failNext = 2;
    expect(new TextDecoder().decode(await fs.cat(path))).toBe("deep text");
    expect(fs.stats().requests.read).toBe(3);
    expect(new TextDecoder().decode(await cat(`jsonstore://${host}/data/sub/c.txt`))).toBe("deep text");
  });

  it("downloads a folder with get", async () => {
    const target = await mkdtemp(join(tmpdir(), "skyfs-jsonstore-"));
    try {
      const { fs, path } = urlToFs(`jsonstore://${host}/data`);
      await fs.get(path, target, { recursive: true });
      expect((await readdir(target, { recursive: true })).map(String).sort()).toEqual(["a.fits", "b.fits", "big.bin", "sub", "sub/c.txt"]);
      expect(new Uint8Array(await readFile(join(target, "a.fits")))).toEqual(fits);
    } finally {
      await rm(target, { recursive: true, force: true });
    }
  });

  it("opens FITS files with the FITS reader, one request for the header", async () => {
    const before = requests;
    const file = await openFits(`jsonstore://${host}/data/a.fits`);
    const hdu = await file.hdu(0);
    expect(hdu.header.get("OBJECT")).toBe("NGC 1");
    expect(requests - before).toBe(1);
    const section = await (hdu as import("../../src/fits.js").ImageHdu).section([
      [10, 12],
      [20, 23],
    ]);
    expect(Array.from(section.data as Float32Array)).toEqual([660, 661, 662, 724, 725, 726]);
  });

  it("refuses writes: the store has no writer", async () => {
    const { fs, path } = urlToFs(`jsonstore://${host}/data/new.txt`);
    await expect(fs.pipe(path, "x")).rejects.toThrow(/read-only/);
  });
});
