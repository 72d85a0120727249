/**
 * Starts azurite's blob service on 127.0.0.1 in a temporary folder, in its own process, for the
 * Azure tests.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** azurite's well-known development account. */
export const AZURITE_ACCOUNT = "devstoreaccount1";
/** Its key. */
export const AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

/** A running azurite. */
export interface Azurite {
  /** The blob endpoint, `http://127.0.0.1:<port>/devstoreaccount1`. */
  endpoint: string;
  /** A connection string for the account. */
  connectionString: string;
  /** Stops it and removes its files. */
  close: () => Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** Starts azurite's blob service. */
export async function startAzurite(): Promise<Azurite> {
  const folder = await mkdtemp(join(tmpdir(), "skyfs-azurite-"));
  const port = await freePort();
  const bin = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "node_modules", ".bin", "azurite-blob");
  const child: ChildProcess = spawn(
    bin,
    ["--blobHost", "127.0.0.1", "--blobPort", String(port), "--location", folder, "--skipApiVersionCheck", "--loose", "--disableTelemetry"],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const onExit = (): void => {
    if (child.exitCode === null) child.kill("SIGKILL");
  };
  process.once("exit", onExit);
  const kill = (): void => {
    process.off("exit", onExit);
    onExit();
  };
  await new Promise<void>((resolve, reject) => {
    let text = "";
    const onData = (chunk: Buffer): void => {
      text += chunk.toString();
      if (/successfully listen/i.test(text)) resolve();
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`azurite exited with ${code}: ${text}`)));
  });
  const endpoint = `http://127.0.0.1:${port}/${AZURITE_ACCOUNT}`;
  return {
    endpoint,
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};BlobEndpoint=${endpoint};`,
    close: async () => {
      kill();
      await rm(folder, { recursive: true, force: true });
    },
  };
}
