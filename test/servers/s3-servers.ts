/**
 * S3 servers for tests, each in its own process on 127.0.0.1: s3rver (always, from npm) and
 * moto_server (when it is on PATH). Both stop with the test process.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
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
  /** Stops the server and removes its files. */
  close: () => Promise<void>;
}

const here = dirname(fileURLToPath(import.meta.url));

/** Kills `child` when this process exits, or earlier through the function returned. */
function stopWith(child: ChildProcess): () => void {
  const onExit = (): void => {
    if (child.exitCode === null) child.kill("SIGKILL");
  };
  process.once("exit", onExit);
  return () => {
    process.off("exit", onExit);
    onExit();
  };
}

/** Starts s3rver with the given buckets. */
export async function startS3rver(buckets: string[]): Promise<S3TestServer> {
  const directory = await mkdtemp(join(tmpdir(), "skyfs-s3rver-"));
  const child = spawn(process.execPath, ["--openssl-legacy-provider", join(here, "s3rver-launcher.mjs"), directory, ...buckets], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const kill = stopWith(child);
  const port = await new Promise<number>((resolve, reject) => {
    let text = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      const line = text.split("\n").find((candidate) => candidate.startsWith("{"));
      if (line) resolve((JSON.parse(line) as { port: number }).port);
    });
    child.once("exit", (code) => reject(new Error(`s3rver exited with ${code}`)));
  });
  return {
    kind: "s3rver",
    endpoint: `http://127.0.0.1:${port}`,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    close: async () => {
      child.stdin?.end();
      kill();
      await rm(directory, { recursive: true, force: true });
    },
  };
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

/** Starts moto_server; create buckets with the SDK. */
export async function startMoto(): Promise<S3TestServer> {
  const port = await freePort();
  const child = spawn("moto_server", ["-H", "127.0.0.1", "-p", String(port)], { stdio: "ignore" });
  const kill = stopWith(child);
  let spawnError: Error | undefined;
  child.once("error", (error) => {
    spawnError = error;
  });
  const endpoint = `http://127.0.0.1:${port}`;
  // Polls until it answers or exits, however long a busy machine takes to start it.
  for (;;) {
    try {
      const reply = await fetch(`${endpoint}/moto-api/`);
      await reply.arrayBuffer();
      break;
    } catch (error) {
      if (child.exitCode !== null || spawnError) {
        kill();
        throw new Error(`moto_server did not start: ${(spawnError ?? (error as Error)).message}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return { kind: "moto", endpoint, credentials: { accessKeyId: "testing", secretAccessKey: "testing" }, close: async () => kill() };
}
