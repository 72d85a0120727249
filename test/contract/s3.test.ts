import { describe } from "vitest";
import { filesystem } from "../../src/index.js";
import { available, MOTO } from "../requirements.js";
import { type S3TestServer, startMoto, startS3rver } from "../servers/s3-servers.js";
import { describeContract } from "./suite.js";

async function target(server: S3TestServer, bucket: string) {
  const pageSize = server.kind === "moto" ? 3 : undefined;
  const fs = filesystem("s3", { endpoint: server.endpoint, credentials: server.credentials, pageSize });
  if (server.kind === "moto") {
    const { S3Client, CreateBucketCommand } = await import("@aws-sdk/client-s3");
    const client = new S3Client({ endpoint: server.endpoint, region: "us-east-1", forcePathStyle: true, credentials: server.credentials });
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    client.destroy();
  }
  const seed =
    server.kind === "s3rver"
      ? async (files: Record<string, Uint8Array>) => {
          // s3rver reports a common prefix only when an object sits directly below it: the tree
          // gets folder markers ("dir/" keys), which skyfs does not show as files.
          const { S3Client, PutObjectCommand } = await import("@aws-sdk/client-s3");
          const client = new S3Client({
            endpoint: server.endpoint,
            region: "us-east-1",
            forcePathStyle: true,
            credentials: server.credentials,
          });
          const markers = new Set<string>();
          for (const [key, data] of Object.entries(files)) {
            await fs.pipe(`${bucket}/contract/${key}`, data);
            const full = `contract/${key}`;
            for (let slash = full.indexOf("/"); slash >= 0; slash = full.indexOf("/", slash + 1)) markers.add(full.slice(0, slash + 1));
          }
          for (const Key of markers) await client.send(new PutObjectCommand({ Bucket: bucket, Key, Body: "" }));
          client.destroy();
        }
      : undefined;
  return {
    fs,
    seed,
    root: `${bucket}/contract`,
    pathOf: (key: string) => `${bucket}/contract/${key}`,
    teardown: async () => {
      await fs.close();
      await server.close();
    },
  };
}

describeContract("s3 (s3rver)", async () => target(await startS3rver(["contract-bucket"]), "contract-bucket"));

describe.skipIf(!available(import.meta.url, MOTO))("moto_server", () => {
  describeContract("s3 (moto_server)", async () => target(await startMoto(), "contract-bucket"));
});
