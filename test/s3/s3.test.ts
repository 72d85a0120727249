import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  filesystem,
  MissingDependencyError,
  NotFoundError,
  PermissionError,
  parseS3HttpsUrl,
  S3Backend,
  urlToFs,
} from "../../src/index.js";
import { expectBytes } from "../bytes.js";
import { available, MOTO } from "../requirements.js";
import { type FaultProxy, startFaultProxy } from "../servers/fault-proxy.js";
import { type S3TestServer, startMoto, startS3rver } from "../servers/s3-servers.js";

const sha = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");
const listRequests = (proxy: FaultProxy) =>
  proxy.seen
    .filter((request) => request.method === "GET" && /[?&]list-type=2/.test(request.url))
    .map((request) => new URL(request.url, "http://x").searchParams);

describe("S3 on s3rver", () => {
  let server: S3TestServer;
  let proxy: FaultProxy;

  beforeAll(async () => {
    server = await startS3rver(["archive", "payer"]);
    proxy = await startFaultProxy(server.endpoint);
  });

  afterAll(async () => {
    await proxy.close();
    await server.close();
  });

  it("globs a TESS-like tree one level at a time, never listing the bucket", async () => {
    // s3rver reports a common prefix only when an object sits directly below it, so the tree
    // carries folder markers ("dir/" keys, as the S3 console creates them); they are not files.
    const fs = filesystem("s3", { endpoint: proxy.baseUrl, credentials: server.credentials });
    const keys: string[] = [];
    for (const day of [140, 141, 142, 143]) {
      for (let camera = 1; camera <= 4; camera++) {
        for (let ccd = 1; ccd <= 4; ccd++) {
          for (let frame = 0; frame < 6; frame++)
            keys.push(`tess/public/ffi/s0012/2019/${day}/${camera}-${ccd}/tess2019${day}${frame}-${camera}-${ccd}_ffic.fits`);
        }
      }
    }
    keys.push("tess/public/ffi/s0013/2019/150/3-4/other_ffic.fits", "hst/public/x/y.fits");
    const markers = new Set<string>();
    for (const key of keys)
      for (let slash = key.indexOf("/"); slash >= 0; slash = key.indexOf("/", slash + 1)) markers.add(key.slice(0, slash + 1));
    keys.push(...markers);
    const { S3Client, PutObjectCommand } = await import("@aws-sdk/client-s3");
    const client = new S3Client({ endpoint: server.endpoint, region: "us-east-1", forcePathStyle: true, credentials: server.credentials });
    for (let i = 0; i < keys.length; i += 32)
      await Promise.all(keys.slice(i, i + 32).map((Key) => client.send(new PutObjectCommand({ Bucket: "archive", Key, Body: "x" }))));
    client.destroy();
    proxy.seen.length = 0;
    const found = await fs.glob("archive/tess/public/ffi/s0012/*/*/3-4/*_ffic.fits");
    expect(found).toHaveLength(4 * 6);
    expect(found.every((path) => path.includes("/3-4/"))).toBe(true);
    const lists = listRequests(proxy);
    expect(lists.length).toBe(1 + 1 + 4);
    for (const params of lists) {
      expect(params.get("delimiter")).toBe("/");
      expect(params.get("prefix")?.startsWith("tess/public/ffi/s0012/")).toBe(true);
    }
    await fs.close();
  });

  it("sends x-amz-request-payer on every read, list and head when requesterPays is set", async () => {
    const fs = filesystem("s3", { endpoint: proxy.baseUrl, credentials: server.credentials, requesterPays: true });
    await fs.pipe("payer/data/x.bin", "payload");
    proxy.seen.length = 0;
    await fs.ls("payer/data");
    await fs.info("payer/data/x.bin");
    await fs.cat("payer/data/x.bin");
    const methods = proxy.seen.map((request) => request.method);
    expect(methods).toEqual(expect.arrayContaining(["GET", "HEAD"]));
    expect(proxy.seen.length).toBeGreaterThanOrEqual(3);
    for (const request of proxy.seen) expect(request.headers["x-amz-request-payer"]).toBe("requester");
    await fs.close();
  });

  it("opens an object with one ranged GET that brings its size, ETag and head", async () => {
    const fs = filesystem("s3", { endpoint: proxy.baseUrl, credentials: server.credentials, requesterPays: true });
    const body = new Uint8Array(randomBytes(200_000));
    await fs.pipe("payer/data/head.bin", body);
    proxy.seen.length = 0;
    const source = await fs.open("payer/data/head.bin");
    expect(source.size).toBe(200_000);
    expect(source.etag).toMatch(/^".+"$/);
    expectBytes(await source.read(1000, 5000), body.slice(1000, 6000));
    expect(proxy.seen.map((request) => `${request.method} ${request.headers.range}`)).toEqual(["GET bytes=0-65535"]);
    expect(proxy.seen[0]?.headers["x-amz-request-payer"]).toBe("requester");
    expectBytes(await source.read(150_000, 10), body.slice(150_000, 150_010));
    expect(proxy.seen[1]?.headers["if-match"]).toBe(source.etag);
    await fs.close();
  });

  it("reads anonymously without signing or looking up credentials", async () => {
    const previous = process.env.AWS_PROFILE;
    process.env.AWS_PROFILE = "no-such-profile-anywhere";
    try {
      const writer = filesystem("s3", { endpoint: server.endpoint, credentials: server.credentials });
      await writer.pipe("archive/public/open.txt", "open data");
      const fs = filesystem("s3", { endpoint: proxy.baseUrl, anon: true });
      proxy.seen.length = 0;
      expect(new TextDecoder().decode(await fs.cat("s3://archive/public/open.txt"))).toBe("open data");
      expect(proxy.seen.every((request) => request.headers.authorization === undefined)).toBe(true);
      await Promise.all([writer.close(), fs.close()]);
    } finally {
      if (previous === undefined) delete process.env.AWS_PROFILE;
      else process.env.AWS_PROFILE = previous;
    }
  });

  it("uploads 20 MiB as a multipart upload and reads it back intact", async () => {
    const fs = filesystem("s3", {
      endpoint: proxy.baseUrl,
      credentials: server.credentials,
      partSize: 5 * 1024 * 1024,
      multipartThreshold: 8 * 1024 * 1024,
    });
    const body = new Uint8Array(randomBytes(20 * 1024 * 1024));
    proxy.seen.length = 0;
    await fs.pipe("archive/big/twenty.bin", body);
    expect(proxy.seen.filter((request) => request.method === "PUT" && /partNumber=/.test(request.url))).toHaveLength(4);
    expect(proxy.seen.some((request) => request.method === "POST" && /uploads/.test(request.url))).toBe(true);
    expect((await fs.info("archive/big/twenty.bin")).size).toBe(body.length);
    expect(sha(await fs.cat("archive/big/twenty.bin"))).toBe(sha(body));
    await fs.close();
  });

  it("maps missing keys and buckets to NotFoundError", async () => {
    const fs = filesystem("s3", { endpoint: server.endpoint, credentials: server.credentials });
    await expect(fs.info("archive/nope.fits")).rejects.toBeInstanceOf(NotFoundError);
    await expect(fs.cat("no-such-bucket/x")).rejects.toBeInstanceOf(NotFoundError);
    await fs.close();
  });

  it("signs provider HTTPS URLs with SigV4 and the URL's region when auth options are given", async () => {
    const url = "https://s3.us-west-2.amazonaws.com/payer/data/x.bin";
    const plain = urlToFs(url);
    expect(plain.fs.protocol).toBe("https");
    const { fs, path } = urlToFs(url, { requesterPays: true, endpoint: proxy.baseUrl, credentials: server.credentials });
    expect(fs.baseBackend).toBeInstanceOf(S3Backend);
    expect(path).toBe("payer/data/x.bin");
    proxy.seen.length = 0;
    expect(new TextDecoder().decode(await fs.cat(path))).toBe("payload");
    const get = proxy.seen.find((request) => request.method === "GET");
    expect(get?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=S3RVER\/\d{8}\/us-west-2\/s3\/aws4_request/);
    expect(get?.headers["x-amz-request-payer"]).toBe("requester");
    await fs.close();
  });
});

describe("S3 URL forms and DigitalOcean Spaces", () => {
  it("parses the HTTPS forms of S3 and Spaces", () => {
    expect(parseS3HttpsUrl("https://s3.us-east-1.amazonaws.com/stpubdata/hst/x.fits")).toEqual({
      bucket: "stpubdata",
      key: "hst/x.fits",
      region: "us-east-1",
    });
    expect(parseS3HttpsUrl("https://stpubdata.s3.amazonaws.com/tess/a b.fits")).toEqual({ bucket: "stpubdata", key: "tess/a b.fits" });
    expect(parseS3HttpsUrl("https://my-space.ams3.digitaloceanspaces.com/k/x")).toEqual({
      bucket: "my-space",
      key: "k/x",
      region: "ams3",
      endpoint: "https://ams3.digitaloceanspaces.com",
    });
    expect(parseS3HttpsUrl("https://example.org/x")).toBeUndefined();
  });

  it("builds the Spaces endpoint from the region", () => {
    const { fs, path } = urlToFs("spaces://my-space/data/x.fits", { region: "fra1" });
    const backend = fs.baseBackend as S3Backend;
    expect(backend.endpoint).toBe("https://fra1.digitaloceanspaces.com");
    expect(path).toBe("my-space/data/x.fits");
    expect(fs.url(path)).toBe("spaces://my-space/data/x.fits");
    const https = urlToFs("https://my-space.ams3.digitaloceanspaces.com/k/x", { anon: true });
    expect((https.fs.baseBackend as S3Backend).endpoint).toBe("https://ams3.digitaloceanspaces.com");
    expect(https.path).toBe("my-space/k/x");
  });

  it("names the package to install when the SDK is missing", () => {
    const error = new MissingDependencyError("@aws-sdk/client-s3", "s3:// URLs");
    expect(error.message).toMatch(/npm install @aws-sdk\/client-s3/);
  });
});

describe.skipIf(!available(import.meta.url, MOTO))("S3 on moto_server", () => {
  let server: S3TestServer;
  let proxy: FaultProxy;

  beforeAll(async () => {
    server = await startMoto();
    proxy = await startFaultProxy(server.endpoint);
    const { S3Client, CreateBucketCommand, PutObjectCommand, PutObjectAclCommand } = await import("@aws-sdk/client-s3");
    const client = new S3Client({ endpoint: server.endpoint, region: "us-east-1", forcePathStyle: true, credentials: server.credentials });
    await client.send(new CreateBucketCommand({ Bucket: "pages" }));
    for (let i = 0; i < 7; i++) await client.send(new PutObjectCommand({ Bucket: "pages", Key: `p/k${i}.txt`, Body: String(i) }));
    await client.send(new PutObjectCommand({ Bucket: "pages", Key: "public/open.txt", Body: "open" }));
    await client.send(new PutObjectAclCommand({ Bucket: "pages", Key: "public/open.txt", ACL: "public-read" }));
    await client.send(new PutObjectCommand({ Bucket: "pages", Key: "private/secret.txt", Body: "secret" }));
    client.destroy();
  });

  afterAll(async () => {
    await proxy.close();
    await server.close();
  });

  it("follows pagination with small pages, in byte order, without losing keys", async () => {
    const fs = filesystem("s3", { endpoint: proxy.baseUrl, credentials: server.credentials, pageSize: 2 });
    proxy.seen.length = 0;
    expect(await fs.ls("pages/p")).toEqual(Array.from({ length: 7 }, (_, i) => `pages/p/k${i}.txt`));
    expect(listRequests(proxy)).toHaveLength(4);
    await fs.close();
  });

  it("reads a public object anonymously and refuses a private one with PermissionError", async () => {
    const fs = filesystem("s3", { endpoint: server.endpoint, anon: true });
    expect(new TextDecoder().decode(await fs.cat("pages/public/open.txt"))).toBe("open");
    const error = await fs.cat("pages/private/secret.txt").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PermissionError);
    expect((error as Error).message).toMatch(/requesterPays/);
    await fs.close();
  });

  it("reads the last bytes with a suffix-style slice", async () => {
    const fs = filesystem("s3", { endpoint: server.endpoint, credentials: server.credentials });
    expect(new TextDecoder().decode(await fs.catFile("pages/public/open.txt", -2))).toBe("en");
    await fs.close();
  });
});
