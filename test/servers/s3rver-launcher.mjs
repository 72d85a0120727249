// Runs s3rver on 127.0.0.1 in its own process (it needs --openssl-legacy-provider for its
// pagination tokens). Usage: node --openssl-legacy-provider s3rver-launcher.mjs <dir> <bucket>...
// Prints {"port": N} once listening; exits when its standard input closes.
import S3rver from "s3rver";

const [directory, ...buckets] = process.argv.slice(2);
const server = new S3rver({
  address: "127.0.0.1",
  port: 0,
  directory,
  silent: true,
  configureBuckets: buckets.map((name) => ({ name })),
});
const { port } = await server.run();
process.stdout.write(`${JSON.stringify({ port })}\n`);
process.stdin.on("end", () => server.close().then(() => process.exit(0)));
process.stdin.resume();
