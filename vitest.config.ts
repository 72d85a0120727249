import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Guards against hangs only: no test may depend on how fast the machine is, so these are
    // generous enough for a machine under heavy load.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    // The AWS SDK's notice that its releases from January 2027 need Node 22 (see the README's
    // "Node versions"); the CLI tests check that the command itself stays quiet about it.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    pool: "forks",
    reporters: ["default", "./test/summary-reporter.ts"],
  },
});
