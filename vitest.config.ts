import { availableParallelism } from "node:os";
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
    // The files of one worker process share its loaded modules instead of loading the sources,
    // the SDKs and the test servers' code again for every file; test/setup/shared-worker.ts
    // gives each file new shared filesystems. A test file that changes process-wide state
    // (environment variables, registered schemes, timers, spies) restores it before it ends.
    isolate: false,
    // One worker per core (vitest's default leaves one core to its main process, which with
    // shared modules has little to do: on two cores that would run the files one at a time).
    maxWorkers: availableParallelism(),
    setupFiles: ["test/setup/shared-worker.ts"],
    reporters: ["default", "./test/summary-reporter.ts"],
  },
});
