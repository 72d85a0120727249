import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DecompressionError, glob, globManifest, parseManifestLine, readLines } from "../../src/index.js";
import { skyfs } from "../cli/run-cli.js";
import { startHttpServer, type TestHttpServer } from "../servers/http-server.js";

/** A TESS-like listing: sectors, cameras, chips, many images each. */
function listingLines(): string[] {
  const lines: string[] = [];
  for (let sector = 1; sector <= 3; sector++) {
    for (let camera = 1; camera <= 4; camera++) {
      for (let chip = 1; chip <= 4; chip++) {
        for (let i = 0; i < 50; i++) {
          const name = `tess2018${String(200 + i).padStart(3, "0")}-s${String(sector).padStart(4, "0")}-${camera}-${chip}-0120-s_ffic.fits`;
          lines.push(
            `2019-08-07 14:30:35   34577280 tess/public/ffi/s${String(sector).padStart(4, "0")}/2018/206/${camera}-${chip}/${name}`,
          );
        }
      }
    }
  }
  return lines;
}

describe("globs from a manifest, and text lines", () => {
  let folder: string;
  let cache: string;
  let server: TestHttpServer;
  const lines = listingLines();

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "skyfs-manifest-"));
    cache = await mkdtemp(join(tmpdir(), "skyfs-manifest-cache-"));
    await writeFile(join(folder, "manifest.txt.gz"), gzipSync(`${lines.join("\n")}\n`));
    await writeFile(join(folder, "keys.txt"), lines.map((line) => line.split(" ").pop()).join("\r\n"));
    await writeFile(join(folder, "broken.txt.gz"), gzipSync(lines.join("\n")).subarray(0, 5000));
    server = await startHttpServer(folder);
  });

  afterAll(async () => {
    await server.close();
    await rm(folder, { recursive: true, force: true });
    await rm(cache, { recursive: true, force: true });
  });

  beforeEach(() => {
    server.requests.length = 0;
  });

  it("reads both line formats", () => {
    expect(parseManifestLine("2019-08-07 14:30:35   34577280 tess/public/a b.fits")).toEqual({
      key: "tess/public/a b.fits",
      size: 34577280,
      modified: "2019-08-07 14:30:35",
    });
    expect(parseManifestLine("tess/public/x.fits")).toEqual({ key: "tess/public/x.fits" });
    expect(parseManifestLine("   ")).toBeUndefined();
    expect(parseManifestLine("                           PRE ffi/")).toBeUndefined();
  });

  it("answers a glob from a gzipped aws-ls manifest, and a second glob with one request", async () => {
    const pattern = "s3://stpubdata/tess/public/ffi/s0002/*/*/3-4/*_ffic.fits";
    const manifest = `${server.baseUrl}/manifest.txt.gz`;
    const expected = lines
      .map((line) => `s3://stpubdata/${line.split(" ").pop()}`)
      .filter((url) => url.includes("/s0002/") && url.includes("/3-4/"))
      .sort();
    expect(expected).toHaveLength(50);
    expect(await glob(pattern, { manifest, manifestOptions: { cacheDirectory: cache } })).toEqual(expected);
    const first = server.requests.length;
    server.requests.length = 0;
    expect(await glob(pattern, { manifest, manifestOptions: { cacheDirectory: cache } })).toEqual(expected);
    expect(first).toBeGreaterThan(1);
    expect(server.requests.map((request) => request.method)).toEqual(["HEAD"]);
  });

  it("matches a one-key-per-line manifest against a root given for its keys", async () => {
    const found = await globManifest(
      "https://archive.example.org/tess/public/ffi/s0001/2018/206/1-1/*s0001-1-1-*",
      `${server.baseUrl}/keys.txt`,
      {
        cacheDirectory: false,
      },
    );
    expect(found).toHaveLength(50);
    expect(found[0]).toMatch(/^https:\/\/archive\.example\.org\/tess\/public\/ffi\/s0001\/2018\/206\/1-1\/tess2018200-s0001-1-1-/);
  });

  it("readLines streams the lines of a compressed or plain object, CRLF or LF", async () => {
    const read: string[] = [];
    for await (const line of readLines(`${server.baseUrl}/manifest.txt.gz`, { readSize: 4096 })) read.push(line);
    expect(read).toEqual(lines);
    const keys: string[] = [];
    for await (const line of readLines(`${server.baseUrl}/keys.txt`)) keys.push(line);
    expect(keys).toEqual(lines.map((line) => line.split(" ").pop()));
  });

  it("a damaged manifest ends the lines with a DecompressionError", async () => {
    const consume = async (): Promise<void> => {
      for await (const _line of readLines(`${server.baseUrl}/broken.txt.gz`));
    };
    await expect(consume()).rejects.toBeInstanceOf(DecompressionError);
  });

  it("skyfs glob --manifest prints the matches", async () => {
    const result = await skyfs([
      "glob",
      "--manifest",
      `${server.baseUrl}/manifest.txt.gz`,
      "s3://stpubdata/tess/public/ffi/s0003/*/*/2-2/*_ffic.fits",
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split("\n")).toHaveLength(50);
  });
});
