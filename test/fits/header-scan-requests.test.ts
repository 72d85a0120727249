import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Card, openFitsSource, writeFits } from "../../src/fits.js";
import { filesystem, NotFoundError } from "../../src/index.js";
import { buildFitsIndex } from "../../src/workflows/index.js";
import { startHttpServer, type TestHttpServer } from "../servers/http-server.js";

const FILES = 12;
const BLOCK = 2880;

/**
 * A file of 66,240 bytes whose headers all lie in its first 64 KiB: a primary of 1 + 18 blocks,
 * then an extension whose one-block header starts at byte 54,720, with 3 blocks of data. The
 * walk's first try at that header (4 blocks) would cross byte 65,536.
 */
function headersInHead(seed: number): Uint8Array {
  const primary = new Float32Array((18 * BLOCK) / 4).fill(seed);
  const extension = new Float32Array((3 * BLOCK) / 4).fill(-seed);
  return writeFits([{ data: primary }, { data: extension, name: "SCI" }]);
}

/** A file whose primary header holds about 200 KiB of cards, then an extension. */
function longHeader(): Uint8Array {
  const cards: Card[] = Array.from({ length: 2600 }, (_, i) => ({ keyword: "HISTORY", value: `step ${i} of a long history`, comment: "" }));
  return writeFits([{ cards }, { data: new Int16Array(100), name: "SCI" }]);
}

describe("a header scan over HTTP", () => {
  let root: string;
  let server: TestHttpServer;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "skyfs-scan-"));
    await mkdir(join(root, "scan"));
    for (let i = 0; i < FILES; i++) await writeFile(join(root, "scan", `f${String(i).padStart(2, "0")}.fits`), headersInHead(i));
    await writeFile(join(root, "long.fits"), longHeader());
    server = await startHttpServer(root);
  });

  afterAll(async () => {
    await server.close();
    await rm(root, { recursive: true, force: true });
  });

  it("lays the fixture out as described (the extension's header starts at 54,720, the file ends at 66,240)", async () => {
    const fs = filesystem("http", { instance: "private" });
    const hdus = await openFitsSource(await fs.open(`${server.baseUrl}/scan/f00.fits`)).hdus();
    expect(hdus.map((hdu) => hdu.layout.headerOffset)).toEqual([0, 54_720]);
    expect(hdus[1]?.layout.nextOffset).toBe(66_240);
    await fs.close();
  });

  it("costs one request per file when the headers lie in the head the open request fetched", async () => {
    const fs = filesystem("http", { instance: "private" });
    const before = server.requests.length;
    for (let i = 0; i < FILES; i++) {
      const hdus = await openFitsSource(await fs.open(`${server.baseUrl}/scan/f${String(i).padStart(2, "0")}.fits`)).hdus();
      expect(hdus.map((hdu) => hdu.name)).toEqual(["PRIMARY", "SCI"]);
    }
    expect(fs.stats().totalRequests).toBe(FILES);
    expect(server.requests.length - before).toBe(FILES);
    await fs.close();
  });

  it("indexes a folder with one read request per file, and lists a folder named with a slash at once", async () => {
    const before = server.requests.length;
    const { index, fs } = await buildFitsIndex(`${server.baseUrl}/scan/`);
    expect(index.files).toHaveLength(FILES);
    expect(index.files.every((file) => file.hdus.length === 2)).toBe(true);
    expect(fs.stats().requests.read).toBe(FILES);
    const seen = server.requests.slice(before);
    expect(seen.filter((request) => request.headers.range === undefined).map((request) => `${request.method} ${request.url}`)).toEqual([
      "GET /scan/",
    ]);
    expect(seen).toHaveLength(FILES + 1);
  });

  it("describes a folder named without a slash before listing it, and indexes a single file", async () => {
    const before = server.requests.length;
    const folder = await buildFitsIndex(`${server.baseUrl}/scan`);
    expect(folder.index.files).toHaveLength(FILES);
    const seen = server.requests.slice(before);
    expect(seen.filter((request) => request.headers.range !== undefined)).toHaveLength(FILES);
    expect(seen.filter((request) => request.headers.range === undefined).map((request) => `${request.method} ${request.url}`)).toEqual([
      "HEAD /scan",
      "HEAD /scan/",
      "GET /scan/",
    ]);
    const single = await buildFitsIndex(`${server.baseUrl}/scan/f03.fits`);
    expect(single.index.files.map((file) => file.url)).toEqual([`${server.baseUrl}/scan/f03.fits`]);
    expect(single.index.files[0]?.hdus).toHaveLength(2);
  });

  it("says there is nothing to index at a URL that names nothing, with or without a slash", async () => {
    for (const url of [`${server.baseUrl}/nothing`, `${server.baseUrl}/nothing/`])
      await expect(buildFitsIndex(url)).rejects.toThrow(NotFoundError);
  });

  it("reads a 200 KiB header with two requests: the head, then one request sized to the rest", async () => {
    const fs = filesystem("http", { instance: "private" });
    const hdus = await openFitsSource(await fs.open(`${server.baseUrl}/long.fits`)).hdus();
    expect(hdus[0]?.layout.headerSize).toBeGreaterThan(200 * 1024);
    expect(hdus[0]?.header.cards.filter((card) => card.keyword === "HISTORY")).toHaveLength(2600);
    expect(hdus.map((hdu) => hdu.name)).toEqual(["PRIMARY", "SCI"]);
    expect(fs.stats().requests.read).toBe(2);
    await fs.close();
  });

  it("still finds a missing END: a file cut inside its long header is a FormatError", async () => {
    const whole = longHeader();
    await writeFile(join(root, "cut.fits"), whole.subarray(0, 50 * BLOCK));
    const fs = filesystem("http", { instance: "private" });
    await expect(openFitsSource(await fs.open(`${server.baseUrl}/cut.fits`)).hdus()).rejects.toThrow(/no END card/);
    await fs.close();
  });
});
