/**
 * MAST paths per mission, mapped as astroquery maps them, against a local lookup service that
 * answers as MAST's does and s3rver holding the objects at their cloud keys; the request shape of
 * the lookups; and `mast:` reads honouring the storage options' credentials.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cat, PermissionError } from "../../src/index.js";
import { cloudKey, resolveCloudUris } from "../../src/mast/index.js";
import { archivePath, type MastLookup, startMastLookup } from "../servers/mast-lookup.js";
import { type ScriptedServer, s3Error, startScriptedServer } from "../servers/provider-errors.js";
import { type S3TestServer, startS3rver } from "../servers/s3-servers.js";

/** One product per mission: its data URI and the key of its cloud copy in the bucket. */
const MISSIONS: Record<string, { uri: string; key: string }> = {
  HST: { uri: "mast:HST/product/u24r0102t_c1f.fits", key: "hst/public/u24r/u24r0102t/u24r0102t_c1f.fits" },
  "Pan-STARRS": {
    uri: "mast:PS1/product/rings.v3.skycell.1334.061.stk.r.unconv.exp.fits",
    key: "panstarrs/ps1/public/rings.v3.skycell/1334/061/rings.v3.skycell.1334.061.stk.r.unconv.exp.fits",
  },
  GALEX: {
    uri: "mast:GALEX/url/data/GR6/pipe/01-vsn/06915-MISDR1_24278_0266/d/01-main/0001-img/07-try/MISDR1_24278_0266-nd-int.fits.gz",
    key: "galex/GR6/pipe/01-vsn/06915-MISDR1_24278_0266/d/01-main/0001-img/07-try/MISDR1_24278_0266-nd-int.fits.gz",
  },
  HLSP: {
    uri: "mast:HLSP/tica/s0027/cam1-ccd1/hlsp_tica_tess_ffi_s0027-o1-00146325-cam1-ccd1_tess_v01_img.fits",
    key: "mast/hlsp/tica/s0027/cam1-ccd1/hlsp_tica_tess_ffi_s0027-o1-00146325-cam1-ccd1_tess_v01_img.fits",
  },
  TESS: {
    uri: "mast:TESS/product/tess2018206045859-s0001-0000000025155310-0120-s_lc.fits",
    key: "tess/public/tid/s0001/0000/0000/2515/5310/tess2018206045859-s0001-0000000025155310-0120-s_lc.fits",
  },
  JWST: {
    uri: "mast:JWST/product/jw01018006001_02101_00001_nrcb1_cal.fits",
    key: "jwst/public/jw01018/jw01018006001_02101_00001_nrcb1_cal.fits",
  },
};

describe("MAST paths per mission", () => {
  let s3: S3TestServer;
  let lookup: MastLookup;

  beforeAll(async () => {
    s3 = await startS3rver(["stpubdata"]);
    const { S3Client, PutObjectCommand } = await import("@aws-sdk/client-s3");
    const client = new S3Client({ endpoint: s3.endpoint, region: "us-east-1", forcePathStyle: true, credentials: s3.credentials });
    for (const { key } of Object.values(MISSIONS)) await client.send(new PutObjectCommand({ Bucket: "stpubdata", Key: key, Body: key }));
    client.destroy();
    const paths = new Map(Object.values(MISSIONS).map(({ uri, key }) => [uri, key]));
    for (let i = 0; i < 85; i++) paths.set(`mast:HST/product/batch${i}_drz.fits`, `hst/public/batch/batch${i}_drz.fits`);
    lookup = await startMastLookup(paths);
  });

  afterAll(async () => {
    await lookup?.close();
    await s3?.close();
  });

  const options = () => ({
    serviceUrl: lookup.url,
    storage: { endpoint: s3.endpoint, anon: true },
    check: "head" as const,
    cache: new Map<string, string>(),
  });

  for (const [mission, { uri, key }] of Object.entries(MISSIONS)) {
    it(`${mission}: the service's cloud path is the key of an existing object`, async () => {
      lookup.archivePathsOnly(false);
      const { results } = await resolveCloudUris([uri], options());
      expect(results.get(uri)).toEqual({ url: `s3://stpubdata/${key}`, via: "lookup" });
      expect(new TextDecoder().decode(await cat(`s3://stpubdata/${key}`, { endpoint: s3.endpoint, anon: true }))).toBe(key);
    });

    it(`${mission}: an archive path (${archivePath(key).split("/").slice(0, 3).join("/")}/...) maps to the same key`, async () => {
      lookup.archivePathsOnly(true);
      try {
        const { results } = await resolveCloudUris([uri], options());
        expect(results.get(uri)).toEqual({ url: `s3://stpubdata/${key}`, via: "lookup" });
      } finally {
        lookup.archivePathsOnly(false);
      }
    });
  }

  it("maps archive paths as astroquery's mast_relative_path did, and leaves cloud paths alone", () => {
    expect(cloudKey("/ps1/rings.v3.skycell/1334/061/x.fits")).toBe("panstarrs/ps1/public/rings.v3.skycell/1334/061/x.fits");
    expect(cloudKey("/hlsp_local/public/hlsp/tica/s0027/x.fits")).toBe("mast/hlsp/tica/s0027/x.fits");
    expect(cloudKey("/mast/galex/GR6/pipe/x.fits.gz")).toBe("galex/GR6/pipe/x.fits.gz");
    expect(cloudKey("//hst/public/u24r/x.fits")).toBe("hst/public/u24r/x.fits");
    for (const { key } of Object.values(MISSIONS)) expect(cloudKey(`/${key}`)).toBe(key);
    expect(cloudKey("/mast/hlsp/galex-deep/x.fits")).toBe("mast/hlsp/galex-deep/x.fits");
  });

  it("retries a lookup answered 503 and gives up at once on 501", async () => {
    const uri = MISSIONS.HST?.uri as string;
    lookup.requests.length = 0;
    lookup.failNext(1, 503);
    const retried = await resolveCloudUris([uri], { ...options(), check: "none", retry: { baseDelayMs: 1 } });
    expect(retried.results.get(uri)).toEqual({ url: `s3://stpubdata/${MISSIONS.HST?.key}`, via: "lookup" });
    expect(lookup.requests).toHaveLength(2);
    lookup.requests.length = 0;
    lookup.failNext(1, 501);
    const refused = await resolveCloudUris([uri], { ...options(), check: "none", retry: { baseDelayMs: 1 } });
    expect(refused.results.get(uri)).toEqual({ error: expect.stringMatching(/path lookup failed: .*HTTP 501/) });
    expect(lookup.requests).toHaveLength(1);
  });

  it("asks as astroquery's get_cloud_paths does: repeated uri parameters, 40 per request, use_cloud_path=True", async () => {
    const uris = Array.from({ length: 85 }, (_, i) => `mast:HST/product/batch${i}_drz.fits`);
    lookup.queries.length = 0;
    lookup.requests.length = 0;
    const { results } = await resolveCloudUris(uris, { ...options(), check: "none", concurrency: 1 });
    expect(lookup.requests.map((batch) => batch.length)).toEqual([40, 40, 5]);
    expect(lookup.requests.flat()).toEqual(uris);
    for (const { query, headers } of lookup.queries) {
      expect(query).toMatch(/^\?(uri=mast%3AHST%2Fproduct%2Fbatch\d+_drz\.fits&)+use_cloud_path=True$/);
      expect(headers.accept).toBe("text/plain");
    }
    expect(results.get(uris[84] as string)).toEqual({ url: "s3://stpubdata/hst/public/batch/batch84_drz.fits", via: "lookup" });
  });
});

describe("mast: reads honour the storage options' credentials", () => {
  let lookup: MastLookup;
  let store: ScriptedServer;
  const uri = "mast:JWST/product/private_cal.fits";

  beforeAll(async () => {
    lookup = await startMastLookup(new Map([[uri, "jwst/public/private/private_cal.fits"]]));
    // A bucket that refuses unsigned requests and serves signed ones.
    store = await startScriptedServer((request) => {
      if (!request.headers.authorization) return s3Error(403, "AccessDenied", "Access Denied");
      return {
        status: 206,
        headers: { "content-type": "application/octet-stream", "content-range": "bytes 0-4/5", etag: '"e1"' },
        body: "hello",
      };
    });
  });

  afterAll(async () => {
    await lookup?.close();
    await store?.close();
  });

  const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" };

  it("signs with the credentials given, without anon: false", async () => {
    store.requests.length = 0;
    const bytes = await cat(uri, { endpoint: store.url, credentials, mast: { serviceUrl: lookup.url, cache: new Map() } });
    expect(new TextDecoder().decode(bytes)).toBe("hello");
    expect(store.requests.length).toBeGreaterThan(0);
    for (const request of store.requests) expect(request.headers.authorization).toMatch(/Credential=AKIDEXAMPLE\//);
  });

  it("reads anonymously when no storage option says how to authenticate", async () => {
    store.requests.length = 0;
    await expect(cat(uri, { endpoint: store.url, mast: { serviceUrl: lookup.url, cache: new Map() } })).rejects.toBeInstanceOf(
      PermissionError,
    );
    expect(store.requests.length).toBeGreaterThan(0);
    for (const request of store.requests) expect(request.headers.authorization).toBeUndefined();
  });

  it("lets anon: true win over credentials when both are given", async () => {
    store.requests.length = 0;
    await expect(
      cat(uri, { endpoint: store.url, credentials, anon: true, mast: { serviceUrl: lookup.url, cache: new Map() } }),
    ).rejects.toBeInstanceOf(PermissionError);
    for (const request of store.requests) expect(request.headers.authorization).toBeUndefined();
  });
});
