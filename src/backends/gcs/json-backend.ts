/**
 * Google Cloud Storage over its JSON API on the HTTP transport, for where `@google-cloud/storage`
 * cannot run (a browser): listings by prefix and delimiter, metadata, ranged media downloads
 * pinned to a generation, with an OAuth bearer token or anonymously. Read-only.
 * @module
 */
import type { Backend, ByteSink, FileInfo, GetOptions, GetResult, ListOptions } from "../../core/backend.js";
import { InvalidArgumentError, NotFoundError, ProtocolError, type SkyfsError, TransientError } from "../../core/errors.js";
import { DEFAULT_REQUEST_CONCURRENCY } from "../../core/limit.js";
import { defaultHttpTransport, type HttpTransport, readWholeBody, type TransportReply } from "../http/transport.js";
import { gcsError } from "./errors.js";

/** Options of {@link GcsJsonBackend}. */
export interface GcsJsonOptions {
  /** An OAuth 2 access token, or a function giving the current one; absent: anonymous (public buckets). */
  token?: string | (() => string | Promise<string>);
  /** Billing project for requester-pays buckets (`userProject`). */
  requesterPays?: string;
  /** The API's origin (default `https://storage.googleapis.com`; a test server's otherwise). */
  apiEndpoint?: string;
  /** The transport (default: the platform's). */
  transport?: HttpTransport;
  /** Milliseconds to wait for a reply's headers (default 30 000). */
  timeout?: number;
  /** Anonymous requests (the default when no token is given); accepted for the SDK backend's options' sake. */
  anon?: boolean;
}

/** Objects per listing page. */
const PAGE_SIZE = 1000;

/** GCS over the JSON API. Paths are `bucket/object`. */
export class GcsJsonBackend implements Backend {
  readonly recursiveListing = true;
  private readonly transport: HttpTransport;
  private readonly endpoint: string;

  constructor(
    private readonly options: GcsJsonOptions = {},
    readonly protocol = "gs",
  ) {
    this.transport =
      options.transport ?? defaultHttpTransport({ connections: DEFAULT_REQUEST_CONCURRENCY, timeout: options.timeout ?? 30_000 });
    this.endpoint = (options.apiEndpoint ?? "https://storage.googleapis.com").replace(/\/+$/, "");
  }

  stripProtocol(urlOrPath: string): string {
    const https = /^https:\/\/storage\.googleapis\.com\/(.*)$/i.exec(urlOrPath);
    const path = https ? decodeURIComponent((https[1] as string).replace(/[?#].*$/, "")) : urlOrPath.replace(/^(gs|gcs):\/\//i, "");
    return path.replace(/\/+$/, "").replace(/^\/+/, "");
  }

  toUrl(path: string): string {
    return `${this.protocol}://${path}`;
  }

  async get(path: string, options: GetOptions = {}): Promise<GetResult> {
    const { bucket, name } = split(path);
    if (name === "") {
      if (options.head) return { info: { name: path, type: "directory", size: 0 }, bytes: new Uint8Array(0) };
      throw new InvalidArgumentError("an object path needs a name after the bucket", { url: this.toUrl(path) });
    }
    const query: Record<string, string> = {};
    if (options.version) query.generation = options.version;
    if (options.head) {
      const reply = await this.send(this.objectUrl(bucket, name, query), {}, options);
      if (reply.status === 404) {
        await reply.discard();
        if (await this.hasPrefix(bucket, `${name}/`, options))
          return { info: { name: path, type: "directory", size: 0 }, bytes: new Uint8Array(0) };
        throw new NotFoundError("no such object or prefix", { url: this.toUrl(path) });
      }
      const metadata = (await this.json(reply, path)) as ObjectResource;
      return { info: describe(path, metadata), bytes: new Uint8Array(0) };
    }
    const headers: Record<string, string> = {};
    const range = options.range;
    if (range && range.length === 0) {
      const { info } = await this.get(path, { ...options, head: true, range: undefined });
      return { info, bytes: new Uint8Array(0) };
    }
    if (range) headers.range = `bytes=${range.offset}-${range.offset + range.length - 1}`;
    const reply = await this.send(this.objectUrl(bucket, name, { ...query, alt: "media" }), headers, options);
    if (reply.status === 416) {
      await reply.discard();
      const { info } = await this.get(path, { ...options, head: true, range: undefined });
      return { info, bytes: new Uint8Array(0) };
    }
    if (reply.status !== 200 && reply.status !== 206) throw await this.failure(reply, path);
    const generation = reply.header("x-goog-generation");
    if (options.version && generation && generation !== options.version) {
      await reply.discard();
      throw gcsError({ code: 412, message: "the object changed since it was opened" }, this.toUrl(path), false);
    }
    const etag = reply.header("etag");
    if (options.ifMatch && etag && etag !== options.ifMatch && !options.version) {
      await reply.discard();
      throw gcsError({ code: 412, message: "the object changed since it was opened" }, this.toUrl(path), false);
    }
    const total = totalSize(reply);
    const declared = reply.header("content-length");
    const info: FileInfo = { name: path, type: "file", size: total ?? -1 };
    if (etag) info.etag = etag;
    if (generation) info.version = generation;
    if (options.sink && range && reply.status === 206) {
      const received = await streamBody(reply, options.sink, range.offset, this.toUrl(path));
      if (received !== range.length)
        throw new TransientError(`the body brought ${received} of the ${range.length} bytes asked for`, { url: this.toUrl(path) });
      return { info, bytes: new Uint8Array(0) };
    }
    const bytes = await readBody(reply, this.toUrl(path));
    if (declared && /^\d+$/.test(declared) && Number(declared) !== bytes.length)
      throw new TransientError(`body cut short: ${bytes.length} of ${declared} bytes`, { url: this.toUrl(path) });
    if (total === undefined) info.size = bytes.length;
    if (reply.status === 200 && range) return { info, bytes: bytes.subarray(range.offset, range.offset + range.length) };
    return { info, bytes };
  }

  async list(path: string, options: ListOptions = {}): Promise<FileInfo[]> {
    const { bucket, name } = split(path);
    const prefix = name === "" ? "" : `${name}/`;
    const entries: FileInfo[] = [];
    let pageToken: string | undefined;
    do {
      const query: Record<string, string> = { prefix, maxResults: String(PAGE_SIZE) };
      if (!options.recursive) query.delimiter = "/";
      if (pageToken) query.pageToken = pageToken;
      const reply = await this.send(this.listUrl(bucket, query), {}, options);
      const page = (await this.json(reply, path)) as ObjectList;
      for (const item of page.items ?? []) {
        if (item.name.endsWith("/")) continue;
        entries.push(describe(`${bucket}/${item.name}`, item));
      }
      for (const folder of page.prefixes ?? [])
        entries.push({ name: `${bucket}/${folder.replace(/\/+$/, "")}`, type: "directory", size: 0 });
      pageToken = page.nextPageToken;
    } while (pageToken);
    if (entries.length === 0 && name !== "") throw new NotFoundError("no such prefix", { url: this.toUrl(path) });
    return entries;
  }

  async close(): Promise<void> {
    if (!this.options.transport) await this.transport.close();
  }

  private objectUrl(bucket: string, name: string, query: Record<string, string>): string {
    return `${this.endpoint}/storage/v1/b/${encodeURIComponent(bucket)}/o/${encodeURIComponent(name)}${this.queryString(query)}`;
  }

  private listUrl(bucket: string, query: Record<string, string>): string {
    return `${this.endpoint}/storage/v1/b/${encodeURIComponent(bucket)}/o${this.queryString(query)}`;
  }

  private queryString(query: Record<string, string>): string {
    const all = { ...query };
    if (this.options.requesterPays) all.userProject = this.options.requesterPays;
    const text = new URLSearchParams(all).toString();
    return text ? `?${text}` : "";
  }

  private async hasPrefix(bucket: string, prefix: string, options: GetOptions): Promise<boolean> {
    const reply = await this.send(this.listUrl(bucket, { prefix, maxResults: "1" }), {}, options);
    const page = (await this.json(reply, `${bucket}/${prefix}`)) as ObjectList;
    return (page.items?.length ?? 0) > 0 || (page.prefixes?.length ?? 0) > 0;
  }

  private async send(url: string, headers: Record<string, string>, options: GetOptions | ListOptions): Promise<TransportReply> {
    const token = typeof this.options.token === "function" ? await this.options.token() : this.options.token;
    const all = token ? { ...headers, authorization: `Bearer ${token}` } : headers;
    options.onRequest?.();
    try {
      return await this.transport.send({ method: "GET", url, headers: all, signal: options.signal });
    } catch (error) {
      throw gcsError(error, url, this.options.requesterPays !== undefined);
    }
  }

  private async json(reply: TransportReply, path: string): Promise<unknown> {
    if (reply.status !== 200) throw await this.failure(reply, path);
    const text = new TextDecoder().decode(await readBody(reply, this.toUrl(path)));
    try {
      return JSON.parse(text);
    } catch {
      throw new ProtocolError("the JSON API answered something that is not JSON", { url: this.toUrl(path) });
    }
  }

  private async failure(reply: TransportReply, path: string): Promise<SkyfsError> {
    const text = new TextDecoder().decode(await readBody(reply, this.toUrl(path)).catch(() => new Uint8Array(0)));
    let message = text.slice(0, 200);
    try {
      message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? message;
    } catch {
      message = text.slice(0, 200);
    }
    return gcsError({ code: reply.status, message }, this.toUrl(path), this.options.requesterPays !== undefined);
  }
}

interface ObjectResource {
  name: string;
  size?: string;
  etag?: string;
  generation?: string;
  updated?: string;
}

interface ObjectList {
  items?: ObjectResource[];
  prefixes?: string[];
  nextPageToken?: string;
}

function split(path: string): { bucket: string; name: string } {
  const slash = path.indexOf("/");
  return slash < 0 ? { bucket: path, name: "" } : { bucket: path.slice(0, slash), name: path.slice(slash + 1) };
}

function describe(path: string, metadata: ObjectResource): FileInfo {
  const info: FileInfo = { name: path, type: "file", size: Number(metadata.size ?? 0) };
  if (metadata.etag) info.etag = metadata.etag;
  if (metadata.generation !== undefined) info.version = String(metadata.generation);
  if (metadata.updated) info.mtime = new Date(metadata.updated);
  return info;
}

function totalSize(reply: TransportReply): number | undefined {
  const range = /\/(\d+)$/.exec(reply.header("content-range") ?? "");
  if (range) return Number(range[1]);
  const length = reply.header("content-length");
  return reply.status === 200 && length && /^\d+$/.test(length) ? Number(length) : undefined;
}

/** Hands a body's chunks to `sink` at object positions from `position` on; returns how many bytes came. */
async function streamBody(reply: TransportReply, sink: ByteSink, position: number, url: string): Promise<number> {
  let received = 0;
  let sinkFailure: { error: unknown } | undefined;
  const take = async (chunk: Uint8Array): Promise<"more"> => {
    try {
      await sink(chunk, position + received);
    } catch (error) {
      sinkFailure = { error };
      throw error;
    }
    received += chunk.length;
    return "more";
  };
  try {
    await reply.consume(take);
  } catch (error) {
    throw sinkFailure ? sinkFailure.error : gcsError(error, url, false);
  }
  return received;
}

async function readBody(reply: TransportReply, url: string): Promise<Uint8Array> {
  try {
    return await readWholeBody(reply);
  } catch (error) {
    throw gcsError(error, url, false);
  }
}
