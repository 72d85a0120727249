/**
 * The Azure Blob backend on `@azure/storage-blob`, an optional peer dependency loaded on first
 * use: hierarchy listings with pagination, ranged downloads pinned to the ETag, block uploads,
 * server-side copies. Auth: connection string, account key, SAS token, `DefaultAzureCredential`
 * (when `@azure/identity` is installed), or anonymous access to public containers.
 * @module
 */
import type * as Blob from "@azure/storage-blob";
import type {
  Backend,
  BackendWriter,
  FileInfo,
  GetOptions,
  GetResult,
  ListOptions,
  RequestOptions,
  WriteOptions,
} from "../../core/backend.js";
import type { IoOptions } from "../../core/byte-source.js";
import { mapLimit } from "../../core/concurrency.js";
import {
  AbortError,
  ConsistencyError,
  InvalidArgumentError,
  MissingDependencyError,
  NotFoundError,
  NotSupportedError,
  PermissionError,
  ProtocolError,
  SkyfsError,
  TransientError,
} from "../../core/errors.js";
import { trimTrailingSlash } from "../../core/paths.js";
import { describableFailure, describedSize, getThroughReads, streamTo } from "../ranged-get.js";
import { parseAzureAccountUrl, splitContainerBlob } from "./urls.js";

/** Options of the Azure backend. */
export interface AzureOptions {
  /** The storage account (implied by `abfs://` and HTTPS URLs and by a connection string). */
  account?: string;
  /** A connection string (account, key or SAS, and endpoint). */
  connectionString?: string;
  /** The account key (with `account`). */
  accountKey?: string;
  /** A SAS token (`sv=...&sig=...`, with or without the leading `?`). */
  sasToken?: string;
  /** Any `TokenCredential` (e.g. from `@azure/identity`). */
  credential?: unknown;
  /** Unsigned requests to a public container; no credential lookup at all. */
  anon?: boolean;
  /** The blob service endpoint (default `https://<account>.blob.core.windows.net`; azurite: `http://127.0.0.1:10000/devstoreaccount1`). */
  endpoint?: string;
  /** Blobs per listing page (default 5000). */
  pageSize?: number;
  /** Bodies above this size are uploaded in blocks (default 16 MiB). */
  blockThreshold?: number;
  /** Size of each uploaded block (default 8 MiB). */
  blockSize?: number;
  /** Blocks uploaded at once (default 4). */
  uploadConcurrency?: number;
}

type Sdk = typeof Blob;

/** The Azure Blob backend. Paths are `container/blob`. */
export class AzureBackend implements Backend {
  readonly recursiveListing = true;
  readonly describesRanges = true;
  readonly writer: BackendWriter = {
    put: (path, data, options) => this.write(path, data, options),
    delete: (paths, options) => this.deleteFiles(paths, options),
    copy: (source, target, options) => this.copyFile(source, target, options),
  };
  private service: Promise<{ sdk: Sdk; client: Blob.BlobServiceClient }> | undefined;

  constructor(
    private readonly options: AzureOptions = {},
    /** The scheme this instance serves (`az`, `azure` or `abfs`). */
    readonly protocol = "az",
  ) {}

  stripProtocol(urlOrPath: string): string {
    const parsed = parseAzureAccountUrl(urlOrPath);
    if (parsed) return trimTrailingSlash(`${parsed.container}/${parsed.blob}`).replace(/\/$/, "");
    return trimTrailingSlash(urlOrPath.replace(/^(az|azure|abfss?):\/\//i, "")).replace(/^\/+/, "");
  }

  toUrl(path: string): string {
    return `${this.protocol === "abfs" ? "az" : this.protocol}://${path}`;
  }

  /**
   * The store interface's one read: a description, a head read (one ranged GET that also gives
   * the size and ETag), or a ranged read pinned to an ETag or version.
   */
  get(path: string, options: GetOptions = {}): Promise<GetResult> {
    return getThroughReads(this, path, options);
  }

  /** Describes a blob, or a prefix by listing one blob below it; each request is reported. */
  async info(path: string, options: RequestOptions = {}): Promise<FileInfo> {
    const { container, blob } = splitContainerBlob(path);
    const { client } = await this.client();
    const containerClient = client.getContainerClient(container);
    if (blob !== "") {
      try {
        options.onRequest?.();
        const properties = await containerClient.getBlobClient(blob).getProperties({ abortSignal: options.signal });
        return describe(path, properties.contentLength ?? 0, properties.etag, properties.lastModified);
      } catch (error) {
        const mapped = this.error(error, path, "Get Blob Properties");
        if (!(mapped instanceof NotFoundError)) throw mapped;
      }
    }
    try {
      options.onRequest?.();
      const page = await containerClient
        .listBlobsFlat({ prefix: blob === "" ? undefined : `${blob}/` })
        .byPage({ maxPageSize: 1 })
        .next();
      if (blob === "" || (page.value?.segment.blobItems.length ?? 0) > 0) return { name: path, type: "directory", size: 0 };
    } catch (error) {
      throw this.error(error, path, "List Blobs");
    }
    throw new NotFoundError("no such blob or prefix", { url: this.toUrl(path) });
  }

  async list(path: string, options: ListOptions = {}): Promise<FileInfo[]> {
    const { container, blob } = splitContainerBlob(path);
    const prefix = blob === "" ? "" : `${blob}/`;
    const { client } = await this.client();
    const containerClient = client.getContainerClient(container);
    const found = new Map<string, FileInfo>();
    try {
      const pages = options.recursive
        ? containerClient.listBlobsFlat({ prefix }).byPage({ maxPageSize: this.options.pageSize })
        : containerClient.listBlobsByHierarchy("/", { prefix }).byPage({ maxPageSize: this.options.pageSize });
      options.onRequest?.();
      for await (const page of pages) {
        if (options.signal?.aborted) throw new AbortError("listing aborted", { url: this.toUrl(path) });
        if (page.continuationToken) options.onRequest?.();
        const segment = page.segment as { blobItems: Blob.BlobItem[]; blobPrefixes?: Array<{ name: string }> };
        for (const item of segment.blobPrefixes ?? []) {
          const name = `${container}/${item.name.replace(/\/$/, "")}`;
          found.set(name, { name, type: "directory", size: 0 });
        }
        for (const item of segment.blobItems) {
          if (item.name.endsWith("/")) continue;
          const name = `${container}/${item.name}`;
          found.set(name, describe(name, item.properties.contentLength ?? 0, item.properties.etag, item.properties.lastModified));
        }
      }
    } catch (error) {
      throw this.error(error, path, "List Blobs");
    }
    if (found.size === 0 && blob !== "") throw new NotFoundError("no such prefix", { url: this.toUrl(path) });
    return [...found.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async readDescribed(
    path: string,
    offset: number,
    length: number,
    options: RequestOptions = {},
  ): Promise<{ info: FileInfo; bytes: Uint8Array }> {
    const { container, blob } = splitContainerBlob(path);
    if (blob === "" || length === 0) return { info: await this.info(path, options), bytes: new Uint8Array(0) };
    const { client } = await this.client();
    let reply: Blob.BlobDownloadResponseParsed | undefined;
    try {
      options.onRequest?.();
      reply = await client.getContainerClient(container).getBlobClient(blob).download(offset, length, { abortSignal: options.signal });
      const size = describedSize(reply.contentRange, reply.contentLength, offset, this.toUrl(path)) ?? 0;
      const bytes = await bodyBytes(reply, Math.max(0, Math.min(size - offset, length)), this.toUrl(path));
      return { info: describe(path, size, reply.etag, reply.lastModified), bytes };
    } catch (error) {
      reply?.readableStreamBody?.resume();
      const mapped = this.error(error, path, "Get Blob");
      if (!describableFailure(mapped, offset)) throw mapped;
      return { info: await this.info(path, options), bytes: new Uint8Array(0) };
    }
  }

  async readRange(path: string, offset: number, length: number, options: GetOptions = {}): Promise<Uint8Array> {
    const { container, blob } = splitContainerBlob(path);
    const { client } = await this.client();
    const url = this.toUrl(path);
    let reply: Blob.BlobDownloadResponseParsed;
    try {
      options.onRequest?.();
      reply = await client
        .getContainerClient(container)
        .getBlobClient(blob)
        .download(offset, length, { abortSignal: options.signal, conditions: options.ifMatch ? { ifMatch: options.ifMatch } : undefined });
    } catch (error) {
      throw this.error(error, path, "Get Blob");
    }
    if (options.ifMatch && reply.etag && quoted(reply.etag) !== quoted(options.ifMatch)) {
      reply.readableStreamBody?.resume();
      throw new ConsistencyError("the blob changed since it was opened", { url });
    }
    const body = reply.readableStreamBody as AsyncIterable<Uint8Array> | undefined;
    if (!options.sink || !body) return bodyBytes(reply, length, url);
    const received = await streamTo(body, options.sink, offset, length, url, (error) => azureError(error, url, "Get Blob"));
    if (received !== length) throw new TransientError(`body cut short: ${received} of ${length} bytes`, { url });
    return new Uint8Array(0);
  }

  async write(path: string, data: Uint8Array, options: WriteOptions = {}): Promise<void> {
    const { container, blob } = splitContainerBlob(path);
    if (blob === "") throw new InvalidArgumentError("a blob path needs a name after the container", { url: this.toUrl(path) });
    const { client } = await this.client();
    const blockClient = client.getContainerClient(container).getBlockBlobClient(blob);
    try {
      if (data.length <= (this.options.blockThreshold ?? 16 * 1024 * 1024)) {
        await blockClient.upload(data, data.length, {
          abortSignal: options.signal,
          blobHTTPHeaders: { blobContentType: options.contentType },
        });
      } else {
        await blockClient.uploadData(data, {
          abortSignal: options.signal,
          blockSize: this.options.blockSize ?? 8 * 1024 * 1024,
          concurrency: this.options.uploadConcurrency ?? 4,
          maxSingleShotSize: this.options.blockThreshold ?? 16 * 1024 * 1024,
          blobHTTPHeaders: { blobContentType: options.contentType },
        });
      }
    } catch (error) {
      throw this.error(error, path, "Put Blob");
    }
  }

  async deleteFiles(paths: readonly string[], options: RequestOptions = {}): Promise<void> {
    const { client } = await this.client();
    await mapLimit(paths, 16, async (path) => {
      const { container, blob } = splitContainerBlob(path);
      try {
        options.onRequest?.();
        await client.getContainerClient(container).getBlobClient(blob).delete({ abortSignal: options.signal });
      } catch (error) {
        throw this.error(error, path, "Delete Blob");
      }
    });
  }

  async copyFile(source: string, target: string, options: IoOptions = {}): Promise<void> {
    const from = splitContainerBlob(source);
    const to = splitContainerBlob(target);
    const { client } = await this.client();
    const sourceClient = client.getContainerClient(from.container).getBlobClient(from.blob);
    try {
      const poller = await client
        .getContainerClient(to.container)
        .getBlobClient(to.blob)
        .beginCopyFromURL(sourceClient.url, { abortSignal: options.signal, intervalInMs: 50 });
      await poller.pollUntilDone();
    } catch (error) {
      throw this.error(error, source, "Copy Blob");
    }
  }

  async close(): Promise<void> {
    this.service = undefined;
  }

  /** The blob service endpoint requests go to. */
  endpointFor(account: string | undefined): string {
    if (this.options.endpoint) return this.options.endpoint.replace(/\/+$/, "");
    if (!account)
      throw new InvalidArgumentError(
        "Azure URLs need an account: give the account option, a connection string, or an abfs:// or https:// URL",
      );
    return `https://${account}.blob.core.windows.net`;
  }

  private client(): Promise<{ sdk: Sdk; client: Blob.BlobServiceClient }> {
    this.service ??= (async () => {
      let sdk: Sdk;
      try {
        sdk = await import("@azure/storage-blob");
      } catch {
        throw new MissingDependencyError("@azure/storage-blob", `${this.protocol}:// URLs`);
      }
      const options = this.options;
      const retryOptions = { maxTries: 1 };
      if (options.connectionString)
        return { sdk, client: sdk.BlobServiceClient.fromConnectionString(options.connectionString, { retryOptions }) };
      const endpoint = this.endpointFor(options.account);
      if (options.sasToken) {
        return {
          sdk,
          client: new sdk.BlobServiceClient(`${endpoint}?${options.sasToken.replace(/^\?/, "")}`, new sdk.AnonymousCredential(), {
            retryOptions,
          }),
        };
      }
      if (options.anon) return { sdk, client: new sdk.BlobServiceClient(endpoint, new sdk.AnonymousCredential(), { retryOptions }) };
      if (options.accountKey && options.account) {
        return {
          sdk,
          client: new sdk.BlobServiceClient(endpoint, new sdk.StorageSharedKeyCredential(options.account, options.accountKey), {
            retryOptions,
          }),
        };
      }
      if (options.credential)
        return { sdk, client: new sdk.BlobServiceClient(endpoint, options.credential as Blob.AnonymousCredential, { retryOptions }) };
      let identity: { DefaultAzureCredential: new () => unknown };
      try {
        identity = await import("@azure/identity" as string);
      } catch {
        throw new MissingDependencyError("@azure/identity", "Azure access without a key, SAS token, connection string or anon");
      }
      return {
        sdk,
        client: new sdk.BlobServiceClient(endpoint, new identity.DefaultAzureCredential() as Blob.AnonymousCredential, { retryOptions }),
      };
    })();
    return this.service;
  }

  private error(error: unknown, path: string, operation: string): SkyfsError {
    return azureError(error, this.toUrl(path), operation);
  }
}

function describe(path: string, size: number, etag: string | undefined, modified: Date | undefined): FileInfo {
  const info: FileInfo = { name: path, type: "file", size };
  if (etag) info.etag = quoted(etag);
  if (modified) info.mtime = modified;
  return info;
}

/** ETags quoted the same way whether they come from a listing (bare) or a reply (quoted). */
function quoted(etag: string): string {
  return etag.startsWith('"') ? etag : `"${etag}"`;
}

/**
 * The bytes of a download: the SDK gives Node a stream (`readableStreamBody`) and a browser a
 * `Blob` (`blobBody`).
 */
async function bodyBytes(reply: Blob.BlobDownloadResponseParsed, length: number, url: string): Promise<Uint8Array> {
  const stream = reply.readableStreamBody;
  const out = new Uint8Array(length);
  let filled = 0;
  const take = (bytes: Uint8Array): void => {
    if (filled + bytes.length > length) throw new TransientError(`the service sent more than the ${length} bytes asked for`, { url });
    out.set(bytes, filled);
    filled += bytes.length;
  };
  try {
    if (stream) for await (const chunk of stream) take(chunk as Uint8Array);
    else if (reply.blobBody) take(new Uint8Array(await (await reply.blobBody).arrayBuffer()));
    else throw new TransientError("the download has no body", { url });
  } catch (error) {
    throw azureError(error, url, "Get Blob");
  }
  if (filled !== length) throw new TransientError(`body cut short: ${filled} of ${length} bytes`, { url });
  return out;
}

/** Azure Blob error codes that may pass when the request is sent again. */
const AZURE_TRANSIENT = new Set(["ServerBusy", "OperationTimedOut", "InternalError"]);

/** Azure Blob error codes that refuse the caller. */
const AZURE_DENIED = new Set([
  "AuthenticationFailed",
  "AuthorizationFailure",
  "AuthorizationPermissionMismatch",
  "AuthorizationProtocolMismatch",
  "AuthorizationResourceTypeMismatch",
  "AuthorizationServiceMismatch",
  "AuthorizationSourceIPMismatch",
  "InsufficientAccountPermissions",
  "AccountIsDisabled",
  "NoAuthenticationInformation",
  "InvalidAuthenticationInfo",
  "PublicAccessNotPermitted",
]);

/** Azure Blob error codes naming something that does not exist. */
const AZURE_MISSING: Record<string, string> = {
  BlobNotFound: "no such blob",
  ContainerNotFound: "no such container",
  ResourceNotFound: "no such resource",
};

/** HTTP statuses worth a retry when no code says otherwise (408, 429 and 5xx except 501). */
const TRANSIENT_STATUS = new Set([408, 429, 500, 502, 503, 504]);

/**
 * Maps an Azure SDK error to the skyfs error family by the service's error code (the
 * `x-ms-error-code` header, which HEAD answers carry too) first, then by HTTP status. 501 and
 * other 4xx answers are never transient.
 */
export function azureError(error: unknown, url: string, operation = "the request"): SkyfsError {
  if (error instanceof SkyfsError) return error;
  const failure = error as { name?: string; statusCode?: number; code?: string; message?: string; details?: { errorCode?: string } };
  const status = failure.statusCode;
  const code = failure.code ?? failure.details?.errorCode;
  const options = { url, code, cause: error };
  const refused = `${operation}: ${[code, status ? `HTTP ${status}` : undefined].filter(Boolean).join(", ") || "network error"}`;
  if (failure.name === "AbortError") return new AbortError("request aborted", options);
  if (code && AZURE_TRANSIENT.has(code)) return new TransientError(`Azure failed ${refused}; worth a retry`, { ...options, status });
  if ((code && AZURE_DENIED.has(code)) || status === 401 || status === 403) {
    const what = code === "PublicAccessNotPermitted" ? "public access is not permitted on this account" : "access refused";
    return new PermissionError(`${what} (${refused})`, options);
  }
  const missing = (code && AZURE_MISSING[code]) || (status === 404 ? "no such blob" : undefined);
  if (missing) return new NotFoundError(missing, options);
  if (code === "ConditionNotMet" || status === 412) return new ConsistencyError("the blob changed since it was opened", options);
  if (code === "InvalidRange" || status === 416) return new ProtocolError(`the range is outside the blob (${refused})`, options);
  if (code === "NotImplemented" || code === "UnsupportedHttpVerb" || status === 501)
    return new NotSupportedError(`the store does not implement ${refused}`, options);
  if (status === undefined || TRANSIENT_STATUS.has(status))
    return new TransientError(`Azure failed ${refused}; worth a retry`, { ...options, status });
  const message = (failure.message ?? "").split("\n")[0];
  return new SkyfsError(`Azure refused ${refused}: ${message}`, options);
}
