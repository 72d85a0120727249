import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type ImageHdu, openFits, writeFits } from "../../src/fits.js";
import {
  buildGzipIndex,
  ConsistencyError,
  cat,
  DecodedCache,
  DecompressionError,
  filesystem,
  gzipIndexFromJson,
  gzipIndexToJson,
  InvalidArgumentError,
  open,
} from "../../src/index.js";
import { buildFitsIndex } from "../../src/workflows/index.js";
import { startHttpServer, type TestHttpServer } from "../servers/http-server.js";
import { problemOf } from "./problem.js";

const SIDE = 512;
const pixels = Float32Array.from({ length: SIDE * SIDE }, (_, i) => Math.sin(i * 0.001) * 1000 + ((i * 7919) % 101));
const fits = writeFits([{ data: pixels, shape: [SIDE, SIDE], name: "SCI" }]);
const gz = gzipSync(fits, { level: 1 });

describe("the decompression layer over a real HTTP server", () => {
  let folder: string;
  let server: TestHttpServer;
  let base: string;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "skyfs-compression-"));
    await writeFile(join(folder, "image.fits"), fits);
    await writeFile(join(folder, "image.fits.gz"), gz);
    await writeFile(join(folder, "plain.fits.gz"), fits);
    await writeFile(join(folder, "two.fits.gz"), Buffer.concat([gzipSync(fits.subarray(0, 500_000)), gzipSync(new Uint8Array(1_000_000))]));
    const damaged = Buffer.from(gz);
    damaged[damaged.length - 7]! ^= 0xff;
    await writeFile(join(folder, "bad-crc.fits.gz"), damaged);
    server = await startHttpServer(folder);
    base = server.baseUrl;
  });

  afterAll(async () => {
    await server.close();
    await rm(folder, { recursive: true, force: true });
  });

  beforeEach(() => {
    server.requests.length = 0;
  });

  it("opens a .gz with its size from the trailer: the head request, one 4-byte trailer read, nothing more for a header", async () => {
    const fs = filesystem("http", { instance: "private" });
    const source = await fs.open(`${base}/image.fits.gz`, { compression: "gzip", decodedCache: new DecodedCache() });
    expect(source.size).toBe(fits.length);
    expect(await source.read(0, 2880)).toEqual(fits.slice(0, 2880));
    expect(server.requests.map((request) => request.headers.range)).toEqual(["bytes=0-65535", `bytes=${gz.length - 4}-${gz.length - 1}`]);
    expect(fs.stats().bytesReceived).toBe(65_536 + 4);
    await fs.close();
  });

  it("gives the same bytes as the uncompressed file for reads anywhere, in any order", async () => {
    const source = await open(`${base}/image.fits.gz`, { compression: "infer" });
    const ranges = [
      { offset: 800_000, length: 5000 },
      { offset: 100, length: 10 },
      { offset: fits.length - 10, length: 100 },
      { offset: 234_567, length: 500_000 },
    ];
    const results = await source.readMany(ranges);
    for (const [i, range] of ranges.entries()) expect(results[i]).toEqual(fits.slice(range.offset, range.offset + range.length));
    expect(await source.read(300_000, 16)).toEqual(fits.slice(300_000, 300_016));
  });

  it("is never a silently ignored option: an unknown compression is refused, infer without a suffix reads the stored bytes", async () => {
    expect(await problemOf(open(`${base}/image.fits.gz`, { compression: "lz77" as never }))).toBe("unsupported");
    expect((await open(`${base}/image.fits`, { compression: "infer" })).size).toBe(fits.length);
    const stored = await open(`${base}/image.fits.gz`);
    expect(stored.size).toBe(gz.length);
    expect(Array.from(await stored.read(0, 2))).toEqual([0x1f, 0x8b]);
  });

  it("refuses a .gz that is not gzip, and a damaged one once a read reaches its end", async () => {
    expect(await problemOf(open(`${base}/plain.fits.gz`, { compression: "infer" }))).toBe("not-compressed");
    const damaged = await open(`${base}/bad-crc.fits.gz`, { compression: "infer" });
    expect(await problemOf(damaged.read(0, damaged.size))).toBe("checksum");
    expect(await problemOf(cat(`${base}/bad-crc.fits.gz`, { compression: "gzip" }))).toBe("checksum");
  });

  it("decodes several members once at open to learn the size, when the first member ends inside the head", async () => {
    const small = Buffer.concat([gzipSync(fits.subarray(0, 2880)), gzipSync(fits.subarray(2880))]);
    await writeFile(join(folder, "head-member.fits.gz"), small);
    const source = await open(`${base}/head-member.fits.gz`, { compression: "gzip" });
    expect(source.size).toBe(fits.length);
    expect(await source.read(fits.length - 3000, 3000)).toEqual(fits.slice(fits.length - 3000));
  });

  it("refuses, with a typed error, a multi-member file whose trailer undercounts, when a read passes the recorded size", async () => {
    const source = await open(`${base}/two.fits.gz`, { compression: "gzip" });
    expect(source.size).toBe(1_000_000);
    expect(await problemOf(source.read(0, source.size))).toBe("size");
  });

  it("cat and get decompress; get streams to a file that appears only when the stream checked out", async () => {
    expect(Buffer.compare(await cat(`${base}/image.fits.gz`, { compression: "infer" }), fits)).toBe(0);
    const fs = filesystem("http", { instance: "private" });
    const target = join(folder, "out");
    await fs.get(`${base}/image.fits.gz`, join(target, "image.fits"), { compression: "gzip" });
    expect(Buffer.compare(await readFile(join(target, "image.fits")), fits)).toBe(0);
    await expect(fs.get(`${base}/bad-crc.fits.gz`, join(target, "bad.fits"), { compression: "gzip" })).rejects.toBeInstanceOf(
      DecompressionError,
    );
    expect((await readdir(target)).sort()).toEqual(["image.fits"]);
    await expect(fs.put(join(target, "image.fits"), `${base}/up.fits`, { compression: "gzip" })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await fs.close();
  });

  it("openFits reads a .fits.gz like the uncompressed file, its info from the head alone", async () => {
    const fs = filesystem("http", { instance: "private" });
    const plain = await openFits(`${base}/image.fits`);
    const compressed = await openFits(await fs.open(`${base}/image.fits.gz`, { compression: "infer", decodedCache: new DecodedCache() }));
    const strip = (info: string) => info.split("\n").slice(1).join("\n");
    expect(strip(await compressed.info())).toBe(strip(await plain.info()));
    expect(fs.stats().bytesReceived).toBe(65_536 + 4);
    const section = await ((await compressed.hdu("SCI")) as ImageHdu).section([
      [500, 510],
      [300, 320],
    ]);
    const expected = await ((await plain.hdu("SCI")) as ImageHdu).section([
      [500, 510],
      [300, 320],
    ]);
    expect(section.data).toEqual(expected.data);
    await fs.close();
  });

  it("a section through a cloud index with a gzip seek index decodes from the nearest checkpoint only", async () => {
    const { index } = await buildFitsIndex(`${base}/image.fits.gz`);
    const entry = index.files[0]!;
    expect(entry.size).toBe(fits.length);
    expect(entry.gzipIndex?.size).toBe(fits.length);
    const fs = filesystem("http", { instance: "private" });
    const raw = await fs.open(`${base}/image.fits.gz`);
    const seekIndex = await buildGzipIndex(raw, { checkpointSpacing: 64 * 1024 });
    expect(seekIndex.checkpoints.length).toBeGreaterThan(10);
    expect(seekIndex.size).toBe(fits.length);
    const stored = gzipIndexFromJson(JSON.parse(JSON.stringify(gzipIndexToJson(seekIndex))));
    const indexed = { ...entry, gzipIndex: gzipIndexToJson(stored) };
    const byUrl = await openFits(`${base}/image.fits.gz`, { index: indexed });
    expect(((await byUrl.hdu("SCI")) as ImageHdu).shape).toEqual([SIDE, SIDE]);
    fs.resetStats();
    const source = await fs.open(`${base}/image.fits.gz`, {
      compression: "gzip",
      gzipIndex: stored,
      cache: "none",
      decodedCache: new DecodedCache(),
    });
    const hdu = (await (await openFits(source, { index: indexed })).hdu("SCI")) as ImageHdu;
    const rows: [number, number] = [490, 500];
    const section = await hdu.section([rows, [0, 100]]);
    const plain = (await (await openFits(`${base}/image.fits`)).hdu("SCI")) as ImageHdu;
    expect(section.data).toEqual((await plain.section([rows, [0, 100]])).data);
    expect(fs.stats().requests.info).toBe(1);
    expect(fs.stats().bytesReceived).toBeLessThan(gz.length / 4);
    await fs.close();
  });

  it("refuses a gzip index built for another version of the object", async () => {
    const raw = await open(`${base}/image.fits.gz`);
    const seekIndex = await buildGzipIndex(raw);
    await expect(
      open(`${base}/image.fits.gz`, { compression: "gzip", gzipIndex: { ...seekIndex, compressedSize: 5 } }),
    ).rejects.toBeInstanceOf(ConsistencyError);
  });
});
