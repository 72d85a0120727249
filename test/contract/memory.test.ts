import { createMemoryStore, filesystem } from "../../src/index.js";
import { describeContract } from "./suite.js";

describeContract("memory", async () => {
  const fs = filesystem("memory", { store: createMemoryStore() });
  return { fs, root: "bucket/root", pathOf: (key) => `bucket/root/${key}`, teardown: async () => undefined };
});
