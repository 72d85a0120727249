/**
 * Requester pays on the wire: with `requesterPays`, every S3 request skyfs sends carries
 * `x-amz-request-payer: requester`, writes and every step of a multipart upload included.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { filesystem, PermissionError, S3Backend } from "../../src/index.js";
import { available, MOTO } from "../requirements.js";
import { type FaultProxy, startFaultProxy } from "../servers/fault-proxy.js";
import { type ScriptedServer, s3Error, startScriptedServer } from "../servers/provider-errors.js";
import { type S3TestServer, startMoto } from "../servers/s3-servers.js";

/** The S3 operation a request is, from its method, query and headers. */
function operationOf(request: { method: string; url: string; headers: Record<string, string | string[] | undefined> }): string {
  const query = new URL(request.url, "http://x").searchParams;
  if (request.method === "PUT" && query.has("partNumber")) return "UploadPart";
  if (request.method === "POST" && query.has("uploads")) return "CreateMultipartUpload";
  if (request.method === "POST" && query.has("uploadId")) return "CompleteMultipartUpload";
  if (request.method === "DELETE" && query.has("uploadId")) return "AbortMultipartUpload";
  if (request.method === "POST" && query.has("delete")) return "DeleteObjects";
  if (request.method === "PUT" && request.headers["x-amz-copy-source"]) return "CopyObject";
  if (request.method === "PUT") return "PutObject";
  if (request.method === "GET" && query.get("list-type") === "2") return "ListObjectsV2";
  if (request.method === "GET") return "GetObject";
  if (request.method === "HEAD") return "HeadObject";
  return `${request.method} ${request.url}`;
}

const MiB = 1024 * 1024;

describe.skipIf(!available(import.meta.url, MOTO))("requester pays on every S3 request (moto_server)", () => {
  let server: S3TestServer;
  let proxy: FaultProxy;

  beforeAll(async () => {
    server = await startMoto();
    const { S3Client, CreateBucketCommand } = await import("@aws-sdk/client-s3");
    const client = new S3Client({ endpoint: server.endpoint, region: "us-east-1", forcePathStyle: true, credentials: server.credentials });
    await client.send(new CreateBucketCommand({ Bucket: "payer" }));
    client.destroy();
    proxy = await startFaultProxy(server.endpoint);
  });

  afterAll(async () => {
    await proxy?.close();
    await server?.close();
  });

  async function everyOperation(requesterPays: boolean): Promise<Map<string, Array<string | string[] | undefined>>> {
    const fs = filesystem("s3", {
      endpoint: proxy.baseUrl,
      credentials: server.credentials,
      requesterPays,
      multipartThreshold: 6 * MiB,
      partSize: 5 * MiB,
    });
    proxy.seen.length = 0;
    const big = new Uint8Array(randomBytes(11 * MiB));
    await fs.pipe("payer/w/small.txt", "small");
    await fs.pipe("payer/w/big.bin", big);
    await fs.ls("payer/w");
    await fs.info("payer/w/small.txt");
    expect(new TextDecoder().decode(await fs.cat("payer/w/small.txt"))).toBe("small");
    expect((await fs.catFile("payer/w/big.bin", 6 * MiB, 6 * MiB + 4)).length).toBe(4);
    await fs.copy("payer/w/small.txt", "payer/w/copy.txt");
    for (const path of ["payer/w/copy.txt", "payer/w/small.txt", "payer/w/big.bin"]) await fs.rm(path);
    await fs.close();
    const headers = new Map<string, Array<string | string[] | undefined>>();
    for (const request of proxy.seen) {
      const operation = operationOf(request);
      headers.set(operation, [...(headers.get(operation) ?? []), request.headers["x-amz-request-payer"]]);
    }
    return headers;
  }

  it("sends x-amz-request-payer on puts, every multipart step, listings, heads, reads, copies and deletes", async () => {
    const headers = await everyOperation(true);
    expect([...headers.keys()].sort()).toEqual(
      [
        "CompleteMultipartUpload",
        "CopyObject",
        "CreateMultipartUpload",
        "DeleteObjects",
        "GetObject",
        "HeadObject",
        "ListObjectsV2",
        "PutObject",
        "UploadPart",
      ].sort(),
    );
    expect(headers.get("UploadPart")).toHaveLength(3);
    for (const [operation, values] of headers) for (const value of values) expect(value, operation).toBe("requester");
  });

  it("sends no such header when the option is not set", async () => {
    const headers = await everyOperation(false);
    for (const [operation, values] of headers) for (const value of values) expect(value, operation).toBeUndefined();
  });
});

describe("requester pays on an aborted multipart upload", () => {
  let server: ScriptedServer;

  beforeAll(async () => {
    server = await startScriptedServer((request) => {
      const operation = operationOf(request);
      if (operation === "CreateMultipartUpload")
        return {
          status: 200,
          headers: { "content-type": "application/xml" },
          body: "<InitiateMultipartUploadResult><Bucket>payer</Bucket><Key>big.bin</Key><UploadId>upload-1</UploadId></InitiateMultipartUploadResult>",
        };
      if (operation === "AbortMultipartUpload") return { status: 204 };
      return s3Error(403, "AccessDenied", "Access Denied");
    });
  });

  afterAll(async () => {
    await server.close();
  });

  it("creates, fails a part, and aborts, each request paying", async () => {
    const backend = new S3Backend({
      endpoint: server.url,
      credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
      requesterPays: true,
      multipartThreshold: 1000,
      partSize: 1000,
      uploadConcurrency: 1,
    });
    await expect(backend.write("payer/big.bin", new Uint8Array(2500))).rejects.toBeInstanceOf(PermissionError);
    await backend.close();
    expect(server.requests.map(operationOf)).toEqual(["CreateMultipartUpload", "UploadPart", "AbortMultipartUpload"]);
    for (const request of server.requests) expect(request.headers["x-amz-request-payer"], operationOf(request)).toBe("requester");
    expect(new URL(server.requests[2]?.url ?? "", "http://x").searchParams.get("uploadId")).toBe("upload-1");
  });
});
