/**
 * A fault-injecting HTTP proxy for tests: forwards requests to an upstream server, or answers
 * one with a fault instead, as a {@link FaultSchedule} decides. The schedule sees each request's
 * identity (method, URL, Range) and how many times the same request came before, never the time
 * or the order of arrival, so a test knows in advance which attempt of which request fails and
 * can assert exact counts however fast or slow the machine is. No faults scheduled: a recording
 * proxy. Binds 127.0.0.1.
 */
import { createServer, type IncomingMessage, request, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * The faults the proxy can inject:
 * - `503`, `429`: that status, with `Retry-After: 0`;
 * - `reset`: the connection is closed without an answer;
 * - `cut`: the headers and half the body, then the connection is closed (an answer without at
 *   least two bytes of body, such as one to `HEAD`, is closed before its headers);
 * - `stall`: the headers and half the body, then nothing until the client gives up (without a
 *   body to halve: nothing at all);
 * - `hang`: no answer at all until the client gives up;
 * - `delay`: the right answer, {@link FaultProxyOptions.delayMs} late (a latency, not a failure:
 *   keep it far below any timeout of the client).
 */
export type Fault = "503" | "429" | "reset" | "cut" | "stall" | "hang" | "delay";

/** Every fault, in a fixed order. */
export const ALL_FAULTS: readonly Fault[] = ["503", "429", "reset", "cut", "stall", "hang", "delay"];

/** What a schedule knows of a request. */
export interface ScheduledRequest {
  /** `GET`, `HEAD`... */
  method: string;
  /** Path and query as received. */
  url: string;
  /** The `Range` header, if any. */
  range: string | undefined;
  /** How many times the same method, URL and range came before (0 the first time). */
  attempt: number;
}

/** Decides the fault of a request, or `undefined` to forward it. */
export type FaultSchedule = (request: ScheduledRequest) => Fault | undefined;

/** Settings of {@link seededSchedule}. */
export interface SeededScheduleOptions {
  /** Seed: another seed, other requests fail. */
  seed: number;
  /** Chance that an attempt of a request fails, 0..1. */
  rate: number;
  /** Faults to choose from. */
  faults: readonly Fault[];
  /** Attempts of one request that may fail in a row; later attempts pass (default 2). */
  maxFaultsInARow?: number;
  /** Requests the schedule applies to (default: all). */
  applies?: (request: ScheduledRequest) => boolean;
}

/**
 * A schedule where each attempt of each request fails with chance `rate`, drawn from a hash of
 * the seed, the request's identity and the attempt number: the same on every run.
 */
export function seededSchedule(options: SeededScheduleOptions): FaultSchedule {
  const maxInARow = options.maxFaultsInARow ?? 2;
  return (request) => {
    if (request.attempt >= maxInARow || options.applies?.(request) === false) return undefined;
    const key = `${options.seed}|${request.method} ${request.url} ${request.range ?? ""}|${request.attempt}`;
    const chance = hash32(`${key}|chance`) / 2 ** 32;
    if (chance >= options.rate) return undefined;
    return options.faults[hash32(`${key}|kind`) % options.faults.length];
  };
}

/** FNV-1a with a final avalanche: a well-spread 32-bit hash of a string. */
function hash32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return (hash ^ (hash >>> 16)) >>> 0;
}

/** Settings of the proxy. */
export interface FaultProxyOptions {
  /** Which requests fail and how (default: none, a recording proxy). */
  schedule?: FaultSchedule;
  /** Lateness of the `delay` fault in ms (default 20). */
  delayMs?: number;
}

/** One request as the proxy received it, with the fault it got. */
export interface ProxiedRequest extends ScheduledRequest {
  /** All headers. */
  headers: IncomingMessage["headers"];
  /** The fault injected, if any. */
  fault: Fault | undefined;
}

/** A running proxy. */
export interface FaultProxy {
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  /** Faults injected so far, by kind. */
  injected: Record<Fault, number>;
  /** Requests forwarded untouched (a `delay` is forwarded late, and counted as injected). */
  forwarded: () => number;
  /** Every request received, in order of arrival (tests may empty it). */
  seen: ProxiedRequest[];
  /** The schedule in force; assigning a new one does not reset the attempt counts. */
  schedule: FaultSchedule | undefined;
  /** Forgets attempt counts, tallies and the log, and puts `schedule` in force. */
  reset: (schedule?: FaultSchedule) => void;
  /** Resolves once `count` requests in all have arrived since the start or the last reset. */
  received: (count: number) => Promise<void>;
  /** Stops the proxy, closing every connection. */
  close: () => Promise<void>;
}

/** Starts a proxy in front of `upstream` (`http://127.0.0.1:port`). */
export async function startFaultProxy(upstream: string, options: FaultProxyOptions = {}): Promise<FaultProxy> {
  const target = new URL(upstream);
  const attempts = new Map<string, number>();
  let arrivals = 0;
  let forwarded = 0;
  const waiting: Array<{ count: number; resolve: () => void }> = [];
  const proxy: FaultProxy = {
    baseUrl: "",
    injected: emptyTally(),
    forwarded: () => forwarded,
    seen: [],
    schedule: options.schedule,
    reset(schedule) {
      attempts.clear();
      arrivals = 0;
      forwarded = 0;
      proxy.injected = emptyTally();
      proxy.seen.length = 0;
      proxy.schedule = schedule;
    },
    received: (count) => (arrivals >= count ? Promise.resolve() : new Promise<void>((resolve) => waiting.push({ count, resolve }))),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server = createServer((req, res) => {
    const method = req.method ?? "GET";
    const url = req.url ?? "/";
    const range = req.headers.range;
    const key = `${method} ${url} ${range ?? ""}`;
    const attempt = attempts.get(key) ?? 0;
    attempts.set(key, attempt + 1);
    const fault = proxy.schedule?.({ method, url, range, attempt });
    proxy.seen.push({ method, url, range, attempt, headers: req.headers, fault });
    if (fault) proxy.injected[fault]++;
    else forwarded++;
    arrivals++;
    for (const waiter of waiting.filter((entry) => arrivals >= entry.count)) {
      waiting.splice(waiting.indexOf(waiter), 1);
      waiter.resolve();
    }
    answer(target, req, res, fault, options.delayMs ?? 20);
  });
  // Idle connections stay open until the client closes them, so that a client never sends a
  // request on a connection the proxy is closing at the same moment (a reset nobody scheduled).
  server.keepAliveTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  server.unref();
  proxy.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}

function emptyTally(): Record<Fault, number> {
  return { "503": 0, "429": 0, reset: 0, cut: 0, stall: 0, hang: 0, delay: 0 };
}

function answer(target: URL, req: IncomingMessage, res: ServerResponse, fault: Fault | undefined, delayMs: number): void {
  switch (fault) {
    case "503":
    case "429":
      req.resume();
      res.writeHead(Number(fault), { "retry-after": "0", "content-length": "0" }).end();
      return;
    case "reset":
      req.socket.destroy();
      return;
    case "hang":
      req.resume();
      return;
    case "delay":
      setTimeout(() => forward(target, req, res, undefined), delayMs);
      return;
    default:
      forward(target, req, res, fault);
  }
}

/** Forwards a request on a connection of its own; `cut` and `stall` send half the body. */
function forward(target: URL, req: IncomingMessage, res: ServerResponse, fault: "cut" | "stall" | undefined): void {
  if (res.destroyed) return;
  const upstream = request(
    {
      host: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: target.host, connection: "close" },
      agent: false,
    },
    (reply) => {
      const length = req.method === "HEAD" ? 0 : Number(reply.headers["content-length"] ?? 0);
      if (fault && length < 2) {
        reply.destroy();
        if (fault === "cut") res.destroy();
        return;
      }
      res.writeHead(reply.statusCode ?? 502, reply.headers);
      if (!fault) {
        reply.pipe(res);
        return;
      }
      const half = Math.floor(length / 2);
      let sent = 0;
      reply.on("data", (chunk: Buffer) => {
        if (sent >= half) return;
        res.write(chunk.subarray(0, half - sent));
        sent += Math.min(chunk.length, half - sent);
        if (sent < half) return;
        reply.destroy();
        if (fault === "cut") res.destroy();
      });
    },
  );
  upstream.on("error", () => res.destroy());
  res.on("close", () => upstream.destroy());
  req.pipe(upstream);
}
