import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConsistencyError, defaultCacheDirectory, filesystem, LocalFileCache } from "../../src/index.js";
import { type HostileServer, startHostileServer } from "../servers/hostile-server.js";

const bytes = (length: number, seed: number): Uint8Array => Uint8Array.from({ length }, (_, i) => (i * seed + 1) & 255);

describe("the local file cache against careless servers and shared folders", () => {
  let server: HostileServer;
  let folder: string;

  beforeAll(async () => {
    server = await startHostileServer();
    folder = await mkdtemp(join(tmpdir(), "skyfs-filecache-"));
  });

  afterAll(async () => {
    await server.close();
    await rm(folder, { recursive: true, force: true });
  });

  it("never serves a copy of an object it cannot validate", async () => {
    const directory = join(folder, "unvalidated");
    server.object("/bare.bin", bytes(5000, 3));
    const fs = filesystem("http", { fileCache: { directory } });
    expect(await (await fs.open(`${server.baseUrl}/bare.bin`)).read(0, 5000)).toEqual(bytes(5000, 3));
    server.object("/bare.bin", bytes(5000, 7));
    expect(await (await fs.open(`${server.baseUrl}/bare.bin`)).read(0, 5000)).toEqual(bytes(5000, 7));
    expect(await readdir(directory).catch(() => [])).toEqual([]);
    expect(new LocalFileCache({ directory }).accepts({ name: "x", type: "file", size: 5000 })).toBe(false);
  });

  it("keys copies by Last-Modified when there is no ETag", async () => {
    const directory = join(folder, "dated");
    server.object("/dated.bin", bytes(5000, 3), { lastModified: new Date("2026-01-01T00:00:00Z") });
    const fs = filesystem("http", { fileCache: { directory } });
    expect(await (await fs.open(`${server.baseUrl}/dated.bin`)).read(0, 10)).toEqual(bytes(10, 3));
    server.object("/dated.bin", bytes(5000, 7), { lastModified: new Date("2026-01-02T00:00:00Z") });
    expect(await (await fs.open(`${server.baseUrl}/dated.bin`)).read(0, 10)).toEqual(bytes(10, 7));
    expect(await readdir(directory)).toHaveLength(1);
  });

  it("creates the default folder under XDG_CACHE_HOME, private to the user", async () => {
    const saved = process.env.XDG_CACHE_HOME;
    process.env.XDG_CACHE_HOME = join(folder, "xdg");
    try {
      expect(defaultCacheDirectory()).toBe(join(folder, "xdg", "skyfs"));
      server.object("/tagged.bin", bytes(3000, 5), { etag: '"v1"' });
      const fs = filesystem("http", { fileCache: true });
      expect(await (await fs.open(`${server.baseUrl}/tagged.bin`)).read(0, 3000)).toEqual(bytes(3000, 5));
      const directory = join(folder, "xdg", "skyfs");
      expect((await stat(directory)).mode & 0o777).toBe(0o700);
      const [copy] = await readdir(directory);
      expect((await stat(join(directory, copy as string))).mode & 0o777).toBe(0o600);
    } finally {
      if (saved === undefined) delete process.env.XDG_CACHE_HOME;
      else process.env.XDG_CACHE_HOME = saved;
    }
  });

  it("keeps an open copy usable when another user of the folder removes or replaces it", async () => {
    const directory = join(folder, "shared");
    server.object("/shared.bin", bytes(4000, 3), { etag: '"one"' });
    const first = filesystem("http", { fileCache: { directory } });
    const second = filesystem("http", { fileCache: { directory } });
    const open = await first.open(`${server.baseUrl}/shared.bin`);
    expect(await open.read(0, 10)).toEqual(bytes(10, 3));
    expect(await readdir(directory)).toHaveLength(1);
    for (const name of await readdir(directory)) await rm(join(directory, name));
    expect(await open.read(100, 10)).toEqual(bytes(4000, 3).subarray(100, 110));
    server.object("/shared.bin", bytes(4000, 9), { etag: '"two"' });
    expect(await (await second.open(`${server.baseUrl}/shared.bin`)).read(0, 10)).toEqual(bytes(10, 9));
    const error = await open.read(100, 10).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConsistencyError);
  });
});
