import { BlobServiceClient } from "@azure/storage-blob";
import { filesystem } from "../../src/index.js";
import { AZURITE_ACCOUNT, AZURITE_KEY, startAzurite } from "../servers/azurite.js";
import { describeContract } from "./suite.js";

describeContract("azure (azurite)", async () => {
  const server = await startAzurite();
  await BlobServiceClient.fromConnectionString(server.connectionString).getContainerClient("contract").create();
  const fs = filesystem("az", { endpoint: server.endpoint, account: AZURITE_ACCOUNT, accountKey: AZURITE_KEY, pageSize: 3 });
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
