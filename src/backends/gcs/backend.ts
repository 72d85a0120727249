/**
 * The Google Cloud Storage backend on `@google-cloud/storage`, an optional peer dependency loaded
 * on first use: listings with prefix, delimiter and pages, ranged reads pinned to the generation
 * seen at open, simple and resumable uploads, rewrites for server-side copies, requester pays
 * through `userProject`. Auth: Application Default Credentials, a service-account key, or
 * anonymous requests with no credential lookup.
 * @module
 */
import type * as Gcs from "@google-cloud/storage";
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
  type SkyfsError,
  TransientError,
} from "../../core/errors.js";
import { trimTrailingSlash } from "../../core/paths.js";
import { watchAbort } from "../../core/signal-listeners.js";
import { streamTo } from "../ranged-get.js";
import { gcsError } from "./errors.js";

/** Options of the GCS backend. */
export interface GcsOptions {
  /** Project of the client (default: from the credentials). */
  projectId?: string;
  /** Path of a service-account key file. */
  keyFilename?: string;
  /** A service-account key as an object. */
  credentials?: Record<string, unknown>;
  /** Anonymous requests to public buckets; no credential lookup at all. */
  anon?: boolean;
  /** Requester pays: the project billed for the requests (sent as `userProject` on every call). */
  requesterPays?: string;
  /** API endpoint for emulators and private endpoints (default `https://storage.googleapis.com`). */
  apiEndpoint?: string;
  /** Objects per listing page (default 1000). */
  pageSize?: number;
  /** Bodies above this size use a resumable upload (default 8 MiB). */
  resumableThreshold?: number;
}

type Sdk = typeof Gcs;

/** The GCS backend. Paths are `bucket/object`. */
export class GcsBackend implements Backend {
  readonly recursiveListing = true;
  readonly writer: BackendWriter = {
    put: (path, data, options) => this.write(path, data, options),
    delete: (paths, options) => this.deleteFiles(paths, options),
    copy: (source, target, options) => this.copyFile(source, target, options),
  };
  private storage: Promise<Gcs.Storage> | undefined;

  constructor(
    private readonly options: GcsOptions = {},
    /** The scheme this instance serves (`gs` or `gcs`). */
    readonly protocol = "gs",
  ) {
    if (options.requesterPays !== undefined && typeof options.requesterPays !== "string") {
      throw new InvalidArgumentError("on GCS, requesterPays names the billing project (a string)");
    }
  }

  stripProtocol(urlOrPath: string): string {
    const https = /^https:\/\/storage\.googleapis\.com\/(.*)$/i.exec(urlOrPath);
    const path = https ? decodeURIComponent((https[1] as string).replace(/[?#].*$/, "")) : urlOrPath.replace(/^(gs|gcs):\/\//i, "");
    return trimTrailingSlash(path).replace(/^\/+/, "");
  }

  toUrl(path: string): string {
    return `${this.protocol}://${path}`;
  }

  /**
   * The store interface's one read: a description, a head read (one ranged GET that also gives
   * the size and ETag), or a ranged read pinned to an ETag or version.
   */
  async get(path: string, options: GetOptions = {}): Promise<GetResult> {
    if (options.head) return { info: await this.info(path, options), bytes: new Uint8Array(0) };
    if (!options.range || (options.range.offset === 0 && options.ifMatch === undefined && options.version === undefined)) {
      const info = await this.info(path, options);
      const offset = options.range?.offset ?? 0;
      const length = Math.max(0, Math.min(options.range?.length ?? info.size, info.size - offset));
      const bytes = length === 0 ? new Uint8Array(0) : await this.readRange(path, offset, length, { ...options, version: info.version });
      return { info, bytes };
    }
    const { offset, length } = options.range;
    const bytes = await this.readRange(path, offset, length, options);
    const info: FileInfo = { name: path, type: "file", size: -1 };
    if (options.version !== undefined) info.version = options.version;
    return { info, bytes };
  }

  /** Describes an object, or a prefix by listing one entry below it; each request is reported. */
  async info(path: string, options: RequestOptions = {}): Promise<FileInfo> {
    const { bucket, name } = split(path);
    const handle = await this.bucket(bucket);
    if (name !== "") {
      try {
        options.onRequest?.();
        const [metadata] = await handle.file(name).getMetadata();
        return describe(path, metadata);
      } catch (error) {
        const mapped = this.error(error, path, "objects.get");
        if (!(mapped instanceof NotFoundError)) throw mapped;
      }
    }
    throwIfAborted(options, this.toUrl(path));
    try {
      options.onRequest?.();
      const [files, , response] = await handle.getFiles({
        prefix: name === "" ? undefined : `${name}/`,
        maxResults: 1,
        autoPaginate: false,
      });
      const prefixes = (response as { prefixes?: string[] } | undefined)?.prefixes ?? [];
      if (name === "" || files.length > 0 || prefixes.length > 0) return { name: path, type: "directory", size: 0 };
    } catch (error) {
      throw this.error(error, path, "objects.list");
    }
    throw new NotFoundError("no such object or prefix", { url: this.toUrl(path) });
  }

  async list(path: string, options: ListOptions = {}): Promise<FileInfo[]> {
    const { bucket, name } = split(path);
    const prefix = name === "" ? "" : `${name}/`;
    const handle = await this.bucket(bucket);
    const found = new Map<string, FileInfo>();
    let query: Gcs.GetFilesOptions | undefined = {
      prefix,
      delimiter: options.recursive ? undefined : "/",
      maxResults: this.options.pageSize ?? 1000,
      autoPaginate: false,
    };
    try {
      while (query) {
        throwIfAborted(options, this.toUrl(path));
        options.onRequest?.();
        const [files, next, response]: [Gcs.File[], unknown, unknown] = await handle.getFiles(query);
        for (const prefixName of (response as { prefixes?: string[] } | undefined)?.prefixes ?? []) {
          const full = `${bucket}/${prefixName.replace(/\/$/, "")}`;
          found.set(full, { name: full, type: "directory", size: 0 });
        }
        for (const file of files) {
          if (file.name.endsWith("/")) continue;
          const full = `${bucket}/${file.name}`;
          found.set(full, describe(full, file.metadata));
        }
        query = next ? ({ ...query, ...(next as Gcs.GetFilesOptions) } as Gcs.GetFilesOptions) : undefined;
      }
    } catch (error) {
      throw this.error(error, path, "objects.list");
    }
    if (found.size === 0 && name !== "") throw new NotFoundError("no such prefix", { url: this.toUrl(path) });
    return [...found.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async readRange(path: string, offset: number, length: number, options: GetOptions = {}): Promise<Uint8Array> {
    const { bucket, name } = split(path);
    const handle = await this.bucket(bucket);
    const file = handle.file(name, options.version ? { generation: Number(options.version) } : {});
    const request = { start: offset, end: offset + length - 1, validation: false as const, userProject: this.options.requesterPays };
    const failed = (error: unknown): SkyfsError => {
      const mapped = this.error(error, path, "objects.get (media download)");
      if (mapped instanceof NotFoundError && options.version)
        return new ConsistencyError("the object changed since it was opened (its generation is gone)", { url: this.toUrl(path) });
      return mapped;
    };
    throwIfAborted(options, this.toUrl(path));
    options.onRequest?.();
    if (options.sink) {
      const body = file.createReadStream(request);
      const abort = (): void => void body.destroy(new AbortError("request aborted", { url: this.toUrl(path) }));
      const unwatch = options.signal ? watchAbort(options.signal, abort) : undefined;
      let received: number;
      try {
        received = await streamTo(body, options.sink, offset, length, this.toUrl(path), failed);
      } finally {
        unwatch?.();
        body.destroy();
      }
      if (received !== length) throw new TransientError(`body cut short: ${received} of ${length} bytes`, { url: this.toUrl(path) });
      return new Uint8Array(0);
    }
    let bytes: Buffer;
    try {
      [bytes] = await file.download(request);
    } catch (error) {
      throw failed(error);
    }
    if (bytes.length !== length) throw new TransientError(`body cut short: ${bytes.length} of ${length} bytes`, { url: this.toUrl(path) });
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  }

  async write(path: string, data: Uint8Array, options: WriteOptions = {}): Promise<void> {
    const { bucket, name } = split(path);
    if (name === "") throw new InvalidArgumentError("an object path needs a name after the bucket", { url: this.toUrl(path) });
    const handle = await this.bucket(bucket);
    try {
      await handle.file(name).save(Buffer.from(data.buffer, data.byteOffset, data.length), {
        resumable: data.length > (this.options.resumableThreshold ?? 8 * 1024 * 1024),
        validation: false,
        contentType: options.contentType,
        userProject: this.options.requesterPays,
      });
    } catch (error) {
      throw this.error(error, path, "objects.insert");
    }
  }

  async deleteFiles(paths: readonly string[], options: RequestOptions = {}): Promise<void> {
    await mapLimit(paths, 16, async (path) => {
      const { bucket, name } = split(path);
      try {
        options.onRequest?.();
        await (await this.bucket(bucket)).file(name).delete();
      } catch (error) {
        throw this.error(error, path, "objects.delete");
      }
    });
  }

  async copyFile(source: string, target: string, options: RequestOptions = {}): Promise<void> {
    const from = split(source);
    const to = split(target);
    const storage = await this.client();
    try {
      options.onRequest?.();
      await (await this.bucket(from.bucket))
        .file(from.name)
        .copy(storage.bucket(to.bucket, this.bucketOptions()).file(to.name), { userProject: this.options.requesterPays });
    } catch (error) {
      throw this.error(error, source, "objects.rewrite");
    }
  }

  private bucketOptions(): Gcs.BucketOptions {
    return this.options.requesterPays ? { userProject: this.options.requesterPays } : {};
  }

  private async bucket(name: string): Promise<Gcs.Bucket> {
    if (name === "") throw new InvalidArgumentError("a GCS path starts with a bucket name");
    return (await this.client()).bucket(name, this.bucketOptions());
  }

  private client(): Promise<Gcs.Storage> {
    this.storage ??= (async () => {
      let sdk: Sdk;
      try {
        sdk = await import("@google-cloud/storage");
      } catch {
        throw new MissingDependencyError("@google-cloud/storage", `${this.protocol}:// URLs`);
      }
      const options = this.options;
      const config: Gcs.StorageOptions = { retryOptions: { autoRetry: false, maxRetries: 0 } };
      if (options.projectId) config.projectId = options.projectId;
      if (options.anon) {
        config.apiEndpoint = options.apiEndpoint ?? "https://storage.googleapis.com";
        config.useAuthWithCustomEndpoint = false;
        config.projectId ??= "anonymous";
      } else {
        if (options.apiEndpoint) config.apiEndpoint = options.apiEndpoint;
        if (options.keyFilename) config.keyFilename = options.keyFilename;
        if (options.credentials) config.credentials = options.credentials as Gcs.StorageOptions["credentials"];
      }
      return new sdk.Storage(config);
    })();
    return this.storage;
  }

  private error(error: unknown, path: string, operation: string): SkyfsError {
    return gcsError(error, this.toUrl(path), this.options.requesterPays !== undefined, operation);
  }
}

function split(path: string): { bucket: string; name: string } {
  const slash = path.indexOf("/");
  return slash < 0 ? { bucket: path, name: "" } : { bucket: path.slice(0, slash), name: path.slice(slash + 1) };
}

function throwIfAborted(options: IoOptions, url: string): void {
  if (options.signal?.aborted) throw new AbortError("operation aborted", { url });
}

function describe(path: string, metadata: Gcs.FileMetadata | undefined): FileInfo {
  const info: FileInfo = { name: path, type: "file", size: Number(metadata?.size ?? 0) };
  if (metadata?.etag) info.etag = metadata.etag;
  if (metadata?.generation !== undefined) info.version = String(metadata.generation);
  if (metadata?.updated) info.mtime = new Date(metadata.updated);
  return info;
}
