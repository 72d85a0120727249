/**
 * The contract every backend must pass, run against a real store. A backend joins by calling
 * {@link describeContract} with a setup that gives a filesystem and an empty folder on it.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downloadObject } from "../../src/core/download.js";
import { HeldBytes } from "../../src/core/file-sink.js";
import { ConsistencyError, type FileSystem, IsADirectoryError, NotFoundError } from "../../src/index.js";
import { expectBytes } from "../bytes.js";

/** What a backend gives the contract suite. */
export interface ContractTarget {
  /** The filesystem under test. */
  fs: FileSystem;
  /** Path (in the filesystem's form) of an empty folder or prefix reserved for the suite. */
  root: string;
  /** The filesystem path of a key below root (encodes it where the store needs to). */
  pathOf(key: string): string;
  /** Writes the fixture files below root; by default through `fs.pipe`. */
  seed?(files: Record<string, Uint8Array>): Promise<void>;
  /** The store cannot be written through skyfs (plain HTTP): write tests are skipped. */
  readOnly?: boolean;
  /** Stops servers and removes what setup made. */
  teardown(): Promise<void>;
}

const text = (value: string): Uint8Array => new TextEncoder().encode(value);
const big = new Uint8Array(randomBytes(300_000));

/** The fixture tree, keys relative to the root. */
export const FIXTURES: Record<string, Uint8Array> = {
  "a.txt": text("hello, sky\n"),
  "empty.bin": new Uint8Array(0),
  "space name.txt": text("spaces"),
  "unicodé/ü-1.txt": text("unicode"),
  "dir/b.bin": big,
  "dir/sub/c.dat": text("c"),
  "dir/sub/d.dat": text("dd"),
  "deep/x/y/z.dat": text("zzz"),
};

const sha = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");

/** Declares the contract tests for one backend. */
export function describeContract(name: string, setup: () => Promise<ContractTarget>): void {
  describe(`contract: ${name}`, () => {
    let target: ContractTarget;
    let fs: FileSystem;
    let p: (key: string) => string;
    let local: string;

    beforeAll(async () => {
      target = await setup();
      fs = target.fs;
      p = (key) => target.pathOf(key);
      if (target.seed) await target.seed(FIXTURES);
      else for (const [key, data] of Object.entries(FIXTURES)) await fs.pipe(p(key), data);
      local = await mkdtemp(join(tmpdir(), "skyfs-contract-"));
    });

    afterAll(async () => {
      await target?.teardown();
      if (local) await rm(local, { recursive: true, force: true });
    });

    it("describes files and directories, and refuses missing paths with NotFoundError", async () => {
      const file = await fs.info(p("dir/b.bin"));
      expect(file.type).toBe("file");
      expect(file.size).toBe(big.length);
      expect((await fs.info(p("empty.bin"))).size).toBe(0);
      expect((await fs.info(p("dir"))).type).toBe("directory");
      await expect(fs.info(p("missing.txt"))).rejects.toBeInstanceOf(NotFoundError);
      expect(await fs.exists(p("a.txt"))).toBe(true);
      expect(await fs.exists(p("nope"))).toBe(false);
      expect(await fs.isFile(p("a.txt"))).toBe(true);
      expect(await fs.isFile(p("dir"))).toBe(false);
      expect(await fs.isDir(p("dir/sub"))).toBe(true);
      expect(await fs.isDir(p("a.txt"))).toBe(false);
    });

    it("lists one level with names and details", async () => {
      const names = await fs.ls(target.root);
      expect(names).toEqual(["a.txt", "deep", "dir", "empty.bin", "space name.txt", "unicodé"].map(p).sort());
      const detail = await fs.ls(p("dir"), { detail: true });
      expect(detail.map((entry) => [entry.name, entry.type])).toEqual([
        [p("dir/b.bin"), "file"],
        [p("dir/sub"), "directory"],
      ]);
      await expect(fs.ls(p("missing-dir"))).rejects.toBeInstanceOf(NotFoundError);
    });

    it("finds every file, with depth limits and directories on request", async () => {
      const all = await fs.find(target.root);
      expect(all).toEqual(Object.keys(FIXTURES).map(p).sort());
      const shallow = await fs.find(target.root, { maxDepth: 1 });
      expect(shallow).toEqual(["a.txt", "empty.bin", "space name.txt"].map(p).sort());
      const withDirs = await fs.find(p("dir"), { withDirs: true });
      expect(withDirs).toEqual(["dir/b.bin", "dir/sub", "dir/sub/c.dat", "dir/sub/d.dat"].map(p).sort());
      expect(await fs.find(p("a.txt"))).toEqual([p("a.txt")]);
      expect(await fs.find(p("missing"))).toEqual([]);
    });

    it("finds the same with a slash after the path, which lists a folder without describing it first", async () => {
      expect(await fs.find(`${p("dir")}/`)).toEqual(["dir/b.bin", "dir/sub/c.dat", "dir/sub/d.dat"].map(p));
      expect(await fs.find(`${p("dir")}/`, { withDirs: true, maxDepth: 1 })).toEqual(["dir/b.bin", "dir/sub"].map(p));
      expect(await fs.find(`${p("a.txt")}/`)).toEqual([p("a.txt")]);
      expect(await fs.find(`${p("missing")}/`)).toEqual([]);
    });

    it("walks the tree top down", async () => {
      const levels = [];
      for await (const level of fs.walk(p("dir"))) levels.push(level);
      expect(levels.map((level) => level.root)).toEqual([p("dir"), p("dir/sub")]);
      expect(levels[0]?.dirs).toEqual(["sub"]);
      expect(levels[0]?.files).toEqual(["b.bin"]);
      expect(levels[1]?.files).toEqual(["c.dat", "d.dat"]);
    });

    it("returns ls, find and glob in one order on every store: by name, files and directories mixed", async () => {
      const byName = (names: string[]): string[] => [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const level = await fs.ls(target.root);
      expect(level).toEqual(byName(level));
      expect(level.map((name) => name.slice(target.root.length + 1))).toEqual(
        byName(["a.txt", "deep", "dir", "empty.bin", "space name.txt", "unicodé"].map((key) => p(key).slice(target.root.length + 1))),
      );
      const everything = await fs.find(target.root, { withDirs: true });
      expect(everything).toEqual(byName(everything));
      expect(await fs.glob(p("*"))).toEqual(level);
      for await (const { dirs, files } of fs.walk(target.root)) {
        expect(dirs).toEqual(byName(dirs));
        expect(files).toEqual(byName(files));
      }
    });

    it("globs with *, ?, [...] and ** as fsspec does", async () => {
      expect(await fs.glob(p("*.txt"))).toEqual(["a.txt", "space name.txt"].map(p).sort());
      expect(await fs.glob(p("dir/sub/?.dat"))).toEqual(["dir/sub/c.dat", "dir/sub/d.dat"].map(p));
      expect(await fs.glob(p("[ae]*"))).toEqual(["a.txt", "empty.bin"].map(p));
      expect(await fs.glob(p("**/*.dat"))).toEqual(["deep/x/y/z.dat", "dir/sub/c.dat", "dir/sub/d.dat"].map(p));
      expect(await fs.glob(p("*/sub/c.dat"))).toEqual([p("dir/sub/c.dat")]);
      expect(await fs.glob(p("*.fits"))).toEqual([]);
      expect(await fs.glob(p("nowhere/*/x"))).toEqual([]);
      expect(await fs.glob(p("a.txt"))).toEqual([p("a.txt")]);
    });

    it("sums sizes with du", async () => {
      const total = Object.values(FIXTURES).reduce((sum, data) => sum + data.length, 0);
      expect(await fs.du(target.root)).toBe(total);
      const each = await fs.du(p("dir/sub"), { total: false });
      expect(each).toEqual({ [p("dir/sub/c.dat")]: 1, [p("dir/sub/d.dat")]: 2 });
    });

    it("reads whole files and byte ranges, negative starts from the end, clipped past the end", async () => {
      expect(sha(await fs.cat(p("dir/b.bin")))).toBe(sha(big));
      expect(await fs.cat(p("empty.bin"))).toEqual(new Uint8Array(0));
      expectBytes(await fs.catFile(p("dir/b.bin"), 10, 20), big.slice(10, 20));
      expectBytes(await fs.catFile(p("dir/b.bin"), -5), big.slice(-5));
      expectBytes(await fs.catFile(p("dir/b.bin"), big.length - 3, big.length + 100), big.slice(-3));
      expect(await fs.catFile(p("dir/b.bin"), big.length + 10, big.length + 20)).toEqual(new Uint8Array(0));
      expect(new TextDecoder().decode(await fs.cat(p("unicodé/ü-1.txt")))).toBe("unicode");
      expect(new TextDecoder().decode(await fs.cat(p("space name.txt")))).toBe("spaces");
      await expect(fs.cat(p("missing.bin"))).rejects.toBeInstanceOf(NotFoundError);
      await expect(fs.cat(p("dir"))).rejects.toBeInstanceOf(IsADirectoryError);
    });

    it("reads ranges of several files at once with catRanges", async () => {
      const parts = await fs.catRanges([p("a.txt"), p("dir/b.bin"), p("dir/b.bin")], [0, 1000, -10], [5, 1010, undefined]);
      expect(new TextDecoder().decode(parts[0])).toBe("hello");
      expectBytes(parts[1], big.slice(1000, 1010));
      expectBytes(parts[2], big.slice(-10));
    });

    it("reads ranges in absolute offsets with no request to describe the object, where its reads describe it", async () => {
      fs.resetStats();
      const parts = await fs.catRanges(
        [p("dir/b.bin"), p("dir/b.bin"), p("dir/b.bin")],
        [0, 150_000, big.length - 5],
        [10, 150_010, big.length + 50],
      );
      expectBytes(parts[0], big.slice(0, 10));
      expectBytes(parts[1], big.slice(150_000, 150_010));
      expectBytes(parts[2], big.slice(-5));
      expectBytes(await fs.catFile(p("dir/b.bin"), 299_990, 300_010), big.slice(299_990));
      if (fs.baseBackend.describesRanges) {
        expect(fs.stats().requests.info).toBe(0);
        expect(fs.stats().requests.read).toBe(4);
      }
      expect(await fs.catRanges([p("dir/b.bin"), p("a.txt")], [big.length + 10, 7], [big.length + 20, 10])).toEqual([
        new Uint8Array(0),
        text("sky"),
      ]);
      await expect(fs.catFile(p("missing.bin"), 0, 10)).rejects.toBeInstanceOf(NotFoundError);
      await expect(fs.catFile(p("dir"), 0, 10)).rejects.toBeInstanceOf(IsADirectoryError);
    });

    it("opens a random-access source that reads exactly the bytes asked for", async () => {
      const source = await fs.open(p("dir/b.bin"));
      expect(source.size).toBe(big.length);
      expectBytes(await source.read(123, 456), big.slice(123, 579));
      expectBytes(await source.read(big.length - 2, 10), big.slice(-2));
      const many = await source.readMany([
        { offset: 0, length: 4 },
        { offset: 200_000, length: 70_000 },
        { offset: 8, length: 0 },
      ]);
      expectBytes(many[0], big.slice(0, 4));
      expect(sha(many[1] as Uint8Array)).toBe(sha(big.slice(200_000, 270_000)));
      expect(many[2]?.length).toBe(0);
      await expect(source.read(-1, 4)).rejects.toThrow(/offset/);
      await expect(fs.open(p("dir"))).rejects.toBeInstanceOf(IsADirectoryError);
    });

    it("gives the same bytes under every cache strategy, empty objects included", async () => {
      for (const cache of ["none", "readahead", "blocks", "first-block", "whole"] as const) {
        const source = await fs.open(p("dir/b.bin"), { cache, blockSize: 65_536, headSize: 100_000 });
        const ranges = [
          { offset: 0, length: 10 },
          { offset: 99_990, length: 20 },
          { offset: 150_000, length: 200_000 },
          { offset: big.length - 5, length: 50 },
        ];
        const many = await source.readMany(ranges);
        ranges.forEach((range, i) => {
          expect(sha(many[i] as Uint8Array), cache).toBe(sha(big.slice(range.offset, range.offset + range.length)));
        });
        expectBytes(await source.read(70_000, 40_000), big.slice(70_000, 110_000));
        const empty = await fs.open(p("empty.bin"), { cache });
        expect(empty.size, cache).toBe(0);
        expect(await empty.read(0, 10)).toEqual(new Uint8Array(0));
      }
    });

    it("downloads one file and a whole folder, reporting progress", async () => {
      const single = join(local, "single.bin");
      await fs.get(p("dir/b.bin"), single);
      expect(sha(new Uint8Array(await readFile(single)))).toBe(sha(big));
      const folder = join(local, "tree");
      const seen: number[] = [];
      await fs.get(target.root, folder, { recursive: true, onProgress: (progress) => seen.push(progress.bytes) });
      for (const [key, data] of Object.entries(FIXTURES)) {
        expect(sha(new Uint8Array(await readFile(join(folder, key))))).toBe(sha(data));
      }
      const total = Object.values(FIXTURES).reduce((sum, data) => sum + data.length, 0);
      expect(Math.max(...seen)).toBe(total);
      const leftovers = (await readdir(folder, { recursive: true })).filter((name) => String(name).includes("skyfs-partial"));
      expect(leftovers).toEqual([]);
      await expect(fs.get(p("missing.bin"), join(local, "m"))).rejects.toBeInstanceOf(NotFoundError);
    });

    it("downloads an object in parts, each written at its place, one read per part", async () => {
      const info = await fs.info(p("dir/b.bin"));
      const target = join(local, "parts.bin");
      fs.resetStats();
      const held = new HeldBytes();
      await downloadObject(fs.backend, info, true, target, { partSize: 65_536, partsInFlight: 3, held });
      expect(sha(new Uint8Array(await readFile(target)))).toBe(sha(big));
      expect(fs.stats().requests.read).toBe(Math.ceil(big.length / 65_536));
      expect(fs.stats().bytesReceived).toBe(big.length);
      expect(held.now).toBe(0);
      expect(held.peak).toBeGreaterThan(0);
    });

    it("raises ConsistencyError when an open object is replaced between two reads", async (context) => {
      if (target.readOnly) {
        context.skip();
        return;
      }
      await fs.pipe(p("w/changing.txt"), "first version");
      const source = await fs.open(p("w/changing.txt"), { cache: "none" });
      expect(new TextDecoder().decode(await source.read(0, 5))).toBe("first");
      await fs.pipe(p("w/changing.txt"), "second, longer version");
      await expect(source.read(0, 5)).rejects.toBeInstanceOf(ConsistencyError);
      await fs.rm(p("w/changing.txt"));
    });

    it("writes, uploads, copies, moves and deletes", async (context) => {
      if (target.readOnly) {
        context.skip();
        return;
      }
      await fs.pipe(p("w/new.txt"), "written");
      expect(new TextDecoder().decode(await fs.cat(p("w/new.txt")))).toBe("written");
      await fs.pipe(p("w/new.txt"), "rewritten");
      expect(new TextDecoder().decode(await fs.cat(p("w/new.txt")))).toBe("rewritten");

      const upload = join(local, "upload");
      await mkdir(join(upload, "inner"), { recursive: true });
      await writeFile(join(upload, "one.bin"), big.subarray(0, 1000));
      await writeFile(join(upload, "inner", "two.txt"), "two");
      await fs.put(join(upload, "one.bin"), p("w/single.bin"));
      expectBytes(await fs.cat(p("w/single.bin")), big.slice(0, 1000));
      await fs.put(upload, p("w/up"), { recursive: true });
      expect(await fs.find(p("w/up"))).toEqual([p("w/up/inner/two.txt"), p("w/up/one.bin")]);
      await expect(fs.put(upload, p("w/up2"))).rejects.toBeInstanceOf(IsADirectoryError);

      await fs.copy(p("w/single.bin"), p("w/copy.bin"));
      expectBytes(await fs.cat(p("w/copy.bin")), big.slice(0, 1000));
      await fs.copy(p("w/up"), p("w/up-copy"), { recursive: true });
      expect(await fs.find(p("w/up-copy"))).toEqual([p("w/up-copy/inner/two.txt"), p("w/up-copy/one.bin")]);
      await fs.move(p("w/copy.bin"), p("w/moved.bin"));
      expect(await fs.exists(p("w/copy.bin"))).toBe(false);
      expectBytes(await fs.cat(p("w/moved.bin")), big.slice(0, 1000));

      await fs.mkdir(p("w/made"));
      await fs.rm(p("w/single.bin"));
      expect(await fs.exists(p("w/single.bin"))).toBe(false);
      await expect(fs.rm(p("w/up"))).rejects.toBeInstanceOf(IsADirectoryError);
      await fs.rm(p("w/up"), { recursive: true });
      expect(await fs.exists(p("w/up"))).toBe(false);
      expect(await fs.exists(p("w/up-copy/one.bin"))).toBe(true);
      await expect(fs.rm(p("w/never-there"))).rejects.toBeInstanceOf(NotFoundError);
    });
  });
}
