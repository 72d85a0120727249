/**
 * S3 servers for tests, each in its own process on 127.0.0.1: s3rver (always, from npm) and
 * moto_server (when it is on PATH).
 *
 * A test process starts each server once, on first use, and its test files share it (see
 * vitest.config.ts: the files of a worker run one after another in one process). Each handle
 * stays independent: an s3rver handle owns the buckets it asked for and removes them with their
 * objects when closed; moto forgets everything when its last handle closes. The servers stop
 * with the test process, however it ends: each watches its standard input, which the operating
 * system closes when the test process goes away.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** A running S3 test server. */
export interface S3TestServer {
  /** Which implementation. */
  kind: "s3rver" | "moto";
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  /** Credentials it accepts. */
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Gives the server back: removes what this handle made (see the module's description). */
  close: () => Promise<void>;
}

const here = dirname(fileURLToPath(import.meta.url));
const S3RVER_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
const MOTO_CREDENTIALS = { accessKeyId: "testing", secretAccessKey: "testing" };

/** Waits until `child` exits, failing with what it said. */
function exited(child: ChildProcess, name: string): Promise<never> {
  return new Promise((_, reject) => {
    child.once("error", (error) => reject(new Error(`${name} did not start: ${error.message}`)));
    child.once("exit", (code) => reject(new Error(`${name} exited with ${code}`)));
  });
}

async function launchS3rver(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), "skyfs-s3rver-"));
  const child = spawn(process.execPath, ["--openssl-legacy-provider", join(here, "s3rver-launcher.mjs"), directory], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  child.unref();
  const port = await Promise.race([
    new Promise<number>((resolve) => {
      let text = "";
      child.stdout?.on("data", (chunk: Buffer) => {
        text += chunk.toString();
        const line = text.split("\n").find((candidate) => candidate.startsWith("{"));
        if (line) resolve((JSON.parse(line) as { port: number }).port);
      });
    }),
    exited(child, "s3rver"),
  ]);
  for (const stream of [child.stdin, child.stdout]) (stream as unknown as { unref?: () => void } | null)?.unref?.();
  return `http://127.0.0.1:${port}`;
}

let s3rver: Promise<string> | undefined;
const s3rverBuckets = new Set<string>();

async function s3Client(endpoint: string, credentials: S3TestServer["credentials"]) {
  const sdk = await import("@aws-sdk/client-s3");
  return { sdk, client: new sdk.S3Client({ endpoint, region: "us-east-1", forcePathStyle: true, credentials }) };
}

async function removeBuckets(endpoint: string, buckets: string[]): Promise<void> {
  const { sdk, client } = await s3Client(endpoint, S3RVER_CREDENTIALS);
  try {
    for (const Bucket of buckets) {
      for (;;) {
        const { Contents = [] } = await client.send(new sdk.ListObjectsV2Command({ Bucket }));
        if (Contents.length === 0) break;
        await client.send(new sdk.DeleteObjectsCommand({ Bucket, Delete: { Objects: Contents.map(({ Key }) => ({ Key })) } }));
      }
      await client.send(new sdk.DeleteBucketCommand({ Bucket }));
    }
  } finally {
    client.destroy();
  }
}

/** s3rver with the given buckets, which must not be in use by another open handle. */
export async function startS3rver(buckets: string[]): Promise<S3TestServer> {
  const taken = buckets.filter((bucket) => s3rverBuckets.has(bucket));
  if (taken.length > 0) throw new Error(`s3rver buckets already in use by an open handle: ${taken.join(", ")}`);
  for (const bucket of buckets) s3rverBuckets.add(bucket);
  s3rver ??= launchS3rver().catch((error: unknown) => {
    s3rver = undefined;
    throw error;
  });
  let closed = false;
  const release = (): void => {
    closed = true;
    for (const bucket of buckets) s3rverBuckets.delete(bucket);
  };
  try {
    const endpoint = await s3rver;
    const { sdk, client } = await s3Client(endpoint, S3RVER_CREDENTIALS);
    for (const Bucket of buckets) await client.send(new sdk.CreateBucketCommand({ Bucket }));
    client.destroy();
    return {
      kind: "s3rver",
      endpoint,
      credentials: S3RVER_CREDENTIALS,
      close: async () => {
        if (closed) return;
        await removeBuckets(endpoint, buckets);
        release();
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}

/** Whether moto_server is on PATH. */
export function hasMoto(): boolean {
  return spawnSync("sh", ["-c", "command -v moto_server"], { stdio: "ignore" }).status === 0;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function launchMoto(): Promise<string> {
  const port = await freePort();
  // The shell keeps the standard input (fd 3) for a watcher that stops moto when it closes, then
  // becomes moto_server itself.
  const script = 'exec 3<&0; { cat <&3 >/dev/null; kill "$$"; } & exec moto_server -H 127.0.0.1 -p "$0" </dev/null >/dev/null 2>&1';
  const child = spawn("sh", ["-c", script, String(port)], { stdio: ["pipe", "ignore", "ignore"] });
  child.unref();
  (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  const endpoint = `http://127.0.0.1:${port}`;
  const failed = exited(child, "moto_server");
  failed.catch(() => undefined);
  // Polls until it answers or exits, however long a busy machine takes to start it.
  for (;;) {
    try {
      const reply = await fetch(`${endpoint}/moto-api/`);
      await reply.arrayBuffer();
      return endpoint;
    } catch {
      await Promise.race([new Promise((resolve) => setTimeout(resolve, 100)), failed]);
    }
  }
}

let moto: Promise<string> | undefined;
let motoHandles = 0;

/** moto_server; create buckets with the SDK. */
export async function startMoto(): Promise<S3TestServer> {
  moto ??= launchMoto().catch((error: unknown) => {
    moto = undefined;
    throw error;
  });
  const endpoint = await moto;
  motoHandles++;
  let closed = false;
  return {
    kind: "moto",
    endpoint,
    credentials: MOTO_CREDENTIALS,
    close: async () => {
      if (closed) return;
      closed = true;
      motoHandles--;
      if (motoHandles === 0) await (await fetch(`${endpoint}/moto-api/reset`, { method: "POST" })).arrayBuffer();
    },
  };
}
