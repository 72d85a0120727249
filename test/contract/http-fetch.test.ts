/**
 * The HTTP backend on the `fetch` transport (what a browser uses), run through the whole
 * contract against the same server as the undici transport.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { FetchTransport, filesystem } from "../../src/index.js";
import { startHttpServer } from "../servers/http-server.js";
import { encodeKey } from "./http.test.js";
import { describeContract } from "./suite.js";

describeContract("http over fetch", async () => {
  const folder = await mkdtemp(join(tmpdir(), "skyfs-http-fetch-"));
  const server = await startHttpServer(folder);
  const fs = filesystem("http", { transport: new FetchTransport({ connections: 16, timeout: 30_000 }), instance: "private" });
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
});
