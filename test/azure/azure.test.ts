import { createHash, randomBytes } from "node:crypto";
import { BlobSASPermissions, BlobServiceClient, generateBlobSASQueryParameters, StorageSharedKeyCredential } from "@azure/storage-blob";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AzureBackend, filesystem, NotFoundError, PermissionError, parseAzureAccountUrl, urlToFs } from "../../src/index.js";
import { AZURITE_ACCOUNT, AZURITE_KEY, type Azurite, startAzurite } from "../servers/azurite.js";
import { startFaultProxy } from "../servers/fault-proxy.js";

const sha = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");

describe("Azure Blob on azurite", () => {
  let server: Azurite;
  let service: BlobServiceClient;

  beforeAll(async () => {
    server = await startAzurite();
    service = BlobServiceClient.fromConnectionString(server.connectionString);
    await service.getContainerClient("public").create({ access: "container" });
    await service.getContainerClient("private").create();
    for (const name of ["public", "private"]) {
      await service.getContainerClient(name).getBlockBlobClient("data/x.fits").upload("SIMPLE  = T", 11);
    }
  });

  afterAll(async () => {
    await server?.close();
  });

  it("reads a public container anonymously and refuses a private one with PermissionError", async () => {
    const fs = filesystem("az", { endpoint: server.endpoint, account: AZURITE_ACCOUNT, anon: true });
    expect(new TextDecoder().decode(await fs.cat("public/data/x.fits"))).toBe("SIMPLE  = T");
    expect(await fs.ls("public/data")).toEqual(["public/data/x.fits"]);
    await expect(fs.cat("private/data/x.fits")).rejects.toBeInstanceOf(PermissionError);
    await expect(fs.cat("public/data/missing.fits")).rejects.toBeInstanceOf(NotFoundError);
    await fs.close();
  });

  it("authenticates with a connection string and with a SAS token", async () => {
    const byConnection = filesystem("azure", { connectionString: server.connectionString });
    expect((await byConnection.info("private/data/x.fits")).size).toBe(11);
    const sas = generateBlobSASQueryParameters(
      {
        containerName: "private",
        blobName: "data/x.fits",
        permissions: BlobSASPermissions.parse("r"),
        expiresOn: new Date(Date.now() + 3_600_000),
      },
      new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY),
    ).toString();
    const bySas = filesystem("az", { endpoint: server.endpoint, account: AZURITE_ACCOUNT, sasToken: sas });
    expect(new TextDecoder().decode(await bySas.cat("private/data/x.fits"))).toBe("SIMPLE  = T");
    await byConnection.close();
    await bySas.close();
  });

  it("lists large prefixes page by page and uploads large bodies in blocks", async () => {
    const fs = filesystem("az", {
      endpoint: server.endpoint,
      account: AZURITE_ACCOUNT,
      accountKey: AZURITE_KEY,
      pageSize: 7,
      blockThreshold: 4 << 20,
      blockSize: 2 << 20,
    });
    await Promise.all(Array.from({ length: 30 }, (_, i) => fs.pipe(`private/many/f${String(i).padStart(2, "0")}.bin`, `file ${i}`)));
    expect(await fs.ls("private/many")).toHaveLength(30);
    const body = new Uint8Array(randomBytes(9 << 20));
    await fs.pipe("private/big/blob.bin", body);
    const blocks = await service.getContainerClient("private").getBlockBlobClient("big/blob.bin").getBlockList("committed");
    expect(blocks.committedBlocks?.length).toBe(5);
    expect(sha(await fs.cat("private/big/blob.bin"))).toBe(sha(body));
    await fs.close();
  });

  it("reports every request of a listing and a description: one per page, one per fallback", async () => {
    const proxy = await startFaultProxy(server.endpoint.replace(/\/[^/]*$/, ""));
    const fs = filesystem("az", {
      endpoint: `${proxy.baseUrl}/${AZURITE_ACCOUNT}`,
      account: AZURITE_ACCOUNT,
      accountKey: AZURITE_KEY,
      pageSize: 4,
      instance: "private",
    });
    try {
      await Promise.all(Array.from({ length: 10 }, (_, i) => fs.pipe(`private/paged/f${String(i).padStart(2, "0")}.bin`, `file ${i}`)));
      const lists = (): number => proxy.seen.filter((request) => /[?&]comp=list/.test(request.url)).length;
      proxy.seen.length = 0;
      fs.resetStats();
      expect(await fs.ls("private/paged")).toHaveLength(10);
      expect(lists()).toBe(3);
      expect(fs.stats().requests.list).toBe(3);
      proxy.seen.length = 0;
      fs.resetStats();
      expect(await fs.find("private/paged")).toHaveLength(10);
      expect(fs.stats().requests.list).toBe(3);
      expect(fs.stats().totalRequests).toBe(proxy.seen.length);
      proxy.seen.length = 0;
      fs.resetStats();
      expect((await fs.info("private/paged")).type).toBe("directory");
      expect(proxy.seen).toHaveLength(2);
      expect(fs.stats().totalRequests).toBe(2);
    } finally {
      await fs.close();
      await proxy.close();
    }
  });

  it("recognises abfs:// and account HTTPS URLs", () => {
    expect(parseAzureAccountUrl("abfs://data@myacct.dfs.core.windows.net/roman/x.asdf")).toEqual({
      container: "data",
      account: "myacct",
      blob: "roman/x.asdf",
    });
    expect(parseAzureAccountUrl("https://myacct.blob.core.windows.net/data/roman/x%20y.asdf")).toEqual({
      account: "myacct",
      container: "data",
      blob: "roman/x y.asdf",
    });
    const abfs = urlToFs("abfs://data@myacct.dfs.core.windows.net/roman/x.asdf");
    expect(abfs.fs.baseBackend).toBeInstanceOf(AzureBackend);
    expect(abfs.path).toBe("data/roman/x.asdf");
    expect((abfs.fs.baseBackend as AzureBackend).endpointFor("myacct")).toBe("https://myacct.blob.core.windows.net");
    expect(urlToFs("https://myacct.blob.core.windows.net/data/x.fits").fs.protocol).toBe("https");
    expect(urlToFs("https://myacct.blob.core.windows.net/data/x.fits", { anon: true }).fs.baseBackend).toBeInstanceOf(AzureBackend);
  });
});
