/**
 * The `http://` and `https://` backend over an HTTP transport (`NodeTransport` in Node, `fetch`
 * in a browser): HEAD for sizes (ranged GET when HEAD is refused), Range reads checked against
 * Content-Range and pinned to the validators seen at open (ETag, Last-Modified, total size),
 * directory index pages for listings (streamed, capped).
 * Credentials (the auth plugin, `headers`, user info in the URL) are sent only to the origin
 * asked for and to hosts trusted by option, never after a redirect elsewhere or down to plain
 * http. Every body is watched: one that stalls or trickles below a floor ends the request.
 * Read-only.
 * @module
 */
import type { AuthPlugin, HttpRequestParts } from "../../core/auth.js";
import type { Backend, ByteSink, FileInfo, GetOptions, GetResult, ListOptions, RequestOptions } from "../../core/backend.js";
import { toBase64 } from "../../core/bytes.js";
import { DEFAULT_REQUEST_CONCURRENCY } from "../../core/limit.js";

type IoOptions = RequestOptions;
type ReadRangeOptions = GetOptions;
/** What {@link HttpBackend.readDescribed} gives: the object's description and the bytes read. */
export type DescribedRead = { info: FileInfo; bytes: Uint8Array };

import {
  AbortError,
  ConsistencyError,
  InvalidUrlError,
  NotFoundError,
  PermissionError,
  ProtocolError,
  SkyfsError,
  TransientError,
} from "../../core/errors.js";
import { parseContentRange, parseUnsatisfiedRange } from "../content-range.js";
import { IndexPageParser } from "./index-page.js";
import { type ChunkVerdict, type ConsumeOptions, defaultHttpTransport, type HttpTransport, type TransportReply } from "./transport.js";
import type { UndiciDispatcher } from "./undici-dispatcher.js";

/** Options of the HTTP backend. */
export interface HttpOptions {
  /** Headers sent with every request. */
  headers?: Record<string, string>;
  /** Adds credentials to every request (see `bearerAuth`, `basicAuth`, `headerAuth`). */
  auth?: AuthPlugin;
  /**
   * Connections kept per origin (default 100, the filesystem's default of requests in flight per
   * host); the filesystem's `requestConcurrency` bounds the requests in flight.
   */
  connections?: number;
  /**
   * Milliseconds to wait for response headers, and the window in which a body must deliver at
   * least `minBytesPerSecond` (default 30 000).
   */
  timeout?: number;
  /**
   * Slowest body accepted, in bytes per second averaged over each `timeout` window (default
   * 1024). A body that stalls or trickles below it ends the request with a `ProtocolError`
   * (code `BodyTimeout`), which is not retried: one window bounds the wait.
   */
  minBytesPerSecond?: number;
  /**
   * Hosts (`example.org` or `example.org:8443`) trusted with credentials after a redirect from
   * another origin. By default credentials go only to the origin of the URL asked for; a
   * redirect from https to http never carries them, trusted or not.
   */
  trustedHosts?: readonly string[];
  /** Largest index page read for a listing, in bytes (default 32 MiB); a larger one is a `ProtocolError`. */
  maxListingBytes?: number;
  /**
   * An undici dispatcher (a `ProxyAgent`, an `Agent` with its own TLS or DNS options ...) to send
   * every request through, instead of the Node transport's own clients (Node only). Its timeouts
   * and connection limits apply; closing the filesystem leaves it open.
   */
  dispatcher?: UndiciDispatcher;
  /** The transport to send through (default: the platform's, `NodeTransport` in Node and `fetch` elsewhere). */
  transport?: HttpTransport;
}

const MAX_REDIRECTS = 5;
const DEFAULT_TIMEOUT = 30_000;
const DEFAULT_MIN_RATE = 1024;
const DEFAULT_MAX_LISTING_BYTES = 32 * 1024 * 1024;

/** How bodies are watched for progress. */
interface BodyWatch {
  windowMs: number;
  minBytes: number;
}

/** The HTTP(S) backend. Paths are full URLs. */
export class HttpBackend implements Backend {
  readonly protocol: string;
  readonly describesRanges = true;
  private readonly transport: HttpTransport;
  private readonly watch: BodyWatch;
  private readonly trustedHosts: ReadonlySet<string>;
  /** {@link HttpOptions.headers} with lower-case names. */
  private readonly optionHeaders: Readonly<Record<string, string>>;

  constructor(
    private readonly options: HttpOptions = {},
    protocol = "https",
  ) {
    this.protocol = protocol;
    const timeout = options.timeout ?? DEFAULT_TIMEOUT;
    this.watch = {
      windowMs: timeout,
      minBytes: Math.max(1, Math.floor(((options.minBytesPerSecond ?? DEFAULT_MIN_RATE) * timeout) / 1000)),
    };
    this.trustedHosts = new Set((options.trustedHosts ?? []).map((host) => host.toLowerCase()));
    this.optionHeaders = lowerCase(options.headers);
    this.transport =
      options.transport ??
      defaultHttpTransport({ connections: options.connections ?? DEFAULT_REQUEST_CONCURRENCY, timeout, dispatcher: options.dispatcher });
  }

  stripProtocol(urlOrPath: string): string {
    return urlOrPath;
  }

  toUrl(path: string): string {
    return path;
  }

  /**
   * The store interface's one read: a description (HEAD, or a one-byte ranged GET when HEAD is
   * refused), a head read (one ranged GET that describes the object and brings its first bytes),
   * or a ranged read pinned to every validator known.
   */
  async get(path: string, options: GetOptions = {}): Promise<GetResult> {
    if (options.head) return { info: await this.info(path, options), bytes: new Uint8Array(0) };
    const range = options.range ?? { offset: 0, length: Number.MAX_SAFE_INTEGER };
    const unpinned = options.ifMatch === undefined && options.version === undefined && options.lastModified === undefined;
    if (unpinned && (range.offset === 0 || options.expectedSize === undefined))
      return this.readDescribed(path, range.offset, range.length, options);
    const bytes = await this.readRange(path, range.offset, range.length, options);
    const info: FileInfo = { name: path, type: "file", size: options.expectedSize ?? -1 };
    if (options.ifMatch !== undefined) info.etag = options.ifMatch;
    return { info, bytes };
  }

  async info(path: string, options: IoOptions = {}): Promise<FileInfo> {
    const head = await this.send("HEAD", path, {}, options);
    await head.discard();
    if (head.status < 300) {
      const size = headerNumber(head.header("content-length"));
      if (head.url.endsWith("/") || new URL(head.url).pathname === "/") return { name: path, type: "directory", size: 0 };
      if (size !== undefined && head.header("content-encoding") === undefined) return describe(path, size, head);
    } else if (![403, 405, 501].includes(head.status)) {
      throw this.errorFor(head.status, path);
    }
    const probe = await this.send("GET", path, { range: "bytes=0-0" }, options);
    await probe.discard();
    if (probe.status === 206) {
      const total = parseContentRange(probe.header("content-range"))?.total;
      if (total === undefined) throw new ProtocolError("a ranged reply lacks the total size in Content-Range", { url: path });
      return describe(path, total, probe);
    }
    if (probe.status === 416) return describe(path, 0, probe);
    if (probe.status === 200) {
      const size = headerNumber(probe.header("content-length"));
      if (size === undefined) throw new ProtocolError("the server gives no size for this URL", { url: path });
      return describe(path, size, probe);
    }
    throw this.errorFor(probe.status, path);
  }

  /**
   * Reads `length` bytes at `offset` with one ranged GET that also describes the object: fewer
   * bytes at the object's end, none from a range that starts past it (a 416 reply, whose
   * `Content-Range: bytes *\/size` gives the size). A server that ignores `Range` still gives
   * the right bytes, without the whole body being read.
   */
  async readDescribed(
    path: string,
    offset: number,
    length: number,
    options: IoOptions & Pick<GetOptions, "memory"> = {},
  ): Promise<DescribedRead> {
    if (length === 0) return { info: await this.info(path, options), bytes: new Uint8Array(0) };
    const last = offset + length - 1;
    const response = await this.send("GET", path, { range: `bytes=${offset}-${last}` }, options);
    if (response.status === 206) {
      const range = parseContentRange(response.header("content-range"));
      if (range?.total === undefined || range.start !== offset || range.end >= range.total || range.end > last) {
        await response.discard();
        throw new ProtocolError(`asked for bytes ${offset}-${last}, got ${response.header("content-range")}`, { url: path });
      }
      const bytes = await takeBody(response, path, this.watch, {
        skip: 0,
        length: range.end - offset + 1,
        exact: true,
        memory: options.memory,
      });
      return { info: describe(path, range.total, response), bytes };
    }
    if (response.status === 416) {
      const total = parseUnsatisfiedRange(response.header("content-range"));
      await response.discard();
      if (total !== undefined && offset >= total) return { info: describe(path, total, response), bytes: new Uint8Array(0) };
      if (offset === 0) return { info: describe(path, 0, response), bytes: new Uint8Array(0) };
      return { info: await this.info(path, options), bytes: new Uint8Array(0) };
    }
    if (response.status === 200 && !new URL(response.url).pathname.endsWith("/")) {
      const size = headerNumber(response.header("content-length"));
      if (size !== undefined && response.header("content-encoding") === undefined) {
        const wanted = Math.max(0, Math.min(size - offset, length));
        if (wanted === 0) {
          await response.discard();
          return { info: describe(path, size, response), bytes: new Uint8Array(0) };
        }
        return {
          info: describe(path, size, response),
          bytes: await takeBody(response, path, this.watch, { skip: offset, length: wanted, exact: false, memory: options.memory }),
        };
      }
    }
    await response.discard();
    if (response.status < 300) return { info: await this.info(path, options), bytes: new Uint8Array(0) };
    throw this.errorFor(response.status, path);
  }

  async list(path: string, options: ListOptions = {}): Promise<FileInfo[]> {
    const base = path.endsWith("/") ? path : `${path}/`;
    const response = await this.send("GET", base, {}, options);
    if (response.status >= 300) {
      await response.discard();
      throw this.errorFor(response.status, base);
    }
    const contentType = response.header("content-type") ?? "";
    if (!contentType.includes("html")) {
      await response.discard();
      const size = headerNumber(response.header("content-length"));
      return [{ name: path, type: "file", size: size ?? -1 }];
    }
    const links = await this.readIndexPage(response, base);
    const entries: FileInfo[] = links.map((link) => {
      if (link.url.endsWith("/")) return { name: link.url.slice(0, -1), type: "directory", size: 0 };
      const entry: FileInfo = { name: link.url, type: "file", size: link.size ?? -1 };
      if (link.mtime) entry.mtime = link.mtime;
      return entry;
    });
    return entries.sort(byName);
  }

  /** Parses an index page as it arrives, refusing one longer than `maxListingBytes`. */
  private async readIndexPage(response: TransportReply, url: string): Promise<ReturnType<IndexPageParser["finish"]>> {
    const limit = this.options.maxListingBytes ?? DEFAULT_MAX_LISTING_BYTES;
    const declared = headerNumber(response.header("content-length"));
    if (declared !== undefined && declared > limit) {
      await response.discard();
      throw tooLarge(url, limit);
    }
    const parser = new IndexPageParser(response.url);
    const decoder = new TextDecoder();
    let received = 0;
    await streamBody(
      response,
      url,
      this.watch,
      (chunk) => {
        received += chunk.length;
        if (received > limit) throw tooLarge(url, limit);
        parser.push(decoder.decode(chunk, { stream: true }));
        return "more";
      },
      { copiesAtOnce: true },
    );
    parser.push(decoder.decode());
    return parser.finish();
  }

  async readRange(path: string, offset: number, length: number, options: ReadRangeOptions = {}): Promise<Uint8Array> {
    const headers: Record<string, string> = { range: `bytes=${offset}-${offset + length - 1}` };
    if (options.ifMatch) headers["if-match"] = options.ifMatch;
    else if (options.lastModified) headers["if-unmodified-since"] = options.lastModified.toUTCString();
    const response = await this.send("GET", path, headers, options);
    const sink = options.sink && { to: options.sink, position: offset };
    if (response.status < 300) {
      const changed = changedSinceOpen(response, options);
      if (changed) {
        await response.discard();
        throw new ConsistencyError(`the object changed since it was opened (${changed.what})`, { url: path, code: changed.code });
      }
    }
    if (response.status === 206) {
      const range = parseContentRange(response.header("content-range"));
      if (!range || range.start !== offset || range.end !== offset + length - 1) {
        await response.discard();
        throw new ProtocolError(`asked for bytes ${offset}-${offset + length - 1}, got ${response.header("content-range")}`, {
          url: path,
        });
      }
      return takeBody(response, path, this.watch, { skip: 0, length, exact: true, memory: options.memory }, sink);
    }
    if (response.status === 200)
      return takeBody(response, path, this.watch, { skip: offset, length, exact: false, memory: options.memory }, sink);
    await response.discard();
    throw this.errorFor(response.status, path);
  }

  async close(): Promise<void> {
    if (!this.options.transport) await this.transport.close();
  }

  private async send(method: "GET" | "HEAD", url: string, headers: Record<string, string>, options: IoOptions): Promise<TransportReply> {
    const asked = parseUrl(url);
    const urlCredentials = basicFromUserInfo(asked);
    let current = url;
    let downgraded = false;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const target = hop === 0 ? asked : parseUrl(current);
      downgraded ||= asked.protocol === "https:" && target.protocol === "http:";
      const trusted = !downgraded && (hop === 0 || target.origin === asked.origin || this.trusts(target));
      const parts: HttpRequestParts = {
        method,
        url: withoutUserInfo(target),
        headers: trusted
          ? { ...this.optionHeaders, ...(urlCredentials ? { authorization: urlCredentials } : {}), ...headers }
          : { ...headers },
      };
      if (trusted) await this.options.auth?.authorize(parts);
      let response: TransportReply;
      options.onRequest?.();
      try {
        response = await this.transport.send({ method, url: parts.url, headers: parts.headers, signal: options.signal });
      } catch (error) {
        throw networkError(error, url);
      }
      if (this.transport.followsRedirects) return answeredAt(response, response.url === parts.url ? current : response.url);
      const location = response.header("location");
      if ([301, 302, 303, 307, 308].includes(response.status) && location) {
        await response.discard();
        let next: URL | undefined;
        try {
          next = new URL(location, current);
        } catch {
          next = undefined;
        }
        if (next === undefined || (next.protocol !== "http:" && next.protocol !== "https:"))
          throw new ProtocolError(`the server redirected to ${JSON.stringify(location)}, not an http(s) URL`, { url });
        current = next.href;
        continue;
      }
      return response.url === current ? response : answeredAt(response, current);
    }
    throw new ProtocolError(`more than ${MAX_REDIRECTS} redirects`, { url });
  }

  private trusts(target: URL): boolean {
    return this.trustedHosts.has(target.host.toLowerCase()) || this.trustedHosts.has(target.hostname.toLowerCase());
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

/**
 * The reply as answered by `url`: the URL asked for, user info included, so that links on an
 * index page resolve to URLs that carry the same credentials.
 */
function answeredAt(reply: TransportReply, url: string): TransportReply {
  return {
    status: reply.status,
    url,
    header: (name) => reply.header(name),
    consume: (onChunk, options) => reply.consume(onChunk, options),
    abort: (reason) => reply.abort(reason),
    discard: () => reply.discard(),
  };
}

function describe(path: string, size: number, response: TransportReply): FileInfo {
  const etag = response.header("etag");
  const modified = response.header("last-modified");
  const info: FileInfo = { name: path, type: "file", size };
  if (etag) info.etag = etag;
  if (modified) info.mtime = new Date(modified);
  return info;
}

function byName(a: FileInfo, b: FileInfo): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
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

/** Which validator of the open object a reply contradicts, if any. */
function changedSinceOpen(response: TransportReply, pinned: ReadRangeOptions): { what: string; code: string } | undefined {
  const etag = response.header("etag");
  if (pinned.ifMatch && etag && etag !== pinned.ifMatch) return { what: `ETag ${etag}, was ${pinned.ifMatch}`, code: "ETagMismatch" };
  const modified = response.header("last-modified");
  if (!pinned.ifMatch && pinned.lastModified && modified) {
    const now = Date.parse(modified);
    if (!Number.isNaN(now) && Math.floor(now / 1000) !== Math.floor(pinned.lastModified.getTime() / 1000))
      return { what: `Last-Modified ${modified}, was ${pinned.lastModified.toUTCString()}`, code: "LastModifiedMismatch" };
  }
  if (pinned.expectedSize !== undefined) {
    const total =
      response.status === 206
        ? parseContentRange(response.header("content-range"))?.total
        : response.header("content-encoding") === undefined
          ? headerNumber(response.header("content-length"))
          : undefined;
    if (total !== undefined && total !== pinned.expectedSize)
      return { what: `${total} bytes, was ${pinned.expectedSize}`, code: "SizeMismatch" };
  }
  return undefined;
}

function parseUrl(url: string): URL {
  try {
    return new URL(url);
  } catch (error) {
    throw new InvalidUrlError("not a valid URL", { url, cause: error });
  }
}

/** `Basic ...` from the user info of a URL (`https://user:password@host/`), if it has any. */
function basicFromUserInfo(url: URL): string | undefined {
  if (url.username === "" && url.password === "") return undefined;
  const decode = (text: string): string => {
    try {
      return decodeURIComponent(text);
    } catch {
      return text;
    }
  };
  return `Basic ${toBase64(new TextEncoder().encode(`${decode(url.username)}:${decode(url.password)}`))}`;
}

function withoutUserInfo(url: URL): string {
  if (url.username === "" && url.password === "") return url.href;
  const copy = new URL(url.href);
  copy.username = "";
  copy.password = "";
  return copy.href;
}

function tooLarge(url: string, limit: number): ProtocolError {
  return new ProtocolError(`the index page is larger than ${limit} bytes (option maxListingBytes)`, { url, code: "ListingTooLarge" });
}

/**
 * Feeds a body's chunks to `onChunk` until it says `done` or the body ends; while a promise it
 * returns is pending, the body waits. The body must bring `watch.minBytes` in every
 * `watch.windowMs` (windows spent waiting for `onChunk` excepted), or it is abandoned with a
 * `ProtocolError`. Errors of the transport become skyfs errors; errors thrown or rejected by
 * `onChunk` pass as they are. `options` go to the transport (`copiesAtOnce` when `onChunk` is
 * done with each chunk as it returns).
 */
async function streamBody(
  response: TransportReply,
  url: string,
  watch: BodyWatch,
  onChunk: (chunk: Uint8Array) => ChunkVerdict | Promise<ChunkVerdict>,
  options: ConsumeOptions,
): Promise<"ended" | "done"> {
  let inWindow = 0;
  let waiting = false;
  let waitedInWindow = false;
  const timer = setInterval(() => {
    if (inWindow < watch.minBytes && !waitedInWindow)
      response.abort(
        new ProtocolError(
          `the server sent ${inWindow} bytes in ${watch.windowMs} ms, fewer than ${watch.minBytes} (options timeout, minBytesPerSecond)`,
          { url, code: "BodyTimeout" },
        ),
      );
    inWindow = 0;
    waitedInWindow = waiting;
  }, watch.windowMs);
  const passed = (error: unknown): never => {
    throw new PassedError(error);
  };
  try {
    return await response.consume((chunk) => {
      inWindow += chunk.length;
      let verdict: ChunkVerdict | Promise<ChunkVerdict>;
      try {
        verdict = onChunk(chunk);
      } catch (error) {
        return passed(error);
      }
      if (!(verdict instanceof Promise)) return verdict;
      waiting = waitedInWindow = true;
      return verdict.then(
        (next) => {
          waiting = false;
          return next;
        },
        (error: unknown) => {
          waiting = false;
          return passed(error);
        },
      );
    }, options);
  } catch (error) {
    if (error instanceof PassedError) throw error.passed;
    throw error instanceof SkyfsError ? error : networkError(error, url);
  } finally {
    clearInterval(timer);
  }
}

/** An error of a body's consumer, kept apart from the transport's errors until it is rethrown as it is. */
class PassedError {
  constructor(readonly passed: unknown) {}
}

/**
 * Takes `length` bytes of a body from its byte `skip` on: into a new array (or the one
 * `part.memory` gives), or chunk by chunk to
 * `sink` (at object positions from `position` on), then no bytes are returned. With `exact`, the
 * body must end there (more is a `ProtocolError`); otherwise the rest is dropped with the
 * connection (a 200 reply to a Range request). Fewer bytes are a `TransientError`.
 */
async function takeBody(
  response: TransportReply,
  url: string,
  watch: BodyWatch,
  part: { skip: number; length: number; exact: boolean; memory?: GetOptions["memory"] },
  sink?: { to: ByteSink; position: number },
): Promise<Uint8Array> {
  const { skip, length, exact } = part;
  const given = sink ? undefined : part.memory?.(length);
  if (given !== undefined && given.length !== length) {
    await response.discard();
    throw new RangeError(`the memory given for ${length} bytes holds ${given.length}`);
  }
  const result = given ?? new Uint8Array(sink ? 0 : length);
  let seen = 0;
  let filled = 0;
  if (length === 0 && !exact) await response.discard();
  else
    await streamBody(
      response,
      url,
      watch,
      (chunk) => {
        const from = Math.max(0, skip - seen);
        const to = Math.min(chunk.length, skip + length - seen);
        seen += chunk.length;
        if (exact && seen > skip + length) throw new ProtocolError(`the server sent more than the ${length} bytes asked for`, { url });
        if (to <= from) return filled === length && !exact ? "done" : "more";
        const piece = from === 0 && to === chunk.length ? chunk : chunk.subarray(from, to);
        filled += piece.length;
        const next = filled === length && !exact ? "done" : "more";
        if (!sink) {
          result.set(piece, filled - piece.length);
          return next;
        }
        const accepted = sink.to(piece, sink.position + filled - piece.length);
        return accepted instanceof Promise ? accepted.then(() => next) : next;
      },
      { copiesAtOnce: !sink },
    );
  if (filled !== length) throw new TransientError(`body cut short: ${filled} of ${length} bytes`, { url });
  return result;
}

function hostOf(url: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(url)?.[1]?.replace(/^[^@]*@/, "") ?? url;
}

function networkError(error: unknown, url: string): SkyfsError {
  if (error instanceof SkyfsError) return error;
  const name = (error as Error).name;
  if (name === "AbortError") return new AbortError("request aborted", { url, cause: error });
  const code = (error as { code?: string }).code;
  if (code === "ERR_INVALID_URL") return new InvalidUrlError("not a valid URL", { url, code, cause: error });
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") {
    const host = (error as { hostname?: string }).hostname ?? hostOf(url);
    return new TransientError(`cannot resolve the host name ${host} (${code})`, { url, code, cause: error });
  }
  return new TransientError(`network error${code ? ` ${code}` : ""}: ${(error as Error).message}`, { url, code, cause: error });
}
