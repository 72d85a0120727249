/**
 * A scriptable HTTP server that plays hostile or careless behaviours on chosen paths, each on a
 * deterministic schedule: objects with or without ETag and Last-Modified that can be replaced
 * while open, redirects to other hosts, bodies that trickle or stall, malformed chunked
 * encoding, index pages in nginx and Apache formats, and index pages of any size generated on
 * the fly. A folder asked for without its trailing slash is redirected to it, as web servers
 * do. Every request is recorded with its headers. Binds 127.0.0.1 on a free port.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One request as the server saw it. */
export interface HostileRequest {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
}

/** How an object describes itself. */
export interface ObjectValidators {
  /** ETag sent (none when absent). */
  etag?: string;
  /** Last-Modified sent (none when absent). */
  lastModified?: Date;
}

type Behaviour =
  | { kind: "object"; body: Uint8Array; validators: ObjectValidators }
  | { kind: "redirect"; location: string; status: number }
  | { kind: "trickle"; size: number; everyMs: number }
  | { kind: "stall"; size: number; sendFirst: number }
  | { kind: "malformed-chunked" }
  | { kind: "page"; html: string; contentType: string }
  | { kind: "huge-page"; bytes: number };

/** A running hostile server. */
export interface HostileServer {
  /** `http://127.0.0.1:<port>` */
  readonly baseUrl: string;
  /** Every request received, in order. */
  readonly requests: HostileRequest[];
  /** Bytes of bodies written so far (index pages and objects). */
  bytesWritten(): number;
  /** Serves `body` at `path` with Range support and the given validators (none by default). */
  object(path: string, body: Uint8Array, validators?: ObjectValidators): void;
  /** Answers `path` with a redirect to `location` (absolute or relative). */
  redirect(path: string, location: string, status?: number): void;
  /** Announces `size` bytes at `path`, then sends one byte every `everyMs` and never finishes. */
  trickle(path: string, size: number, everyMs: number): void;
  /** Announces `size` bytes at `path`, sends the first `sendFirst`, then nothing more. */
  stall(path: string, size: number, sendFirst: number): void;
  /** Answers `path` with a chunked HTML body whose second chunk size is not hexadecimal. */
  malformedChunked(path: string): void;
  /** Serves `html` at `path` (an index page). */
  page(path: string, html: string, contentType?: string): void;
  /** Serves a generated index page of `bytes` bytes at `path`, chunked (no length announced), streamed without holding it. */
  hugePage(path: string, bytes: number): void;
  /** Stops the server and every connection. */
  close(): Promise<void>;
}

/** Starts a hostile server. */
export async function startHostileServer(): Promise<HostileServer> {
  const behaviours = new Map<string, Behaviour>();
  const requests: HostileRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let written = 0;
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    requests.push({ method: req.method ?? "GET", path, headers: req.headers });
    const behaviour = behaviours.get(path);
    if (!behaviour && behaviours.has(`${path}/`)) {
      res.writeHead(301, { location: `${path}/`, "content-length": 0 }).end();
      return;
    }
    if (!behaviour) {
      res.writeHead(404).end();
      return;
    }
    const count = (bytes: number): void => {
      written += bytes;
    };
    play(behaviour, req, res, timers, count);
  });
  server.keepAliveTimeout = 2000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  server.unref();
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    bytesWritten: () => written,
    object: (path, body, validators = {}) => behaviours.set(path, { kind: "object", body, validators }),
    redirect: (path, location, status = 302) => behaviours.set(path, { kind: "redirect", location, status }),
    trickle: (path, size, everyMs) => behaviours.set(path, { kind: "trickle", size, everyMs }),
    stall: (path, size, sendFirst) => behaviours.set(path, { kind: "stall", size, sendFirst }),
    malformedChunked: (path) => behaviours.set(path, { kind: "malformed-chunked" }),
    page: (path, html, contentType = "text/html; charset=utf-8") => behaviours.set(path, { kind: "page", html, contentType }),
    hugePage: (path, bytes) => behaviours.set(path, { kind: "huge-page", bytes }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearInterval(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function play(
  behaviour: Behaviour,
  req: IncomingMessage,
  res: ServerResponse,
  timers: Set<NodeJS.Timeout>,
  count: (n: number) => void,
): void {
  switch (behaviour.kind) {
    case "object":
      serveObject(behaviour.body, behaviour.validators, req, res, count);
      return;
    case "redirect":
      res.writeHead(behaviour.status, { location: behaviour.location, "content-length": 0 }).end();
      return;
    case "trickle": {
      res.writeHead(200, { "content-length": behaviour.size, "content-type": "application/octet-stream" });
      let sent = 0;
      const timer = setInterval(() => {
        if (sent < behaviour.size - 1) {
          res.write(Uint8Array.of(sent & 0xff));
          sent++;
          count(1);
        }
      }, behaviour.everyMs);
      timers.add(timer);
      res.on("close", () => {
        clearInterval(timer);
        timers.delete(timer);
      });
      return;
    }
    case "stall":
      res.writeHead(200, { "content-length": behaviour.size, "content-type": "application/octet-stream" });
      res.write(new Uint8Array(behaviour.sendFirst));
      count(behaviour.sendFirst);
      return;
    case "malformed-chunked": {
      const socket = req.socket;
      socket.write(
        "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ntransfer-encoding: chunked\r\n\r\n" +
          '1a\r\n<html><a href="a.fits">a</a>\r\nZZ\r\nnot a chunk\r\n0\r\n\r\n',
      );
      socket.end();
      return;
    }
    case "page":
      res.writeHead(200, { "content-type": behaviour.contentType, "content-length": Buffer.byteLength(behaviour.html) });
      res.end(req.method === "HEAD" ? undefined : behaviour.html);
      count(Buffer.byteLength(behaviour.html));
      return;
    case "huge-page":
      streamHugePage(behaviour.bytes, res, count);
      return;
  }
}

function serveObject(
  body: Uint8Array,
  validators: ObjectValidators,
  req: IncomingMessage,
  res: ServerResponse,
  count: (n: number) => void,
): void {
  const headers: Record<string, string | number> = { "accept-ranges": "bytes", "content-type": "application/octet-stream" };
  if (validators.etag) headers.etag = validators.etag;
  if (validators.lastModified) headers["last-modified"] = validators.lastModified.toUTCString();
  const ifMatch = req.headers["if-match"];
  if (ifMatch && validators.etag && ifMatch !== validators.etag) {
    res.writeHead(412).end();
    return;
  }
  const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? "");
  if (range) {
    const start = Number(range[1]);
    const end = Math.min(Number(range[2]), body.length - 1);
    if (start >= body.length) {
      res.writeHead(416, { "content-range": `bytes */${body.length}` }).end();
      return;
    }
    res.writeHead(206, { ...headers, "content-range": `bytes ${start}-${end}/${body.length}`, "content-length": end - start + 1 });
    if (req.method === "HEAD") return void res.end();
    count(end - start + 1);
    res.end(body.subarray(start, end + 1));
    return;
  }
  res.writeHead(200, { ...headers, "content-length": body.length });
  if (req.method === "HEAD") return void res.end();
  count(body.length);
  res.end(body);
}

/** Writes an index page of `bytes` bytes, links in pieces of about 64 KiB, honouring back-pressure. */
function streamHugePage(bytes: number, res: ServerResponse, count: (n: number) => void): void {
  res.writeHead(200, { "content-type": "text/html" });
  let sent = 0;
  let line = 0;
  const pump = (): void => {
    while (sent < bytes) {
      let text = "";
      while (text.length < 65_536) text += `<a href="file-${line}.fits">file-${line++}.fits</a>\n`;
      text = text.slice(0, bytes - sent);
      sent += text.length;
      count(text.length);
      if (!res.write(text)) {
        res.once("drain", pump);
        return;
      }
    }
    res.end();
  };
  res.on("close", () => {
    sent = bytes;
  });
  pump();
}
