/**
 * GCS over its JSON API on the `fetch` transport (the backend a browser uses for `gs://`), run
 * through the read side of the contract; the fixtures are written with `@google-cloud/storage`.
 */
import { FileSystem, filesystem, GcsJsonBackend } from "../../src/index.js";
import { startGcsFake } from "../servers/gcs-fake.js";
import { describeContract } from "./suite.js";

describeContract("gcs JSON API over fetch (test server)", async () => {
  const server = await startGcsFake();
  server.createBucket("contract");
  const writer = filesystem("gs", { apiEndpoint: server.endpoint, projectId: "test", instance: "private" });
  const fs = new FileSystem(new GcsJsonBackend({ apiEndpoint: server.endpoint }));
  return {
    fs,
    root: "contract/tree",
    pathOf: (key: string) => `contract/tree/${key}`,
    readOnly: true,
    seed: async (files) => {
      for (const [key, data] of Object.entries(files)) await writer.pipe(`contract/tree/${key}`, data);
    },
    teardown: async () => {
      await fs.close();
      await writer.close();
      await server.close();
    },
  };
});
