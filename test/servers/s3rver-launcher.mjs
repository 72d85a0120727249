// Runs s3rver on 127.0.0.1 in its own process (it needs --openssl-legacy-provider for its
// pagination tokens). Usage: node --openssl-legacy-provider s3rver-launcher.mjs <dir>
// Prints {"port": N} once listening; when its standard input closes (the test process ended or
// let it go) it stops and removes <dir>.
import { rmSync } from "node:fs";
import S3rver from "s3rver";

const [directory] = process.argv.slice(2);
const server = new S3rver({ address: "127.0.0.1", port: 0, directory, silent: true });
const { port } = await server.run();
process.stdout.write(`${JSON.stringify({ port })}\n`);
process.stdin.on("end", async () => {
  await server.close();
  rmSync(directory, { recursive: true, force: true });
  process.exit(0);
});
process.stdin.resume();
