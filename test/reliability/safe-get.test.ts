import { mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { localPathsUnder, safeLocalPath } from "../../src/core/safe-path.js";
import {
  type Backend,
  type FileInfo,
  FileSystem,
  type GetOptions,
  type GetResult,
  InvalidArgumentError,
  NotFoundError,
} from "../../src/index.js";

/** A store whose listing holds the given keys below `bucket/`, each holding the key as text. */
class HostileListingBackend implements Backend {
  readonly protocol = "hostile";
  readonly recursiveListing = true;
  readonly reads: string[] = [];

  constructor(private readonly keys: string[]) {}

  stripProtocol(urlOrPath: string): string {
    return urlOrPath.replace(/^hostile:\/\//, "").replace(/\/+$/, "");
  }

  toUrl(path: string): string {
    return `hostile://${path}`;
  }

  async get(path: string, options: GetOptions = {}): Promise<GetResult> {
    if (path === "bucket") return { info: { name: path, type: "directory", size: 0 }, bytes: new Uint8Array(0) };
    const key = path.slice("bucket/".length);
    if (!this.keys.includes(key)) throw new NotFoundError("no such key", { url: path });
    const info: FileInfo = { name: path, type: "file", size: key.length };
    if (options.head) return { info, bytes: new Uint8Array(0) };
    this.reads.push(path);
    const offset = options.range?.offset ?? 0;
    return { info, bytes: new TextEncoder().encode(key).slice(offset, offset + (options.range?.length ?? key.length)) };
  }

  async list(): Promise<FileInfo[]> {
    return this.keys.map((key) => ({ name: `bucket/${key}`, type: "file", size: key.length }));
  }
}

describe("safe downloads", () => {
  let sandbox: string;
  let target: string;

  beforeEach(async () => {
    sandbox = await mkdtemp(join(tmpdir(), "skyfs-safe-"));
    target = join(sandbox, "target");
    await mkdir(join(sandbox, "outside"));
  });

  afterEach(() => rm(sandbox, { recursive: true, force: true }));

  const hostileKeys = ["../outside/escaped.txt", "ok/../../outside/x", "/etc/passwd-copy", "C:/windows/x", "a\\..\\..\\b", "nul\0byte"];

  for (const key of hostileKeys) {
    it(`refuses the key ${JSON.stringify(key)} before anything is written`, async () => {
      const backend = new HostileListingBackend(["fine/one.txt", key, "fine/two.txt"]);
      const fs = new FileSystem(backend);
      await expect(fs.get("bucket", target, { recursive: true })).rejects.toBeInstanceOf(InvalidArgumentError);
      expect(backend.reads).toEqual([]);
      expect(await readdir(join(sandbox, "outside"))).toEqual([]);
      expect((await readdir(sandbox)).sort()).toEqual(["outside"]);
    });
  }

  it("downloads ordinary keys, including dot segments that stay inside", async () => {
    const fs = new FileSystem(new HostileListingBackend(["a/./b.txt", "c.txt"]));
    await fs.get("bucket", target, { recursive: true });
    expect((await readdir(target, { recursive: true })).map(String).sort()).toEqual(["a", "a/b.txt", "c.txt"]);
  });

  it("maps keys below the folder and nowhere else", () => {
    expect(safeLocalPath("/data/out", "x/y.fits")).toBe("/data/out/x/y.fits");
    expect(() => safeLocalPath("/data/out", "")).toThrow(InvalidArgumentError);
    expect(() => safeLocalPath("/data/out", "..")).toThrow(/'\.\.'/);
    expect(() => safeLocalPath("/data/out", "D:x")).toThrow(/drive letter/);
  });

  it("maps many keys below one folder resolved once, as path.resolve would, empty and dot segments dropped", () => {
    const below = localPathsUnder("/data/out/");
    expect(below("x//./y.fits")).toBe("/data/out/x/y.fits");
    expect(below("./")).toBe("/data/out");
    expect(localPathsUnder("/")("a/b")).toBe("/a/b");
    expect(localPathsUnder("rel/dir")("k")).toBe(resolve("rel/dir", "k"));
    for (const key of ["a", "a/b/c.fits", "a/./b", "a//b/", "x.y/z"]) expect(below(key)).toBe(resolve("/data/out", key));
    expect(() => below("a/../../etc/passwd")).toThrow(InvalidArgumentError);
    expect(() => below("/etc/passwd")).toThrow(/absolute/);
  });
});
