import { filesystem } from "../../src/index.js";
import { startGcsFake } from "../servers/gcs-fake.js";
import { describeContract } from "./suite.js";

describeContract("gcs (JSON API test server)", async () => {
  const server = await startGcsFake();
  server.createBucket("contract");
  const fs = filesystem("gs", { apiEndpoint: server.endpoint, projectId: "test", pageSize: 3 });
  return {
    fs,
    root: "contract/tree",
    pathOf: (key: string) => `contract/tree/${key}`,
    teardown: async () => {
      await fs.close();
      await server.close();
    },
  };
});
