/**
 * The `http://` and `https://` backend on undici: HEAD for sizes (ranged GET when HEAD is
 * refused), Range reads checked against Content-Range, directory index pages for listings.
 * Read-only.
 * @module
 */
import { Agent, type Dispatcher, request } from "undici";
import type { AuthPlugin, HttpRequestParts } from "../core/auth.js";
import type { Backend, FileInfo, HeadRead, ReadRangeOptions } from "../core/backend.js";
import type { IoOptions } from "../core/byte-source.js";
import {
  AbortError,
  ConsistencyError,
  NotFoundError,
  NotSupportedError,
  PermissionError,
  ProtocolError,
  SkyfsError,
  TransientError,
} from "../core/errors.js";
import { parseIndexPage } from "./http-index.js";

/** Options of the HTTP backend. */
export interface HttpOptions {
  /** Headers sent with every request. */
  headers?: Record<string, string>;
  /** Adds credentials to every request (see `bearerAuth`, `basicAuth`, `headerAuth`). */
  auth?: AuthPlugin;
  /** Connections kept per origin (default 256, the filesystem's default of reads in flight per host). */
  connections?: number;
  /** Milliseconds to wait for response headers and between body chunks (default 30 000). */
  timeout?: number;
  /** An undici dispatcher to use instead of the backend's own agent. */
  dispatcher?: Dispatcher;
}

const MAX_REDIRECTS = 5;

interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData["body"];
  url: string;
}

/** The HTTP(S) backend. Paths are full URLs. */
export class HttpBackend implements Backend {
  readonly protocol: string;
  readonly directories = "prefix";
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;

  constructor(
    private readonly options: HttpOptions = {},
    protocol = "https",
  ) {
    this.protocol = protocol;
    const timeout = options.timeout ?? 30_000;
    this.ownsDispatcher = options.dispatcher === undefined;
    this.dispatcher =
      options.dispatcher ?? new Agent({ connections: options.connections ?? 256, headersTimeout: timeout, bodyTimeout: timeout });
  }

  stripProtocol(urlOrPath: string): string {
    return urlOrPath;
  }

  toUrl(path: string): string {
    return path;
  }

  localKey(relativeKey: string): string {
    return relativeKey
      .split("/")
      .map((segment) => {
        try {
          return decodeURIComponent(segment);
        } catch {
          return segment;
        }
      })
      .join("/");
  }

  async info(path: string, options: IoOptions = {}): Promise<FileInfo> {
    const head = await this.send("HEAD", path, {}, options);
    await head.body.dump();
    if (head.status < 300) {
      const size = headerNumber(head.headers["content-length"]);
      if (head.url.endsWith("/") || new URL(head.url).pathname === "/") return { name: path, type: "directory", size: 0 };
      if (size !== undefined && head.headers["content-encoding"] === undefined) return describe(path, size, head);
    } else if (![403, 405, 501].includes(head.status)) {
      throw this.errorFor(head.status, path);
    }
    const probe = await this.send("GET", path, { range: "bytes=0-0" }, options);
    await probe.body.dump();
    if (probe.status === 206) {
      const total = parseContentRange(header(probe.headers["content-range"]))?.total;
      if (total === undefined) throw new ProtocolError("a ranged reply lacks the total size in Content-Range", { url: path });
      return describe(path, total, probe);
    }
    if (probe.status === 416) return describe(path, 0, probe);
    if (probe.status === 200) {
      const size = headerNumber(probe.headers["content-length"]);
      if (size === undefined) throw new ProtocolError("the server gives no size for this URL", { url: path });
      return describe(path, size, probe);
    }
    throw this.errorFor(probe.status, path);
  }

  async readHead(path: string, length: number, options: IoOptions = {}): Promise<HeadRead> {
    const response = await this.send("GET", path, { range: `bytes=0-${Math.max(0, length - 1)}` }, options);
    if (response.status === 206) {
      const range = parseContentRange(header(response.headers["content-range"]));
      if (range?.total === undefined || range.start !== 0 || range.end >= range.total || range.end > length - 1) {
        await response.body.dump();
        throw new ProtocolError(`asked for bytes 0-${length - 1}, got ${header(response.headers["content-range"])}`, { url: path });
      }
      const head = await readExactly(response, range.end + 1, path);
      return { info: describe(path, range.total, response), head };
    }
    if (response.status === 416) {
      await response.body.dump();
      return { info: describe(path, 0, response), head: new Uint8Array(0) };
    }
    if (response.status === 200 && !new URL(response.url).pathname.endsWith("/")) {
      const size = headerNumber(response.headers["content-length"]);
      if (size !== undefined && response.headers["content-encoding"] === undefined) {
        const wanted = Math.min(size, length);
        if (wanted === 0) {
          await response.body.dump();
          return { info: describe(path, size, response), head: new Uint8Array(0) };
        }
        return { info: describe(path, size, response), head: await sliceOfFullBody(response, 0, wanted, path) };
      }
    }
    await response.body.dump();
    if (response.status < 300) return { info: await this.info(path, options), head: new Uint8Array(0) };
    throw this.errorFor(response.status, path);
  }

  async list(path: string, options: { recursive?: boolean; signal?: AbortSignal } = {}): Promise<FileInfo[]> {
    const base = path.endsWith("/") ? path : `${path}/`;
    const response = await this.send("GET", base, {}, options);
    if (response.status >= 300) {
      await response.body.dump();
      throw this.errorFor(response.status, base);
    }
    const contentType = header(response.headers["content-type"]) ?? "";
    if (!contentType.includes("html")) {
      await response.body.dump();
      const size = headerNumber(response.headers["content-length"]);
      return [{ name: path, type: "file", size: size ?? -1 }];
    }
    const links = parseIndexPage(await response.body.text(), response.url);
    const entries: FileInfo[] = links.map((link) =>
      link.endsWith("/") ? { name: link.slice(0, -1), type: "directory", size: 0 } : { name: link, type: "file", size: -1 },
    );
    if (!options.recursive) return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const nested = await Promise.all(entries.filter((entry) => entry.type === "directory").map((entry) => this.list(entry.name, options)));
    return [...entries.filter((entry) => entry.type === "file"), ...nested.flat()].sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
  }

  async readRange(path: string, offset: number, length: number, options: ReadRangeOptions = {}): Promise<Uint8Array> {
    const headers: Record<string, string> = { range: `bytes=${offset}-${offset + length - 1}` };
    if (options.ifMatch) headers["if-match"] = options.ifMatch;
    const response = await this.send("GET", path, headers, options);
    const etag = header(response.headers.etag);
    if (options.ifMatch && etag && etag !== options.ifMatch && response.status < 300) {
      await response.body.dump();
      throw new ConsistencyError("the object changed since it was opened", { url: path, code: "ETagMismatch" });
    }
    if (response.status === 206) {
      const range = parseContentRange(header(response.headers["content-range"]));
      if (!range || range.start !== offset || range.end !== offset + length - 1) {
        await response.body.dump();
        throw new ProtocolError(`asked for bytes ${offset}-${offset + length - 1}, got ${header(response.headers["content-range"])}`, {
          url: path,
        });
      }
      return readExactly(response, length, path);
    }
    if (response.status === 200) return sliceOfFullBody(response, offset, length, path);
    await response.body.dump();
    throw this.errorFor(response.status, path);
  }

  async write(path: string): Promise<void> {
    throw new NotSupportedError("plain HTTP servers are read-only", { url: path });
  }

  async deleteFiles(paths: readonly string[]): Promise<void> {
    throw new NotSupportedError("plain HTTP servers are read-only", { url: paths[0] });
  }

  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  private async send(method: "GET" | "HEAD", url: string, headers: Record<string, string>, options: IoOptions): Promise<HttpResponse> {
    let current = url;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const parts: HttpRequestParts = { method, url: current, headers: { ...lowerCase(this.options.headers), ...headers } };
      await this.options.auth?.authorize(parts);
      let response: Dispatcher.ResponseData;
      try {
        response = await request(parts.url, { method, headers: parts.headers, dispatcher: this.dispatcher, signal: options.signal });
      } catch (error) {
        throw networkError(error, url);
      }
      const location = header(response.headers.location);
      if ([301, 302, 303, 307, 308].includes(response.statusCode) && location) {
        await response.body.dump();
        current = new URL(location, current).href;
        continue;
      }
      return { status: response.statusCode, headers: response.headers, body: response.body, url: current };
    }
    throw new ProtocolError(`more than ${MAX_REDIRECTS} redirects`, { url });
  }

  private errorFor(status: number, url: string): SkyfsError {
    const options = { url, code: String(status) };
    if (status === 404 || status === 410) return new NotFoundError("no such object", options);
    if (status === 401 || status === 403) return new PermissionError(`access refused (HTTP ${status})`, options);
    if (status === 412) return new ConsistencyError("the object changed since it was opened", options);
    if (status === 408 || status === 429 || status >= 500)
      return new TransientError(`server answered HTTP ${status}`, { ...options, status });
    return new ProtocolError(`unexpected HTTP ${status}`, options);
  }
}

function describe(path: string, size: number, response: HttpResponse): FileInfo {
  const etag = header(response.headers.etag);
  const modified = header(response.headers["last-modified"]);
  const info: FileInfo = { name: path, type: "file", size };
  if (etag) info.etag = etag;
  if (modified) info.mtime = new Date(modified);
  return info;
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function headerNumber(value: string | string[] | undefined): number | undefined {
  const text = header(value);
  if (text === undefined || !/^\d+$/.test(text.trim())) return undefined;
  return Number(text);
}

function lowerCase(headers: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
}

/** Parses `bytes start-end/total` (total may be `*`). */
export function parseContentRange(value: string | undefined): { start: number; end: number; total: number | undefined } | undefined {
  const match = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(value?.trim() ?? "");
  if (!match) return undefined;
  return { start: Number(match[1]), end: Number(match[2]), total: match[3] === "*" ? undefined : Number(match[3]) };
}

function readExactly(response: HttpResponse, length: number, url: string): Promise<Uint8Array> {
  const result = new Uint8Array(length);
  let filled = 0;
  return new Promise((resolve, reject) => {
    const fail = (error: unknown): void => {
      response.body.destroy();
      reject(error instanceof SkyfsError ? error : networkError(error, url));
    };
    response.body.on("data", (chunk: Uint8Array) => {
      if (filled + chunk.length > length)
        return fail(new ProtocolError(`the server sent more than the ${length} bytes asked for`, { url }));
      result.set(chunk, filled);
      filled += chunk.length;
    });
    response.body.once("error", fail);
    response.body.once("end", () => {
      if (filled !== length) reject(new TransientError(`body cut short: ${filled} of ${length} bytes`, { url }));
      else resolve(result);
    });
  });
}

/** Takes `[offset, offset + length)` from a 200 reply to a Range request, then drops the connection's body. */
async function sliceOfFullBody(response: HttpResponse, offset: number, length: number, url: string): Promise<Uint8Array> {
  const result = new Uint8Array(length);
  let position = 0;
  let filled = 0;
  try {
    for await (const chunk of response.body) {
      const bytes = chunk as Uint8Array;
      const from = Math.max(0, offset - position);
      const to = Math.min(bytes.length, offset + length - position);
      if (to > from) {
        result.set(bytes.subarray(from, to), filled);
        filled += to - from;
      }
      position += bytes.length;
      if (filled === length) break;
    }
  } catch (error) {
    throw networkError(error, url);
  } finally {
    response.body.destroy();
  }
  if (filled !== length) throw new TransientError(`body cut short: ${filled} of ${length} bytes`, { url });
  return result;
}

function networkError(error: unknown, url: string): SkyfsError {
  if (error instanceof SkyfsError) return error;
  const name = (error as Error).name;
  if (name === "AbortError") return new AbortError("request aborted", { url, cause: error });
  const code = (error as { code?: string }).code;
  return new TransientError(`network error${code ? ` ${code}` : ""}: ${(error as Error).message}`, { url, code, cause: error });
}
