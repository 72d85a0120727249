import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { partialPath, removeStalePartials } from "../../src/core/partial-files.js";
import {
  AbortError,
  type Backend,
  createMemoryStore,
  type FileInfo,
  FileSystem,
  type GetOptions,
  type GetResult,
  InvalidArgumentError,
  IsADirectoryError,
  localFileError,
  MemoryBackend,
  NotADirectoryError,
  NotFoundError,
  PermissionError,
  SkyfsError,
  TransferError,
  type TransferProgress,
} from "../../src/index.js";

/** Memory objects whose reads can be refused (`denied`) or held until released or aborted (`held`). */
class GatedBackend extends MemoryBackend {
  readonly denied = new Set<string>();
  readonly held = new Set<string>();
  pending = 0;
  private readonly waiting: Array<() => void> = [];

  release(): void {
    for (const wake of this.waiting.splice(0)) wake();
  }

  override async get(path: string, options: GetOptions = {}): Promise<GetResult> {
    if (options.head) return super.get(path, options);
    if (this.denied.has(path)) throw new PermissionError("access refused (HTTP 403)", { url: path, code: "403" });
    if (this.held.has(path)) {
      this.pending++;
      try {
        await new Promise<void>((resolve, reject) => {
          this.waiting.push(resolve);
          options.signal?.addEventListener("abort", () => reject(new AbortError("request aborted", { url: path })), { once: true });
        });
      } finally {
        this.pending--;
      }
    }
    return super.get(path, options);
  }
}

async function storeWith(files: Record<string, string>): Promise<GatedBackend> {
  const backend = new GatedBackend({ store: createMemoryStore() });
  for (const [key, text] of Object.entries(files)) await backend.writer.put(key, new TextEncoder().encode(text));
  return backend;
}

function deadProcessId(): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, ["-e", ""], (error) => (error ? reject(error) : resolve(child.pid as number)));
  });
}

describe("get", () => {
  let sandbox: string;

  beforeEach(async () => {
    sandbox = await mkdtemp(join(tmpdir(), "skyfs-get-"));
  });

  afterEach(() => rm(sandbox, { recursive: true, force: true }));

  it("puts a file into an existing folder, or a target ending with a slash, under its own name", async () => {
    const fs = new FileSystem(await storeWith({ "bucket/data/x.fits": "xx" }));
    await fs.get("memory://bucket/data/x.fits", sandbox);
    expect(await readFile(join(sandbox, "x.fits"), "utf8")).toBe("xx");
    await fs.get("memory://bucket/data/x.fits", `${join(sandbox, "new")}/`);
    expect(await readFile(join(sandbox, "new", "x.fits"), "utf8")).toBe("xx");
    await fs.get("memory://bucket/data/x.fits", join(sandbox, "renamed.fits"));
    expect(await readFile(join(sandbox, "renamed.fits"), "utf8")).toBe("xx");
    expect((await readdir(sandbox)).sort()).toEqual(["new", "renamed.fits", "x.fits"]);
  });

  it("puts a file under a target ending with a slash under its own name", async () => {
    const backend = await storeWith({});
    await writeFile(join(sandbox, "up.fits"), "up");
    await new FileSystem(backend).put(join(sandbox, "up.fits"), "memory://bucket/dir/");
    expect(new TextDecoder().decode((await backend.get("bucket/dir/up.fits")).bytes)).toBe("up");
  });

  it("refuses a folder without recursive, as put, rm and copy do", async () => {
    const fs = new FileSystem(await storeWith({ "bucket/data/a": "a", "bucket/data/b": "b" }));
    await expect(fs.get("bucket/data", join(sandbox, "out"))).rejects.toBeInstanceOf(IsADirectoryError);
    await expect(fs.rm("bucket/data")).rejects.toBeInstanceOf(IsADirectoryError);
    await expect(fs.copy("bucket/data", "bucket/copy")).rejects.toBeInstanceOf(IsADirectoryError);
    expect(await readdir(sandbox)).toEqual([]);
    await fs.get("bucket/data", join(sandbox, "out"), { recursive: true });
    expect((await readdir(join(sandbox, "out"))).sort()).toEqual(["a", "b"]);
  });

  it("lists a folder named with a slash without describing it, and still gets a file or nothing named so", async () => {
    const fs = new FileSystem(await storeWith({ "bucket/data/a": "a", "bucket/data/sub/b": "b" }));
    await fs.get("memory://bucket/data/", join(sandbox, "out"), { recursive: true });
    expect(await readFile(join(sandbox, "out", "sub", "b"), "utf8")).toBe("b");
    expect(fs.stats().requests).toMatchObject({ info: 0, list: 1, read: 2 });
    await fs.get("memory://bucket/data/a/", join(sandbox, "one"), { recursive: true });
    expect(await readFile(join(sandbox, "one"), "utf8")).toBe("a");
    await expect(fs.get("memory://bucket/nothing/", join(sandbox, "none"), { recursive: true })).rejects.toBeInstanceOf(NotFoundError);
    await expect(fs.get("memory://bucket/data/", join(sandbox, "flat"))).rejects.toBeInstanceOf(IsADirectoryError);
    expect((await readdir(sandbox)).sort()).toEqual(["one", "out"]);
  });

  it("settles only once the files in flight have, after one file failed", async () => {
    const backend = await storeWith({ "bucket/d/a-bad": "x", "bucket/d/b1": "1", "bucket/d/b2": "2", "bucket/d/b3": "3" });
    backend.denied.add("bucket/d/a-bad");
    for (const key of ["bucket/d/b1", "bucket/d/b2", "bucket/d/b3"]) backend.held.add(key);
    const fs = new FileSystem(backend);
    const target = join(sandbox, "out");
    let pendingAtRejection = -1;
    const failure = await fs.get("bucket/d", target, { recursive: true, concurrency: 4 }).catch((error: unknown) => {
      pendingAtRejection = backend.pending;
      return error;
    });
    backend.release();
    expect(pendingAtRejection).toBe(0);
    expect(failure).toBeInstanceOf(TransferError);
    const transfer = failure as TransferError;
    expect(transfer.cause).toBeInstanceOf(PermissionError);
    expect(transfer.failed.map((failed) => failed.url)).toEqual(["memory://bucket/d/a-bad"]);
    expect(transfer.completed).toEqual([]);
    expect(transfer.message).toMatch(/^1 of 4 files failed, 0 completed, 3 cancelled or not started; first failure: PermissionError/);
    expect(await readdir(target)).toEqual([]);
  });

  it("names the files completed before a failure and starts no other", async () => {
    const backend = await storeWith({ "bucket/d/a1": "1", "bucket/d/a2": "2", "bucket/d/bad": "x", "bucket/d/z1": "z" });
    backend.denied.add("bucket/d/bad");
    const fs = new FileSystem(backend);
    const target = join(sandbox, "out");
    const failure = (await fs
      .get("bucket/d", target, { recursive: true, concurrency: 1 })
      .catch((error: unknown) => error)) as TransferError;
    expect(failure).toBeInstanceOf(TransferError);
    expect(failure.completed).toEqual(["memory://bucket/d/a1", "memory://bucket/d/a2"]);
    expect((await readdir(target)).sort()).toEqual(["a1", "a2"]);
  });

  it("keeps the single file's own error when a one-file get fails", async () => {
    const backend = await storeWith({ "bucket/bad": "x" });
    backend.denied.add("bucket/bad");
    await expect(new FileSystem(backend).get("bucket/bad", join(sandbox, "bad"))).rejects.toBeInstanceOf(PermissionError);
    expect(await readdir(sandbox)).toEqual([]);
  });

  it("removes the temporary files a killed run left for its targets, and nothing else", async () => {
    const dead = await deadProcessId();
    const stale = join(sandbox, `x.fits.skyfs-partial-${dead}-0badc0de`);
    const otherTarget = join(sandbox, `y.fits.skyfs-partial-${dead}-0badc0de`);
    const living = join(sandbox, `x.fits.skyfs-partial-${process.ppid}-00c0ffee`);
    for (const path of [stale, otherTarget, living, join(sandbox, "x.fits.notes")]) await writeFile(path, "old");
    const fs = new FileSystem(await storeWith({ "bucket/x.fits": "new" }));
    await fs.get("bucket/x.fits", join(sandbox, "x.fits"));
    expect((await readdir(sandbox)).sort()).toEqual(
      ["x.fits", "x.fits.notes", `x.fits.skyfs-partial-${process.ppid}-00c0ffee`, `y.fits.skyfs-partial-${dead}-0badc0de`].sort(),
    );
    expect(await removeStalePartials([join(sandbox, "y.fits")])).toEqual([otherTarget]);
  });

  it("downloads a file with the longest legal name (temporary names stay within 255 bytes)", async () => {
    const name = `${"é".repeat(100)}${"n".repeat(50)}.fits`;
    expect(Buffer.byteLength(name)).toBe(255);
    expect(Buffer.byteLength(partialPath(join(sandbox, name)).slice(sandbox.length + 1))).toBeLessThanOrEqual(255);
    const short = `${"a".repeat(230)}.fits`;
    const fs = new FileSystem(await storeWith({ [`bucket/${name}`]: "long", [`bucket/${short}`]: "short" }));
    await fs.get(`bucket/${name}`, join(sandbox, name));
    await fs.get(`bucket/${short}`, `${sandbox}/`);
    expect(await readFile(join(sandbox, name), "utf8")).toBe("long");
    expect(await readFile(join(sandbox, short), "utf8")).toBe("short");
  });

  it("reports local write errors as skyfs errors naming the path", async () => {
    const fs = new FileSystem(await storeWith({ "bucket/x.fits": "x", "bucket/d/x.fits": "x" }));
    await writeFile(join(sandbox, "plain"), "a file");
    const underFile = join(sandbox, "plain", "x.fits");
    await expect(fs.get("bucket/x.fits", underFile)).rejects.toThrow(SkyfsError);
    await expect(fs.get("bucket/x.fits", underFile)).rejects.toThrow(/plain/);
    const tooLong = join(sandbox, `${"n".repeat(300)}.fits`);
    const long = await fs.get("bucket/x.fits", tooLong).catch((error: unknown) => error);
    expect(long).toBeInstanceOf(InvalidArgumentError);
    expect((long as SkyfsError).code).toBe("ENAMETOOLONG");
    expect((long as SkyfsError).message).toMatch(/file name too long \(.*nnnn\.fits\)$/);
    await mkdir(join(sandbox, "out", "x.fits", "inside"), { recursive: true });
    const busy = await fs.get("bucket/d", join(sandbox, "out"), { recursive: true }).catch((error: unknown) => error);
    expect(busy).toBeInstanceOf(SkyfsError);
    expect((busy as SkyfsError).message).toMatch(/out\/x\.fits\)$/);
    expect(localFileError(Object.assign(new Error("EACCES: permission denied"), { code: "EACCES" }), "/ro/x.fits")).toBeInstanceOf(
      PermissionError,
    );
    expect(localFileError(Object.assign(new Error("x"), { code: "ENOTDIR" }), "/a/b")).toBeInstanceOf(NotADirectoryError);
  });

  it("ends its progress with every file counted, and learns the total once every size is known", async () => {
    const backend = await storeWith({ "bucket/d/a": "aaaa", "bucket/d/b": "bb" });
    const unsized = new (class extends GatedBackend {
      override async list(path: string, options?: { recursive?: boolean }): Promise<FileInfo[]> {
        return (await backend.list(path, options)).map((entry) => ({ ...entry, size: entry.type === "file" ? -1 : 0, etag: undefined }));
      }
    })({ store: createMemoryStore() });
    for (const key of ["bucket/d/a", "bucket/d/b"]) await unsized.writer.put(key, (await backend.get(key)).bytes);
    for (const [name, fs] of [
      ["known", new FileSystem(backend)],
      ["unknown", new FileSystem(unsized as Backend)],
    ] as const) {
      const seen: TransferProgress[] = [];
      await fs.get("bucket/d", join(sandbox, name), {
        recursive: true,
        concurrency: 1,
        onProgress: (progress) => seen.push(progress),
      });
      expect(seen.at(-1)).toMatchObject({ bytes: 6, totalBytes: 6, filesDone: 2, totalFiles: 2 });
    }
  });
});
