/**
 * MAST data URIs to cloud URLs: the path-lookup service asked in batches (several in flight),
 * answers cached in memory and optionally on disk, an opt-in local rule for TESS full-frame
 * images, and existence checks by listing each distinct parent prefix once.
 * @module
 */
import { defaultHttpTransport, readWholeBody, type TransportReply } from "../backends/http/transport.js";
import { mapLimit } from "../core/concurrency.js";
import { InvalidArgumentError, NotFoundError, NotSupportedError, ProtocolError, TransientError } from "../core/errors.js";
import { localDisk } from "../core/local-disk.js";
import { type StorageOptions, urlToFs } from "../core/registry.js";
import { type RetryOptions, withRetry } from "../core/retry.js";
import { cloudKey } from "./cloud-path.js";
import { tessFfiKey } from "./tess-rule.js";

/** MAST's public path-lookup endpoint. */
export const DEFAULT_LOOKUP_URL = "https://mast.stsci.edu/api/v0.1/path_lookup/";
/** The public bucket the cloud paths live in. */
export const DEFAULT_BUCKET = "s3://stpubdata";

/** Where a data URI lives, or why it could not be placed. */
export type Resolution = { url: string; via: "lookup" | "rule" | "cache" } | { error: string };

/** Options of {@link resolveCloudUris}. */
export interface ResolveOptions {
  /** The path-lookup service (default {@link DEFAULT_LOOKUP_URL}). */
  serviceUrl?: string;
  /** The bucket URL the service's paths are relative to (default `s3://stpubdata`). */
  bucket?: string;
  /** URIs per lookup request (default 40). */
  batchSize?: number;
  /** Lookup requests in flight (default 4). */
  concurrency?: number;
  /** How existence is checked: none, one HEAD per object, or one listing per distinct parent (default). */
  check?: "none" | "head" | "listing";
  /** Local rules used instead of the service where the layout is documented (opt-in): `tess-ffi`. */
  rules?: Array<"tess-ffi">;
  /** Storage options for existence checks (default `{anon: true}`). */
  storage?: StorageOptions;
  /** Retries of lookup requests. */
  retry?: RetryOptions;
  /** A JSON file keeping answers between runs. */
  cacheFile?: string;
  /** The in-memory cache to use (default: one per process). */
  cache?: Map<string, string>;
}

/** What a resolution cost. */
export interface ResolveStats {
  /** Lookup requests sent (retries included). */
  lookupRequests: number;
  /** Existence-check requests (listings or HEADs). */
  checkRequests: number;
  /** URIs answered from the cache. */
  cached: number;
  /** URIs placed by a local rule. */
  byRule: number;
}

const processCache = new Map<string, string>();

/** Lookup answers worth a retry; 501 and other 4xx/5xx answers are final. */
const TRANSIENT_STATUS = new Set([408, 429, 500, 502, 503, 504]);

/**
 * Resolves MAST data URIs (`mast:HST/product/x.fits`) to cloud URLs. Every input URI gets an entry
 * in the result: its URL, or an error saying why (unknown product, missing object, lookup failed).
 */
export async function resolveCloudUris(
  dataUris: readonly string[],
  options: ResolveOptions = {},
): Promise<{ results: Map<string, Resolution>; stats: ResolveStats }> {
  const stats: ResolveStats = { lookupRequests: 0, checkRequests: 0, cached: 0, byRule: 0 };
  const cache = options.cache ?? processCache;
  if (options.cacheFile)
    for (const [uri, url] of Object.entries(await readCacheFile(options.cacheFile))) if (!cache.has(uri)) cache.set(uri, url);
  const bucket = (options.bucket ?? DEFAULT_BUCKET).replace(/\/+$/, "");
  const results = new Map<string, Resolution>();
  const unique = [...new Set(dataUris)];
  const toLookUp: string[] = [];
  for (const uri of unique) {
    if (!/^mast:/i.test(uri)) {
      results.set(uri, { error: "not a MAST data URI (mast:...)" });
      continue;
    }
    const known = cache.get(uri);
    const ruled = options.rules?.includes("tess-ffi") ? tessFfiKey(uri) : undefined;
    if (known) {
      results.set(uri, { url: known, via: "cache" });
      stats.cached++;
    } else if (ruled) {
      results.set(uri, { url: `${bucket}/${ruled}`, via: "rule" });
      stats.byRule++;
    } else toLookUp.push(uri);
  }
  const batchSize = options.batchSize ?? 40;
  const batches: string[][] = [];
  for (let i = 0; i < toLookUp.length; i += batchSize) batches.push(toLookUp.slice(i, i + batchSize));
  await mapLimit(batches, options.concurrency ?? 4, async (batch) => {
    let answer: Record<string, { status_code?: number; path?: string | null }>;
    try {
      answer = await withRetry("path lookup", (signal) => lookup(options.serviceUrl ?? DEFAULT_LOOKUP_URL, batch, signal, stats), {
        baseDelayMs: 200,
        ...options.retry,
      });
    } catch (error) {
      for (const uri of batch) results.set(uri, { error: `the path lookup failed: ${(error as Error).message}` });
      return;
    }
    for (const uri of batch) {
      const entry = answer[uri];
      if (!entry || entry.path === null || entry.path === undefined)
        results.set(uri, { error: "not found: MAST knows no cloud copy of this product" });
      else results.set(uri, { url: `${bucket}/${cloudKey(entry.path)}`, via: "lookup" });
    }
  });
  await checkExistence(results, options, stats);
  for (const [uri, resolution] of results) if ("url" in resolution) cache.set(uri, resolution.url);
  if (options.cacheFile) await writeCacheFile(options.cacheFile, cache);
  return { results: new Map(dataUris.map((uri) => [uri, results.get(uri) as Resolution])), stats };
}

async function lookup(
  serviceUrl: string,
  batch: readonly string[],
  signal: AbortSignal,
  stats: ResolveStats,
): Promise<Record<string, { status_code?: number; path?: string | null }>> {
  // The request astroquery's get_cloud_paths sends: one repeated `uri` parameter per URI, then
  // `use_cloud_path` as Python's requests writes True, with the Accept header it sends.
  const query = new URLSearchParams();
  for (const uri of batch) query.append("uri", uri);
  query.set("use_cloud_path", "True");
  stats.lookupRequests++;
  const transport = defaultHttpTransport({ connections: 1, timeout: 30_000 });
  let response: TransportReply;
  try {
    try {
      response = await transport.send({ method: "GET", url: `${serviceUrl}?${query}`, signal, headers: { accept: "text/plain" } });
    } catch (error) {
      throw new TransientError(`path lookup: ${(error as Error).message}`, { url: serviceUrl, cause: error });
    }
    if (TRANSIENT_STATUS.has(response.status)) {
      await response.discard();
      throw new TransientError(`the path-lookup service answered HTTP ${response.status}`, { url: serviceUrl, status: response.status });
    }
    if (response.status !== 200) {
      await response.discard();
      throw new ProtocolError(`the path-lookup service answered HTTP ${response.status}`, { url: serviceUrl });
    }
    let bytes: Uint8Array;
    try {
      bytes = await readWholeBody(response);
    } catch (error) {
      throw new TransientError(`path lookup: ${(error as Error).message}`, { url: serviceUrl, cause: error });
    }
    let body: unknown;
    try {
      body = JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      body = undefined;
    }
    if (body === null || typeof body !== "object" || Array.isArray(body))
      throw new ProtocolError("the path-lookup answer is not a JSON object", { url: serviceUrl });
    return body as Record<string, { status_code?: number; path?: string | null }>;
  } finally {
    await transport.close();
  }
}

async function checkExistence(results: Map<string, Resolution>, options: ResolveOptions, stats: ResolveStats): Promise<void> {
  const mode = options.check ?? "listing";
  if (mode === "none") return;
  const placed = [...results].filter(
    (entry): entry is [string, { url: string; via: "lookup" | "rule" | "cache" }] => "url" in entry[1] && entry[1].via !== "cache",
  );
  if (placed.length === 0) return;
  const storage = options.storage ?? { anon: true };
  if (mode === "head") {
    await mapLimit(placed, 16, async ([uri, { url }]) => {
      const { fs, path } = urlToFs(url, storage);
      stats.checkRequests++;
      if (!(await fs.exists(path))) results.set(uri, { error: `not found: ${url} does not exist` });
    });
    return;
  }
  const parents = new Map<string, Array<[string, string]>>();
  for (const [uri, { url }] of placed) {
    const parent = url.slice(0, url.lastIndexOf("/"));
    parents.set(parent, [...(parents.get(parent) ?? []), [uri, url]]);
  }
  await mapLimit([...parents], 8, async ([parent, members]) => {
    const { fs, path } = urlToFs(parent, storage);
    stats.checkRequests++;
    let names: Set<string>;
    try {
      names = new Set((await fs.ls(path)).map((name) => fs.url(name)));
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      names = new Set();
    }
    for (const [uri, url] of members) if (!names.has(url)) results.set(uri, { error: `not found: ${url} does not exist` });
  });
}

async function readCacheFile(file: string): Promise<Record<string, string>> {
  try {
    const text = await localDisk("a MAST cacheFile").readTextFile(file);
    const parsed = JSON.parse(text ?? "{}") as { version?: number; uris?: Record<string, string> };
    return parsed.version === 1 && parsed.uris ? parsed.uris : {};
  } catch (error) {
    if (error instanceof NotSupportedError) throw error;
    return {};
  }
}

async function writeCacheFile(file: string, cache: ReadonlyMap<string, string>): Promise<void> {
  await localDisk("a MAST cacheFile").writeTextFile(file, JSON.stringify({ version: 1, uris: Object.fromEntries(cache) }));
}

/** The cloud URL of one data URI, or a NotFoundError saying why. */
export async function resolveCloudUri(dataUri: string, options: ResolveOptions = {}): Promise<string> {
  if (!/^mast:/i.test(dataUri)) throw new InvalidArgumentError(`not a MAST data URI: ${dataUri}`);
  const { results } = await resolveCloudUris([dataUri], { check: "none", ...options });
  const resolution = results.get(dataUri) as Resolution;
  if ("error" in resolution) throw new NotFoundError(resolution.error, { url: dataUri });
  return resolution.url;
}
