import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ImageHdu, openFits, writeFits } from "../../src/fits.js";
import { cat } from "../../src/index.js";
import { resolveCloudUris, tessFfiKey } from "../../src/mast/index.js";
import { skyfs } from "../cli/run-cli.js";
import { type MastLookup, startMastLookup } from "../servers/mast-lookup.js";
import { type S3TestServer, startS3rver } from "../servers/s3-servers.js";

const DAYS = 27;
const COUNT = 1289;

/** TESS-like full-frame image names of sector 12, camera 3, CCD 4, spread over 27 days. */
function ffiUris(): Array<{ uri: string; key: string }> {
  return Array.from({ length: COUNT }, (_, i) => {
    const day = 140 + (i % DAYS);
    const file = `tess2019${day}${String(100000 + i).slice(-6)}-s0012-3-4-0144-s_ffic.fits`;
    return { uri: `mast:TESS/product/${file}`, key: `tess/public/ffi/s0012/2019/${day}/3-4/${file}` };
  });
}

describe("MAST data URIs", () => {
  let s3: S3TestServer;
  let lookup: MastLookup;
  const ffis = ffiUris();
  const image = Float32Array.from({ length: 40 * 30 }, (_, i) => i);

  beforeAll(async () => {
    s3 = await startS3rver(["stpubdata"]);
    const { S3Client, PutObjectCommand } = await import("@aws-sdk/client-s3");
    const client = new S3Client({ endpoint: s3.endpoint, region: "us-east-1", forcePathStyle: true, credentials: s3.credentials });
    const put = (Key: string, Body: Uint8Array | string) => client.send(new PutObjectCommand({ Bucket: "stpubdata", Key, Body }));
    const present = ffis.slice(0, COUNT - 5);
    for (let i = 0; i < present.length; i += 64) await Promise.all(present.slice(i, i + 64).map(({ key }) => put(key, "x")));
    await put(
      "hst/public/jbev/jbeveo010/jbeveo010_drz.fits",
      writeFits([{}, { data: image, shape: [40, 30], name: "SCI", cards: [{ keyword: "TELESCOP", value: "HST", comment: "" }] }]),
    );
    client.destroy();
    const paths = new Map(ffis.map(({ uri, key }) => [uri, key]));
    paths.set("mast:HST/product/jbeveo010_drz.fits", "hst/public/jbev/jbeveo010/jbeveo010_drz.fits");
    lookup = await startMastLookup(paths);
  });

  afterAll(async () => {
    await lookup?.close();
    await s3?.close();
  });

  const base = () => ({ serviceUrl: lookup.url, storage: { endpoint: s3.endpoint, anon: true }, cache: new Map<string, string>() });

  it("resolves 1,289 URIs with at most 33 lookups and one listing per distinct prefix, dropping nothing", async () => {
    lookup.requests.length = 0;
    const unknown = "mast:HST/product/nosuch_drz.fits";
    const { results, stats } = await resolveCloudUris([...ffis.map((ffi) => ffi.uri), unknown, ffis[0]?.uri as string], base());
    expect(stats.lookupRequests).toBeLessThanOrEqual(33);
    expect(lookup.requests.every((batch) => batch.length <= 40)).toBe(true);
    expect(stats.checkRequests).toBe(DAYS);
    expect(results.size).toBe(COUNT + 1);
    const found = [...results.values()].filter((resolution) => "url" in resolution);
    expect(found).toHaveLength(COUNT - 5);
    expect(results.get(ffis[7]?.uri as string)).toEqual({ url: `s3://stpubdata/${ffis[7]?.key}`, via: "lookup" });
    expect(results.get(ffis[COUNT - 1]?.uri as string)).toEqual({ error: expect.stringMatching(/^not found: .* does not exist$/) });
    expect(results.get(unknown)).toEqual({ error: expect.stringMatching(/MAST knows no cloud copy/) });
  });

  it("checks existence with one HEAD per object when asked, as the Python client does", async () => {
    const some = ffis.slice(0, 60).map((ffi) => ffi.uri);
    const { stats, results } = await resolveCloudUris(some, { ...base(), check: "head" });
    expect(stats.checkRequests).toBe(60);
    expect([...results.values()].every((resolution) => "url" in resolution)).toBe(true);
  });

  it("costs no lookup the second time, from memory or from the disk cache", async () => {
    const folder = await mkdtemp(join(tmpdir(), "skyfs-mast-"));
    try {
      const cacheFile = join(folder, "mast-cache.json");
      const some = ffis.slice(100, 300).map((ffi) => ffi.uri);
      const first = await resolveCloudUris(some, { ...base(), cacheFile });
      expect(first.stats.lookupRequests).toBe(5);
      const second = await resolveCloudUris(some, { ...base(), cacheFile });
      expect(second.stats).toMatchObject({ lookupRequests: 0, cached: 200 });
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it("places TESS full-frame images by the documented layout only when asked, and never HST products", async () => {
    expect(tessFfiKey(ffis[3]?.uri as string)).toBe(ffis[3]?.key);
    expect(tessFfiKey("mast:HST/product/jbeveo010_drz.fits")).toBeUndefined();
    const { stats, results } = await resolveCloudUris([...ffis.slice(0, 50).map((ffi) => ffi.uri), "mast:HST/product/jbeveo010_drz.fits"], {
      ...base(),
      rules: ["tess-ffi"],
    });
    expect(stats).toMatchObject({ byRule: 50, lookupRequests: 1 });
    expect(results.get(ffis[0]?.uri as string)).toEqual({ url: `s3://stpubdata/${ffis[0]?.key}`, via: "rule" });
  });

  it("retries a failing lookup batch and reports a permanently failing one per URI", async () => {
    lookup.failNext(2, 503);
    const retried = await resolveCloudUris(
      ffis.slice(400, 440).map((ffi) => ffi.uri),
      { ...base(), retry: { baseDelayMs: 1 } },
    );
    expect(retried.stats.lookupRequests).toBe(3);
    expect([...retried.results.values()].every((resolution) => "url" in resolution)).toBe(true);
    const poisoned = ffis[500]?.uri as string;
    lookup.failAlwaysFor(poisoned);
    const uris = ffis.slice(480, 560).map((ffi) => ffi.uri);
    const { results } = await resolveCloudUris(uris, { ...base(), retry: { baseDelayMs: 1, maxAttempts: 2 } });
    expect(results.size).toBe(80);
    const failed = [...results].filter(([, resolution]) => "error" in resolution);
    expect(failed).toHaveLength(40);
    expect(failed.map(([uri]) => uri)).toContain(poisoned);
    expect(failed[0]?.[1]).toEqual({ error: expect.stringMatching(/path lookup failed/) });
  });

  it("opens mast: URLs anywhere a URL is taken, reading from the cloud anonymously", async () => {
    const options = { endpoint: s3.endpoint, mast: { serviceUrl: lookup.url, cache: new Map<string, string>() } };
    const fits = await openFits("mast:HST/product/jbeveo010_drz.fits", options);
    const sci = (await fits.hdu("SCI")) as ImageHdu;
    expect(sci.header.get("TELESCOP")).toBe("HST");
    expect(
      Array.from(
        (
          await sci.section([
            [1, 2],
            [0, 3],
          ])
        ).data as Float32Array,
      ),
    ).toEqual([30, 31, 32]);
    expect(new TextDecoder().decode(await cat(`mast:TESS/product/${ffis[2]?.key.split("/").pop()}`, options))).toBe("x");
    await expect(cat("mast:HST/product/nosuch_drz.fits", options)).rejects.toThrow(/no cloud copy/);
  });

  it("resolves from the command line, arguments and a file, and says what it cost", async () => {
    const folder = await mkdtemp(join(tmpdir(), "skyfs-mast-cli-"));
    try {
      const list = join(folder, "uris.txt");
      await writeFile(list, `# a product list\n${ffis[10]?.uri}\n${ffis[11]?.uri}\n`);
      const result = await skyfs([
        "--endpoint",
        s3.endpoint,
        "mast",
        "resolve",
        "--service",
        lookup.url,
        "-f",
        list,
        "mast:HST/product/jbeveo010_drz.fits",
        "mast:HST/product/nosuch.fits",
      ]);
      expect(result.code, result.stderr).toBe(1);
      expect(result.stdout.trim().split("\n")).toEqual([
        "s3://stpubdata/hst/public/jbev/jbeveo010/jbeveo010_drz.fits",
        expect.stringMatching(/^# mast:HST\/product\/nosuch\.fits: not found/),
        `s3://stpubdata/${ffis[10]?.key}`,
        `s3://stpubdata/${ffis[11]?.key}`,
      ]);
      expect(result.stderr).toMatch(/mast: 4 URIs, 1 lookup request, 3 existence checks/);
      expect(result.stderr).toMatch(/^skyfs: SkyfsError: 1 of 4 URIs could not be resolved/m);
      const json = JSON.parse(
        (
          await skyfs([
            "--json",
            "--endpoint",
            s3.endpoint,
            "mast",
            "resolve",
            "--service",
            lookup.url,
            "--check",
            "none",
            ffis[12]?.uri as string,
          ])
        ).stdout,
      );
      expect(json.results[ffis[12]?.uri as string]).toEqual({ url: `s3://stpubdata/${ffis[12]?.key}`, via: "lookup" });
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
