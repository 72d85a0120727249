import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { filesystem } from "../../src/index.js";
import { startHttpServer, type TestHttpServer } from "../servers/http-server.js";

describe("every request the HTTP backend sends is counted", () => {
  let folder: string;
  let server: TestHttpServer;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "skyfs-counts-"));
    for (const sub of ["a", "a/b", "c"]) await mkdir(join(folder, sub), { recursive: true });
    for (const file of ["x.txt", "a/y.txt", "a/b/z.txt", "c/w.txt"]) await writeFile(join(folder, file), file);
    server = await startHttpServer(folder);
  });

  afterAll(async () => {
    await server.close();
    await rm(folder, { recursive: true, force: true });
  });

  it("counts one listing per index page the server serves when finding a tree", async () => {
    const fs = filesystem("http", { instance: "private" });
    server.requests.length = 0;
    const found = await fs.find(`${server.baseUrl}/`);
    expect(found).toEqual(["x.txt", "a/y.txt", "a/b/z.txt", "c/w.txt"].map((name) => `${server.baseUrl}/${name}`).sort());
    const pages = server.requests.filter((request) => request.method === "GET").length;
    expect(pages).toBe(4);
    expect(fs.stats().requests.list).toBe(pages);
    expect(fs.stats().totalRequests).toBe(server.requests.length);
    await fs.close();
  });

  it("counts the ranged GET sent when HEAD is refused", async () => {
    const fs = filesystem("http", { instance: "private" });
    server.options.refuseHead = true;
    try {
      server.requests.length = 0;
      expect((await fs.info(`${server.baseUrl}/x.txt`)).size).toBe(5);
      expect(server.requests.map((request) => request.method)).toEqual(["HEAD", "GET"]);
      expect(fs.stats().totalRequests).toBe(2);
    } finally {
      server.options.refuseHead = false;
      await fs.close();
    }
  });
});
