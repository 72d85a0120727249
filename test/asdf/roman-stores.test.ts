import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BlobServiceClient } from "@azure/storage-blob";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AsdfFile, type AsdfTime, openAsdf, Quantity, type TaggedValue } from "../../src/asdf.js";
import { type FileSystem, filesystem } from "../../src/index.js";
import { AZURITE_ACCOUNT, AZURITE_KEY, startAzurite } from "../servers/azurite.js";
import { startGcsFake } from "../servers/gcs-fake.js";
import { startHttpServer, type TestHttpServer } from "../servers/http-server.js";
import { hasMoto, startMoto, startS3rver } from "../servers/s3-servers.js";
import { expectedSection, romanFixture } from "./roman-fixture.js";

const size = 256;
const plain = romanFixture({ size });
const compressed = romanFixture({ size, compression: "zlib" });

/** Reads a Roman-like file's metadata and sections through a filesystem, checking bytes moved. */
async function checkRoman(fs: FileSystem, path: string, compressedPath: string): Promise<void> {
  const before = fs.stats().bytesReceived;
  const af = await AsdfFile.open(await fs.open(path));
  expect(af.get("roman/meta/instrument/detector")).toBe("WFI01");
  const exposure = af.get("roman/meta/exposure/exposure_time") as Quantity;
  expect(exposure).toBeInstanceOf(Quantity);
  expect([exposure.value, exposure.unit]).toEqual([139.8, "s"]);
  const start = af.get("roman/meta/exposure/start_time") as AsdfTime;
  expect([start.value, start.format, start.scale]).toEqual(["2027-06-01T04:12:56.123", "isot", "utc"]);
  expect((af.get("roman/meta/wcs") as TaggedValue).tag).toBe("tag:stsci.edu:gwcs/wcs-1.1.0");
  expect((af.get("roman/data") as Quantity).unit).toBe("DN / s");
  const data = await af.array("roman/data").section([
    [100, 110],
    [-20, -10],
  ]);
  expect(Array.from(data.data as Float32Array)).toEqual(expectedSection(plain.arrays.data, size, [100, 110], [size - 20, size - 10]));
  const dq = await af.array("roman/dq").section([
    [0, 3],
    [null, 5],
  ]);
  expect(Array.from(dq.data as Uint32Array)).toEqual(expectedSection(plain.arrays.dq, size, [0, 3], [0, 5]));
  const moved = fs.stats().bytesReceived - before;
  expect(moved).toBeLessThan(size * size * 4);

  const zipped = await AsdfFile.open(await fs.open(compressedPath));
  const err = zipped.array("roman/err");
  const first = await err.section([
    [5, 8],
    [5, 8],
  ]);
  const requests = fs.stats().totalRequests;
  const second = await err.section([[-3], [-3]]);
  expect(fs.stats().totalRequests).toBe(requests);
  expect(Array.from(first.data as Float32Array)).toEqual(expectedSection(compressed.arrays.err, size, [5, 8], [5, 8]));
  expect(Array.from(second.data as Float32Array)).toEqual(expectedSection(compressed.arrays.err, size, [size - 3, size], [size - 3, size]));
}

/** An object store the fixtures are written to through skyfs, and how to stop its server. */
interface ObjectStore {
  fs: FileSystem;
  stop: () => Promise<void>;
}

/** The Roman checks on an object store started by `start`, with the fixtures written by `pipe`. */
function describeObjectStore(
  name: string,
  start: () => Promise<ObjectStore>,
  options: { skip?: boolean; setupTimeout?: number } = {},
): void {
  describe.skipIf(options.skip ?? false)(name, () => {
    let store: ObjectStore | undefined;
    beforeAll(async () => {
      store = await start();
      await store.fs.pipe("roman/wfi01_cal.asdf", plain.bytes);
      await store.fs.pipe("roman/wfi01_cal_zlib.asdf", compressed.bytes);
    }, options.setupTimeout);
    afterAll(async () => {
      await store?.fs.close();
      await store?.stop();
    });
    it("reads metadata and sections", () => checkRoman((store as ObjectStore).fs, "roman/wfi01_cal.asdf", "roman/wfi01_cal_zlib.asdf"));
  });
}

describe("Roman-like ASDF files on every store", () => {
  describeObjectStore(
    "S3 (s3rver)",
    async () => {
      const server = await startS3rver(["roman"]);
      return { fs: filesystem("s3", { endpoint: server.endpoint, credentials: server.credentials }), stop: server.close };
    },
    { setupTimeout: 60_000 },
  );

  describeObjectStore(
    "S3 (moto_server)",
    async () => {
      const server = await startMoto();
      const { S3Client, CreateBucketCommand } = await import("@aws-sdk/client-s3");
      const client = new S3Client({
        endpoint: server.endpoint,
        region: "us-east-1",
        forcePathStyle: true,
        credentials: server.credentials,
      });
      await client.send(new CreateBucketCommand({ Bucket: "roman" }));
      client.destroy();
      return { fs: filesystem("s3", { endpoint: server.endpoint, credentials: server.credentials }), stop: server.close };
    },
    { skip: !hasMoto(), setupTimeout: 60_000 },
  );

  describeObjectStore("GCS (JSON API test server)", async () => {
    const server = await startGcsFake();
    server.createBucket("roman");
    return { fs: filesystem("gs", { apiEndpoint: server.endpoint, projectId: "test" }), stop: server.close };
  });

  describeObjectStore(
    "Azure (azurite)",
    async () => {
      const server = await startAzurite();
      await BlobServiceClient.fromConnectionString(server.connectionString).getContainerClient("roman").create();
      return { fs: filesystem("az", { endpoint: server.endpoint, account: AZURITE_ACCOUNT, accountKey: AZURITE_KEY }), stop: server.close };
    },
    { setupTimeout: 60_000 },
  );

  describe("HTTP", () => {
    let folder: string;
    let server: TestHttpServer;
    beforeAll(async () => {
      folder = await mkdtemp(join(tmpdir(), "skyfs-roman-http-"));
      await writeFile(join(folder, "wfi01_cal.asdf"), plain.bytes);
      await writeFile(join(folder, "wfi01_cal_zlib.asdf"), compressed.bytes);
      server = await startHttpServer(folder);
    });
    afterAll(async () => {
      await server?.close();
      await rm(folder, { recursive: true, force: true });
    });
    it("reads metadata and sections", async () => {
      const fs = filesystem("http");
      try {
        await checkRoman(fs, `${server.baseUrl}/wfi01_cal.asdf`, `${server.baseUrl}/wfi01_cal_zlib.asdf`);
      } finally {
        await fs.close();
      }
    });

    it("opens by URL with openAsdf and reads a section in one batch of range requests", async () => {
      const af = await openAsdf(`${server.baseUrl}/wfi01_cal.asdf`);
      await af.blocks();
      const seen = server.requests.length;
      const cut = await af.array("roman/data").section([
        [0, 100],
        [0, 100],
      ]);
      expect(cut.shape).toEqual([100, 100]);
      const ranged = server.requests.slice(seen);
      expect(ranged.length).toBeGreaterThan(0);
      expect(ranged.every((request) => request.method === "GET" && typeof request.headers.range === "string")).toBe(true);
      expect(server.bytesSent()).toBeLessThan(plain.bytes.length);
    });
  });
});
