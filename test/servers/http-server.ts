/**
 * A real HTTP server for tests and benchmarks: serves a folder with HEAD, single and multiple
 * Range requests, ETags and If-Match, index pages for folders, and switches that imitate
 * less capable servers. Binds 127.0.0.1 on a free port.
 */
import { createReadStream } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";

/** Behaviour switches of the test server. */
export interface HttpServerOptions {
  /** Answer Range requests with 200 and the whole body. */
  ignoreRange?: boolean;
  /** Answer HEAD with 405. */
  refuseHead?: boolean;
  /** Require this `Authorization` header value (401 otherwise). */
  requireAuthorization?: string;
  /** Answer cross-origin requests from any page (CORS headers, preflights), as a bucket configured for web pages does. */
  cors?: boolean;
}

/** One request as the server saw it. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
}

/** A running test server. */
export interface TestHttpServer {
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  /** Every request received, in order. */
  requests: SeenRequest[];
  /** Bytes of bodies sent. */
  bytesSent: () => number;
  /** Resolves once every response begun so far has ended or lost its connection. */
  idle: () => Promise<void>;
  /** Switches, changeable while running. */
  options: HttpServerOptions;
  /** Stops the server. */
  close: () => Promise<void>;
}

/** Starts a server for `root` on 127.0.0.1. */
export async function startHttpServer(root: string, options: HttpServerOptions = {}): Promise<TestHttpServer> {
  const requests: SeenRequest[] = [];
  let sent = 0;
  const open = new Set<Promise<void>>();
  const server: Server = createServer((req, res) => {
    requests.push({ method: req.method ?? "GET", url: req.url ?? "/", headers: req.headers });
    const closed = new Promise<void>((resolve) => res.on("close", resolve));
    open.add(closed);
    void closed.then(() => open.delete(closed));
    handle(root, options, req, res, (bytes) => {
      sent += bytes;
    }).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  server.unref();
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    bytesSent: () => sent,
    idle: async () => {
      while (open.size > 0) await Promise.all(open);
    },
    options,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handle(
  root: string,
  options: HttpServerOptions,
  req: IncomingMessage,
  res: ServerResponse,
  count: (bytes: number) => void,
): Promise<void> {
  if (options.cors) {
    res.setHeader("access-control-allow-origin", "*");
    res.setHeader("access-control-expose-headers", "content-range, content-length, etag, last-modified, accept-ranges");
    if (req.method === "OPTIONS") {
      res.writeHead(204, {
        "access-control-allow-methods": "GET, HEAD",
        "access-control-allow-headers": "range, if-match, authorization",
        "access-control-max-age": "600",
      });
      res.end();
      return;
    }
  }
  if (options.requireAuthorization && req.headers.authorization !== options.requireAuthorization) {
    res.writeHead(401).end();
    return;
  }
  if (req.method === "HEAD" && options.refuseHead) {
    res.writeHead(405).end();
    return;
  }
  const urlPath = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
  if (urlPath.split("/").includes("..")) {
    res.writeHead(400).end();
    return;
  }
  const file = join(root, urlPath);
  const stats = await stat(file).catch(() => undefined);
  if (!stats) {
    res.writeHead(404).end();
    return;
  }
  if (stats.isDirectory()) {
    if (!urlPath.endsWith("/")) {
      res.writeHead(301, { location: `${encodePath(urlPath)}/` }).end();
      return;
    }
    const names = (await readdir(file, { withFileTypes: true })).map((entry) => entry.name + (entry.isDirectory() ? "/" : ""));
    const body = `<html><body><a href="../">Parent</a>${names.map((name) => `<a href="${encodePath(name)}">${name}</a>`).join("\n")}</body></html>`;
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-length": Buffer.byteLength(body) });
    res.end(req.method === "HEAD" ? undefined : body);
    return;
  }
  const size = stats.size;
  const etag = `"${stats.mtimeMs.toString(36)}-${size.toString(36)}"`;
  const type = file.endsWith(".html") ? "text/html; charset=utf-8" : file.endsWith(".js") ? "text/javascript" : "application/octet-stream";
  const common = { etag, "last-modified": stats.mtime.toUTCString(), "accept-ranges": "bytes", "content-type": type };
  const ifMatch = req.headers["if-match"];
  if (ifMatch && ifMatch !== etag && ifMatch !== "*") {
    res.writeHead(412).end();
    return;
  }
  const ranges = options.ignoreRange ? undefined : parseRanges(req.headers.range, size);
  if (ranges === "unsatisfiable") {
    res.writeHead(416, { "content-range": `bytes */${size}` }).end();
    return;
  }
  if (!ranges) {
    res.writeHead(200, { ...common, "content-length": size });
    if (req.method === "HEAD") return void res.end();
    await pipeFile(file, 0, size - 1, res, count);
    res.end();
    return;
  }
  if (ranges.length === 1) {
    const [start, end] = ranges[0]!;
    res.writeHead(206, { ...common, "content-range": `bytes ${start}-${end}/${size}`, "content-length": end - start + 1 });
    if (req.method === "HEAD") return void res.end();
    await pipeFile(file, start, end, res, count);
    res.end();
    return;
  }
  const boundary = `skyfs-${Math.random().toString(36).slice(2)}`;
  const parts = ranges.map(([start, end]) => ({
    head: `\r\n--${boundary}\r\ncontent-type: application/octet-stream\r\ncontent-range: bytes ${start}-${end}/${size}\r\n\r\n`,
    start,
    end,
  }));
  const tail = `\r\n--${boundary}--\r\n`;
  const length = parts.reduce((sum, part) => sum + Buffer.byteLength(part.head) + part.end - part.start + 1, 0) + Buffer.byteLength(tail);
  res.writeHead(206, { ...common, "content-type": `multipart/byteranges; boundary=${boundary}`, "content-length": length });
  if (req.method === "HEAD") return void res.end();
  for (const part of parts) {
    res.write(part.head);
    await pipeFile(file, part.start, part.end, res, count);
  }
  res.end(tail);
}

function parseRanges(header: string | undefined, size: number): Array<[number, number]> | "unsatisfiable" | undefined {
  if (!header) return undefined;
  const match = /^bytes=(.+)$/.exec(header.trim());
  if (!match) return undefined;
  const ranges: Array<[number, number]> = [];
  for (const spec of match[1]!.split(",")) {
    const part = /^\s*(\d*)-(\d*)\s*$/.exec(spec);
    if (!part) return undefined;
    if (part[1] === "") {
      const suffix = Number(part[2]);
      if (suffix === 0) continue;
      ranges.push([Math.max(0, size - suffix), size - 1]);
    } else {
      const start = Number(part[1]);
      const end = part[2] === "" ? size - 1 : Math.min(Number(part[2]), size - 1);
      if (start >= size || end < start) continue;
      ranges.push([start, end]);
    }
  }
  return ranges.length === 0 ? "unsatisfiable" : ranges;
}

function pipeFile(file: string, start: number, end: number, res: ServerResponse, count: (bytes: number) => void): Promise<void> {
  if (end < start) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const stream = createReadStream(file, { start, end, highWaterMark: 256 * 1024 });
    stream.on("data", (chunk) => {
      count(chunk.length);
      if (!res.write(chunk)) {
        stream.pause();
        res.once("drain", () => stream.resume());
      }
    });
    stream.on("end", resolve);
    stream.on("error", reject);
    res.on("close", () => {
      stream.destroy();
      resolve();
    });
  });
}

function encodePath(path: string): string {
  return path
    .split("/")
    .map((segment) => encodeURIComponent(segment))
    .join("/");
}
