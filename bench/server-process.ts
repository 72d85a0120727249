/**
 * The benchmark's server process: an HTTP server with Range support for a folder, and a latency
 * proxy in front of it. Started with `fork`; answers `{cmd: "counts" | "reset"}` messages and
 * exits when its parent goes away.
 */
import { startHttpServer } from "../test/servers/http-server.js";
import { startLatencyProxy } from "./latency-proxy.js";

const [root, latency] = process.argv.slice(2);
const server = await startHttpServer(root as string);
const directPort = Number(new URL(server.baseUrl).port);
const proxy = await startLatencyProxy(directPort, Number(latency ?? 20));
const direct = await startLatencyProxy(directPort, 0);

process.on("message", (message: { cmd: string; id: number }) => {
  if (message.cmd === "reset") {
    proxy.reset();
    direct.reset();
    process.send?.({ id: message.id, ok: true });
  } else if (message.cmd === "counts") {
    const a = proxy.counts();
    const b = direct.counts();
    process.send?.({
      id: message.id,
      counts: { requests: a.requests + b.requests, bytes: a.bytes + b.bytes, connections: a.connections + b.connections },
    });
  }
});
process.on("disconnect", () => process.exit(0));
process.send?.({ ready: true, raw: server.baseUrl, direct: `http://127.0.0.1:${direct.port}`, proxied: `http://127.0.0.1:${proxy.port}` });
