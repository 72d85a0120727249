import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { filesystem } from "../../src/index.js";
import { describeContract } from "./suite.js";

describeContract("file", async () => {
  const root = await mkdtemp(join(tmpdir(), "skyfs-file-"));
  return {
    fs: filesystem("file"),
    root,
    pathOf: (key) => join(root, key),
    teardown: () => rm(root, { recursive: true, force: true }),
  };
});
