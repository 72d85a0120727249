import { readdirSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeNewFile } from "../../src/core/whole-file.js";
import { createMemoryStore, FileSystem, type GetOptions, type GetResult, MemoryBackend, TransferError } from "../../src/index.js";

/** Memory objects that note, at every read, the names in a watched folder, and the reads in flight. */
class WatchingBackend extends MemoryBackend {
  watched = "";
  readonly seen: string[][] = [];
  inFlight = 0;
  maxInFlight = 0;

  override async get(path: string, options: GetOptions = {}): Promise<GetResult> {
    if (options.head) return super.get(path, options);
    this.seen.push(this.watched ? readdirSync(this.watched, { recursive: true }).map(String) : []);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await new Promise((resolve) => setImmediate(resolve));
      return await super.get(path, options);
    } finally {
      this.inFlight--;
    }
  }
}

async function storeWith(files: Record<string, Uint8Array>): Promise<WatchingBackend> {
  const backend = new WatchingBackend({ store: createMemoryStore() });
  for (const [key, bytes] of Object.entries(files)) await backend.writer.put(key, bytes);
  return backend;
}

function smallFiles(count: number, fill = 0): Record<string, Uint8Array> {
  return Object.fromEntries(
    Array.from({ length: count }, (_, i) => [`bucket/d/f${i}.bin`, new Uint8Array(1000 + i).fill((i + fill) & 255)]),
  );
}

describe("get of small files", () => {
  let sandbox: string;

  beforeEach(async () => {
    sandbox = await mkdtemp(join(tmpdir(), "skyfs-small-"));
  });

  afterEach(() => rm(sandbox, { recursive: true, force: true }));

  it("writes each small file in one call to its target: one read per file, no temporary name at any read", async () => {
    const backend = await storeWith(smallFiles(40));
    backend.watched = sandbox;
    await new FileSystem(backend).get("bucket/d", join(sandbox, "out"), { recursive: true });
    expect(backend.seen).toHaveLength(40);
    expect(backend.seen.flat().filter((name) => name.includes("skyfs-partial"))).toEqual([]);
    const names = await readdir(join(sandbox, "out"));
    expect(names).toHaveLength(40);
    for (let i = 0; i < 40; i++)
      expect((await readFile(join(sandbox, "out", `f${i}.bin`))).equals(Buffer.alloc(1000 + i, i & 255))).toBe(true);
  });

  it("replaces files that exist already (through a temporary name, keeping the old file until the new one is whole)", async () => {
    const first = await storeWith(smallFiles(5));
    await new FileSystem(first).get("bucket/d", sandbox, { recursive: true });
    const second = await storeWith(smallFiles(5, 7));
    second.watched = sandbox;
    await new FileSystem(second).get("bucket/d", sandbox, { recursive: true });
    expect((await readdir(sandbox)).sort()).toEqual(["f0.bin", "f1.bin", "f2.bin", "f3.bin", "f4.bin"]);
    for (let i = 0; i < 5; i++) expect(await readFile(join(sandbox, `f${i}.bin`))).toEqual(Buffer.alloc(1000 + i, (i + 7) & 255));
  });

  it("still writes a large object through a temporary name, renamed when complete", async () => {
    const big = new Uint8Array(300 * 1024).map((_, i) => i & 255);
    const backend = await storeWith({ "bucket/big.bin": big });
    backend.watched = sandbox;
    await new FileSystem(backend, { partSize: 64 * 1024 }).get("bucket/big.bin", join(sandbox, "big.bin"));
    expect(backend.seen.length).toBe(5);
    expect(backend.seen.at(-1)?.some((name) => name.startsWith("big.bin.skyfs-partial-"))).toBe(true);
    expect(await readdir(sandbox)).toEqual(["big.bin"]);
    expect((await readFile(join(sandbox, "big.bin"))).equals(big)).toBe(true);
  });

  it("with 256 files or more, creates them from a thread of their own and still replaces those that exist", async () => {
    const target = join(sandbox, "many");
    await new FileSystem(await storeWith(smallFiles(40))).get("bucket/d", target, { recursive: true });
    const backend = await storeWith(smallFiles(300, 3));
    backend.watched = target;
    await new FileSystem(backend).get("bucket/d", target, { recursive: true });
    expect(await readdir(target)).toHaveLength(300);
    for (const i of [0, 39, 40, 299])
      expect((await readFile(join(target, `f${i}.bin`))).equals(Buffer.alloc(1000 + i, (i + 3) & 255))).toBe(true);
  });

  it("with 256 files or more, a file that cannot be created fails the call, with the others whole and nothing partial", async () => {
    const files = smallFiles(260);
    files[`bucket/d/${"z".repeat(300)}`] = new Uint8Array(10);
    const failure = await new FileSystem(await storeWith(files))
      .get("bucket/d", join(sandbox, "out"), { recursive: true })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TransferError);
    const transfer = failure as TransferError;
    expect(transfer.failed.map((failed) => failed.url)).toEqual([`memory://bucket/d/${"z".repeat(300)}`]);
    expect(transfer.cause).toMatchObject({ name: "InvalidArgumentError", code: "ENAMETOOLONG" });
    expect(transfer.completed).toHaveLength(260);
    const names = await readdir(join(sandbox, "out"));
    expect(names).toHaveLength(260);
    expect(names.filter((name) => name.includes("skyfs-partial"))).toEqual([]);
    expect((await readFile(join(sandbox, "out", "f259.bin"))).equals(Buffer.alloc(1259, 259 & 255))).toBe(true);
  });

  it("runs 100 files at once by default (the per-host limit), and what the call asks for", async () => {
    const backend = await storeWith(smallFiles(300));
    const fs = new FileSystem(backend);
    await fs.get("bucket/d", join(sandbox, "a"), { recursive: true });
    expect(backend.maxInFlight).toBe(100);
    backend.maxInFlight = 0;
    await fs.get("bucket/d", join(sandbox, "b"), { recursive: true, concurrency: 5 });
    expect(backend.maxInFlight).toBe(5);
    expect(await readdir(join(sandbox, "b"))).toHaveLength(300);
  });
});

describe("writeNewFile", () => {
  let sandbox: string;

  beforeEach(async () => {
    sandbox = await mkdtemp(join(tmpdir(), "skyfs-whole-"));
  });

  afterEach(() => rm(sandbox, { recursive: true, force: true }));

  it("creates a file, refuses to touch an existing one, and creates nothing where it cannot", async () => {
    const target = join(sandbox, "x.bin");
    expect(await writeNewFile(target, new Uint8Array([1, 2, 3]))).toBe(true);
    expect(await readFile(target)).toEqual(Buffer.from([1, 2, 3]));
    expect(await writeNewFile(target, new Uint8Array([9]))).toBe(false);
    expect(await readFile(target)).toEqual(Buffer.from([1, 2, 3]));
    await expect(writeNewFile(join(sandbox, "missing", "y.bin"), new Uint8Array(1))).rejects.toMatchObject({ code: "ENOENT" });
    await writeFile(join(sandbox, "plain"), "a file");
    await expect(writeNewFile(join(sandbox, "plain", "z.bin"), new Uint8Array(1))).rejects.toMatchObject({ code: "ENOTDIR" });
    expect((await readdir(sandbox)).sort()).toEqual(["plain", "x.bin"]);
  });
});
