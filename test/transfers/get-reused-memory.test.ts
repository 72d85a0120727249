import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ReusedArrays } from "../../src/core/reused-arrays.js";
import { BlockCacheBackend, BlockStore, type FileInfo, filesystem, HttpBackend } from "../../src/index.js";
import { startHttpServer, type TestHttpServer } from "../servers/http-server.js";

/** 300 files of 1 byte to 20 KiB, each with bytes of its own: a body landing in memory another file used shows. */
const FILES = Array.from({ length: 300 }, (_, i) => {
  const size = 1 + ((i * 7919) % 20_480);
  return { name: `f${String(i).padStart(3, "0")}.bin`, bytes: new Uint8Array(size).map((_, j) => (i * 131 + j * 7) & 255) };
});

describe("a get whose small bodies reuse memory, over a real HTTP server", () => {
  let root: string;
  let server: TestHttpServer;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "skyfs-reuse-"));
    await mkdir(join(root, "d"));
    for (const file of FILES) await writeFile(join(root, "d", file.name), file.bytes);
    server = await startHttpServer(root);
  });

  afterAll(async () => {
    await server.close();
    await rm(root, { recursive: true, force: true });
  });

  async function expectCopies(folder: string): Promise<void> {
    for (const file of FILES) expect(Buffer.compare(await readFile(join(folder, file.name)), file.bytes), file.name).toBe(0);
  }

  it("writes every file with its own bytes, twice in a row from one filesystem", async () => {
    const fs = filesystem("http");
    await fs.get(`${server.baseUrl}/d/`, join(root, "out-1"), { recursive: true });
    await fs.get(`${server.baseUrl}/d/`, join(root, "out-2"), { recursive: true, concurrency: 7 });
    await expectCopies(join(root, "out-1"));
    await expectCopies(join(root, "out-2"));
    await fs.close();
  });

  it("leaves a block cache's blocks as read when the caller reuses its memory at once: the layer keeps memory of its own", async () => {
    const layer = new BlockCacheBackend(new HttpBackend({}, "http"), new BlockStore(), 4096);
    const arrays = new ReusedArrays(256 * 1024);
    const infos = [];
    for (const file of FILES.slice(0, 40)) {
      const { info, bytes } = await layer.get(`${server.baseUrl}/d/${file.name}`, {
        range: { offset: 0, length: 256 * 1024 },
        memory: arrays.take,
      });
      expect(Buffer.compare(bytes, file.bytes), file.name).toBe(0);
      arrays.giveBack(bytes);
      arrays.take(bytes.length).fill(0xee);
      infos.push(info);
    }
    const requests = server.requests.length;
    for (const [i, file] of FILES.slice(0, 40).entries()) {
      const info = infos[i] as FileInfo;
      const { bytes } = await layer.get(info.name, {
        range: { offset: 0, length: info.size },
        ifMatch: info.etag,
        expectedSize: info.size,
      });
      expect(Buffer.compare(bytes, file.bytes), file.name).toBe(0);
    }
    expect(server.requests.length).toBe(requests);
    await layer.close();
  });

  it("fills the memory the caller gives, and refuses memory of the wrong length without losing the connection", async () => {
    const backend = new HttpBackend({}, "http");
    const file = FILES[5] as (typeof FILES)[number];
    const given = new Uint8Array(file.bytes.length).fill(0xee);
    const { bytes } = await backend.get(`${server.baseUrl}/d/${file.name}`, { range: { offset: 0, length: 1 << 20 }, memory: () => given });
    expect(bytes).toBe(given);
    expect(Buffer.compare(bytes, file.bytes)).toBe(0);
    await expect(
      backend.get(`${server.baseUrl}/d/${file.name}`, {
        range: { offset: 0, length: 1 << 20 },
        memory: (length) => new Uint8Array(length + 1),
      }),
    ).rejects.toThrow(RangeError);
    const again = await backend.get(`${server.baseUrl}/d/${file.name}`, { range: { offset: 0, length: 10 } });
    expect([...again.bytes]).toEqual([...file.bytes.subarray(0, 10)]);
    await backend.close();
  });
});
