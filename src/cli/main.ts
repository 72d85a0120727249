#!/usr/bin/env node
/**
 * The `skyfs` executable: runs {@link runCli} on the process's arguments and streams, and ends
 * quietly when the reader of its output goes away (`skyfs find ... | head`).
 *
 * On Node 20 the AWS SDK prints an eight-line notice on its first use, saying that its releases
 * from January 2027 on need Node 22. The command stays quiet about it (the README's "Node
 * versions" says what it means); setting the SDK's variable to `false` brings the notice back.
 * @module
 */
import { isBrokenPipe } from "./failure.js";
import { runCli } from "./run.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error) => {
    if (isBrokenPipe(error)) process.exit(process.exitCode ?? 0);
    throw error;
  });
}
process.exitCode = await runCli(process.argv.slice(2));
