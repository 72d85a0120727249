/**
 * A TCP proxy that adds a fixed delay to everything the client sends (so each request pays one
 * extra round trip of `latencyMs`), and counts requests and the bytes the server sends back.
 */
import { connect, createServer, type Server, type Socket } from "node:net";

/** Counters of a {@link LatencyProxy}. */
export interface ProxyCounts {
  /** HTTP requests seen (request lines in the client's stream). */
  requests: number;
  /** Bytes sent by the server to the clients. */
  bytes: number;
  /** TCP connections opened. */
  connections: number;
}

/** A running proxy. */
export interface LatencyProxy {
  /** Port on 127.0.0.1. */
  port: number;
  /** Counters since start or the last reset. */
  counts: () => ProxyCounts;
  /** Sets the counters to zero. */
  reset: () => void;
  /** Stops the proxy and drops its connections. */
  close: () => Promise<void>;
}

const REQUEST_LINE = /(?:^|\r\n)(?:GET|HEAD|PUT|POST|DELETE) \S+ HTTP\/1\.[01]\r\n/g;

/** Starts a proxy on 127.0.0.1 in front of `127.0.0.1:upstreamPort`. */
export async function startLatencyProxy(upstreamPort: number, latencyMs: number): Promise<LatencyProxy> {
  const counts: ProxyCounts = { requests: 0, bytes: 0, connections: 0 };
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    counts.connections++;
    const upstream = connect(upstreamPort, "127.0.0.1");
    sockets.add(client);
    sockets.add(upstream);
    client.on("data", (chunk: Buffer) => {
      counts.requests += chunk.toString("latin1").match(REQUEST_LINE)?.length ?? 0;
      const send = (): void => {
        if (!upstream.destroyed) upstream.write(chunk);
      };
      if (latencyMs > 0) setTimeout(send, latencyMs);
      else send();
    });
    upstream.on("data", (chunk: Buffer) => {
      counts.bytes += chunk.length;
      if (!client.destroyed && !client.write(chunk)) {
        upstream.pause();
        client.once("drain", () => upstream.resume());
      }
    });
    const closeBoth = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("close", () => setTimeout(closeBoth, latencyMs));
    upstream.on("close", closeBoth);
    client.on("error", closeBoth);
    upstream.on("error", closeBoth);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the proxy has no port");
  return {
    port: address.port,
    counts: () => ({ ...counts }),
    reset: () => {
      counts.requests = 0;
      counts.bytes = 0;
      counts.connections = 0;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
