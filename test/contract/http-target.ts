/** The contract suite's target on the test HTTP server, shared by the undici and fetch runs. */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { filesystem, type HttpTransport } from "../../src/index.js";
import { startHttpServer } from "../servers/http-server.js";
import type { ContractTarget } from "./suite.js";

/** Percent-encodes what a URL path cannot hold as is, keeping glob characters. */
export function encodeKey(key: string): string {
  return [...key].map((char) => (/[A-Za-z0-9\-._~/*?[\]!]/.test(char) ? char : encodeURIComponent(char))).join("");
}

/** The contract's target on the test HTTP server, over the default transport or `transport`. */
export async function httpContractTarget(transport?: HttpTransport): Promise<ContractTarget> {
  const folder = await mkdtemp(join(tmpdir(), "skyfs-http-"));
  const server = await startHttpServer(folder);
  const fs = transport ? filesystem("http", { transport, instance: "private" }) : filesystem("http");
  const root = `${server.baseUrl}/contract`;
  return {
    fs,
    root,
    pathOf: (key) => `${root}/${encodeKey(key)}`,
    readOnly: true,
    seed: async (files) => {
      for (const [key, data] of Object.entries(files)) {
        const file = join(folder, "contract", key);
        await mkdir(dirname(file), { recursive: true });
        await writeFile(file, data);
      }
    },
    teardown: async () => {
      await fs.close();
      await server.close();
      await rm(folder, { recursive: true, force: true });
    },
  };
}
