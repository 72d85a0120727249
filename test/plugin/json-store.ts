/**
 * A read-only store over a small JSON listing API, written from docs/backends.md alone:
 * `GET /list?path=p` answers `[{ name, type, size, etag }]` for one folder, `GET /raw/p` serves
 * an object with Range support and an ETag. URLs look like `jsonstore://host:port/folder/file`.
 */
import {
  type Backend,
  ConsistencyError,
  type FileInfo,
  type GetOptions,
  type GetResult,
  NotFoundError,
  ProtocolError,
  registerFileSystem,
  TransientError,
} from "../../src/index.js";

interface Listed {
  name: string;
  type: "file" | "directory";
  size: number;
  etag?: string;
}

/** The store. Paths are `host:port/path/in/store`. */
export class JsonListingStore implements Backend {
  readonly protocol = "jsonstore";

  stripProtocol(urlOrPath: string): string {
    return urlOrPath.replace(/^jsonstore:\/\//, "").replace(/\/+$/, "");
  }

  toUrl(path: string): string {
    return `jsonstore://${path}`;
  }

  async get(path: string, options: GetOptions = {}): Promise<GetResult> {
    const { origin, key } = split(path);
    if (options.head) {
      const response = await this.fetch(`${origin}/raw/${key}`, { method: "HEAD" }, path, options);
      if (response.headers.get("x-directory") === "1")
        return { info: { name: path, type: "directory", size: 0 }, bytes: new Uint8Array(0) };
      return { info: this.describe(path, response, Number(response.headers.get("content-length"))), bytes: new Uint8Array(0) };
    }
    const headers: Record<string, string> = {};
    if (options.range) headers.range = `bytes=${options.range.offset}-${options.range.offset + options.range.length - 1}`;
    if (options.ifMatch) headers["if-match"] = options.ifMatch;
    const response = await this.fetch(`${origin}/raw/${key}`, { headers }, path, options);
    if (response.status === 416) return { info: this.describe(path, response, -1), bytes: new Uint8Array(0) };
    const bytes = new Uint8Array(await response.arrayBuffer());
    const total = /\/(\d+)$/.exec(response.headers.get("content-range") ?? "")?.[1];
    return { info: this.describe(path, response, total === undefined ? bytes.length : Number(total)), bytes };
  }

  async list(path: string, options: GetOptions = {}): Promise<FileInfo[]> {
    const { origin, key } = split(path);
    const response = await this.fetch(`${origin}/list?path=${encodeURIComponent(key)}`, {}, path, options);
    const entries = (await response.json()) as Listed[];
    return entries.map((entry) => ({ ...entry, name: `${split(path).host}/${entry.name}` }));
  }

  private describe(path: string, response: Response, size: number): FileInfo {
    const info: FileInfo = { name: path, type: "file", size };
    const etag = response.headers.get("etag");
    if (etag) info.etag = etag;
    return info;
  }

  private async fetch(url: string, init: RequestInit, path: string, options: GetOptions): Promise<Response> {
    options.onRequest?.();
    let response: Response;
    try {
      response = await fetch(url, { ...init, signal: options.signal });
    } catch (error) {
      throw new TransientError("network error", { url: this.toUrl(path), cause: error });
    }
    if (response.ok || response.status === 416) return response;
    await response.body?.cancel();
    const context = { url: this.toUrl(path), code: String(response.status) };
    if (response.status === 404) throw new NotFoundError("no such object", context);
    if (response.status === 412) throw new ConsistencyError("the object changed", context);
    if (response.status >= 500) throw new TransientError(`HTTP ${response.status}`, { ...context, status: response.status });
    throw new ProtocolError(`HTTP ${response.status}`, context);
  }
}

function split(path: string): { host: string; origin: string; key: string } {
  const slash = path.indexOf("/");
  const host = slash < 0 ? path : path.slice(0, slash);
  return { host, origin: `http://${host}`, key: slash < 0 ? "" : path.slice(slash + 1) };
}

/** Registers the store under `jsonstore://`. */
export function registerJsonStore(): void {
  registerFileSystem("jsonstore", () => new JsonListingStore());
}
