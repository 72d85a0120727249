/**
 * A fault-injecting HTTP proxy for tests: forwards requests to an upstream server and answers
 * a chosen share of them with a fault instead: 503, 429, a reset connection, a body cut short, or
 * a delay; with rate 0 it is a recording proxy. Binds 127.0.0.1; faults are drawn from a seeded
 * generator so runs repeat.
 */
import { createServer, type IncomingMessage, request, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** The faults the proxy can inject. */
export type Fault = "503" | "429" | "reset" | "cut" | "delay";

/** Settings of the proxy. */
export interface FaultProxyOptions {
  /** Share of requests that get a fault, 0..1. */
  rate: number;
  /** Faults to draw from (default: all). */
  faults?: Fault[];
  /** Delay of the `delay` fault in ms (default 300). */
  delayMs?: number;
  /** Seed of the generator (default 1). */
  seed?: number;
}

/** A running proxy. */
export interface FaultProxy {
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  /** Faults injected so far, by kind. */
  injected: Record<Fault, number>;
  /** Requests forwarded untouched. */
  forwarded: () => number;
  /** Every request received: method, URL and headers, in order. */
  seen: Array<{ method: string; url: string; headers: IncomingMessage["headers"] }>;
  /** Settings, changeable while running. */
  options: FaultProxyOptions;
  /** Stops the proxy. */
  close: () => Promise<void>;
}

/** Starts a proxy in front of `upstream` (`http://127.0.0.1:port`). */
export async function startFaultProxy(upstream: string, options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(upstream);
  const injected: Record<Fault, number> = { "503": 0, "429": 0, reset: 0, cut: 0, delay: 0 };
  let forwarded = 0;
  const seen: FaultProxy["seen"] = [];
  let state = options.seed ?? 1;
  const random = (): number => {
    state = (state * 48271) % 2147483647;
    return state / 2147483647;
  };
  const server = createServer((req, res) => {
    seen.push({ method: req.method ?? "GET", url: req.url ?? "/", headers: req.headers });
    const faults = options.faults ?? ["503", "429", "reset", "cut", "delay"];
    const fault = random() < options.rate ? faults[Math.floor(random() * faults.length)] : undefined;
    if (fault) injected[fault]++;
    else forwarded++;
    if (fault === "503" || fault === "429") {
      req.resume();
      res.writeHead(Number(fault), { "retry-after": "0" }).end();
      return;
    }
    if (fault === "reset") {
      req.socket.destroy();
      return;
    }
    const go = (): void => forward(target, req, res, fault === "cut");
    if (fault === "delay") setTimeout(go, options.delayMs ?? 300);
    else go();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  server.unref();
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    injected,
    forwarded: () => forwarded,
    seen,
    options,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function forward(target: URL, req: IncomingMessage, res: ServerResponse, cutShort: boolean): void {
  const upstream = request(
    { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
    (reply) => {
      res.writeHead(reply.statusCode ?? 502, reply.headers);
      const length = Number(reply.headers["content-length"] ?? 0);
      if (!cutShort || length < 2) {
        reply.pipe(res);
        return;
      }
      let sent = 0;
      reply.on("data", (chunk: Buffer) => {
        const room = Math.floor(length / 2) - sent;
        if (room > 0) res.write(chunk.subarray(0, room));
        sent += chunk.length;
        if (sent >= length / 2) {
          reply.destroy();
          res.destroy();
        }
      });
    },
  );
  upstream.on("error", () => res.destroy());
  req.pipe(upstream);
}
