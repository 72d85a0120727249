import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cat,
  FileSystem,
  filesystem,
  glob,
  InvalidUrlError,
  LimitBackend,
  LocalBackend,
  MemoryBackend,
  NotSupportedError,
  open,
  RetryingBackend,
  registeredSchemes,
  StatsBackend,
  schemeOf,
  urlToFs,
} from "../../src/index.js";
import { registerGreetings } from "./greeting-backend.js";

describe("URL dispatch", () => {
  let folder: string;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "skyfs-dispatch-"));
    await writeFile(join(folder, "x.txt"), "local bytes");
  });

  afterAll(() => rm(folder, { recursive: true, force: true }));

  it("maps bare paths and file:// URLs to the local backend", async () => {
    const bare = urlToFs(join(folder, "x.txt"));
    expect(bare.fs.baseBackend).toBeInstanceOf(LocalBackend);
    expect(bare.path).toBe(join(folder, "x.txt"));
    const url = urlToFs(pathToFileURL(join(folder, "x.txt")).href);
    expect(url.path).toBe(join(folder, "x.txt"));
    expect(new TextDecoder().decode(await cat(pathToFileURL(join(folder, "x.txt")).href))).toBe("local bytes");
    expect(new TextDecoder().decode(await cat(join(folder, "x.txt"), { start: 6 }))).toBe("bytes");
  });

  it("reads schemes case-insensitively and treats a drive letter as a path", () => {
    expect(schemeOf("S3://bucket/key")).toBe("s3");
    expect(schemeOf("C:\\data\\x.fits")).toBe("file");
    expect(schemeOf("relative/path.fits")).toBe("file");
    expect(schemeOf("memory://a")).toBe("memory");
  });

  it("refuses an unknown scheme with InvalidUrlError naming the known ones", () => {
    expect(() => urlToFs("nosuch://x")).toThrow(InvalidUrlError);
    expect(() => urlToFs("nosuch://x")).toThrow(/memory/);
    expect(() => filesystem("nosuch")).toThrow(InvalidUrlError);
  });

  it("opens memory URLs through the top-level helpers", async () => {
    const fs = filesystem("memory");
    expect(fs.baseBackend).toBeInstanceOf(MemoryBackend);
    expect(fs.backend).toBeInstanceOf(RetryingBackend);
    expect((fs.backend as RetryingBackend).inner).toBeInstanceOf(LimitBackend);
    const unretried = filesystem("memory", { retry: false }).backend;
    expect(unretried).toBeInstanceOf(LimitBackend);
    const counted = (unretried as LimitBackend).inner;
    expect(counted).toBeInstanceOf(StatsBackend);
    expect((counted as StatsBackend).inner).toBeInstanceOf(MemoryBackend);
    const plain = new FileSystem(new MemoryBackend());
    expect(plain.backend).toBeInstanceOf(RetryingBackend);
    await fs.pipe("memory://dispatch/a.fits", "abc");
    await fs.pipe("memory://dispatch/b.fits", "defg");
    const source = await open("memory://dispatch/b.fits");
    expect(source.size).toBe(4);
    expect(await glob("memory://dispatch/*.fits")).toEqual(["memory://dispatch/a.fits", "memory://dispatch/b.fits"]);
  });

  it("lets a third party register a backend from outside the library", async () => {
    registerGreetings();
    expect(registeredSchemes()).toContain("greet");
    const { fs, path } = urlToFs("greet://planets/mars");
    expect(fs).toBeInstanceOf(FileSystem);
    expect(path).toBe("planets/mars");
    expect(new TextDecoder().decode(await fs.cat(path))).toBe("hello, mars");
    expect(await glob("greet://planets/*r*")).toEqual(["greet://planets/earth", "greet://planets/mars"]);
    expect(new TextDecoder().decode(await cat("greet://planets/venus", { start: -5 }))).toBe("venus");
    await expect(fs.pipe("planets/pluto", "x")).rejects.toBeInstanceOf(NotSupportedError);
  });
});
