/**
 * The S3 backend (AWS S3, DigitalOcean Spaces, any S3-compatible endpoint) on
 * `@aws-sdk/client-s3`, an optional peer dependency loaded on first use.
 * @module
 */
import type * as S3 from "@aws-sdk/client-s3";
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
  MissingDependencyError,
  NotFoundError,
  NotSupportedError,
  PermissionError,
  ProtocolError,
  SkyfsError,
  TransientError,
} from "../../core/errors.js";
import { DEFAULT_REQUEST_CONCURRENCY } from "../../core/limit.js";
import { trimTrailingSlash } from "../../core/paths.js";
import { describableFailure, describedSize, getThroughReads, streamTo } from "../ranged-get.js";
import { parseS3HttpsUrl, spacesEndpoint, splitBucketKey } from "./urls.js";

/** Static credentials. */
export interface S3Credentials {
  /** Access key id. */
  accessKeyId: string;
  /** Secret access key. */
  secretAccessKey: string;
  /** Session token of temporary credentials. */
  sessionToken?: string;
}

/** Options of the S3 backend. */
export interface S3Options {
  /** Region (default `us-east-1`, or the one named in an HTTPS URL). */
  region?: string;
  /** Endpoint of an S3-compatible store (`http://127.0.0.1:9000`, a Spaces endpoint ...). */
  endpoint?: string;
  /** Address buckets in the path instead of the host name (default: true with a custom endpoint). */
  pathStyle?: boolean;
  /** Static credentials; by default the SDK's provider chain (env, profile, SSO, instance role). */
  credentials?: S3Credentials;
  /** A named profile of the shared config files. */
  profile?: string;
  /** Unsigned requests with no credential lookup at all (public buckets). */
  anon?: boolean;
  /** Send `x-amz-request-payer: requester` on every request: reads, listings, writes, multipart uploads, copies and deletes. */
  requesterPays?: boolean;
  /** Keys per listing page (default 1000). */
  pageSize?: number;
  /** Bodies larger than this go up as multipart uploads (default 16 MiB). */
  multipartThreshold?: number;
  /** Part size of multipart uploads (default 8 MiB, at least 5 MiB on AWS). */
  partSize?: number;
  /** Parts uploaded at once (default 4). */
  uploadConcurrency?: number;
  /** Sockets kept per host (default 100, the filesystem's default of requests in flight per host). */
  connections?: number;
}

type Sdk = typeof S3;

const MULTIPART_THRESHOLD = 16 * 1024 * 1024;
const PART_SIZE = 8 * 1024 * 1024;

/** The S3 backend. Paths are `bucket/key`. */
export class S3Backend implements Backend {
  readonly recursiveListing = true;
  readonly describesRanges = true;
  readonly writer: BackendWriter = {
    put: (path, data, options) => this.write(path, data, options),
    delete: (paths, options) => this.deleteFiles(paths, options),
    copy: (source, target, options) => this.copyFile(source, target, options),
  };
  private sdk: Promise<{ sdk: Sdk; client: S3.S3Client }> | undefined;

  constructor(
    private readonly options: S3Options = {},
    /** The scheme this instance serves (`s3`, `s3a` or `spaces`). */
    readonly protocol = "s3",
  ) {}

  stripProtocol(urlOrPath: string): string {
    const https = parseS3HttpsUrl(urlOrPath);
    if (https) return trimTrailingSlash(`${https.bucket}/${https.key}`).replace(/\/$/, "");
    return trimTrailingSlash(urlOrPath.replace(/^(s3a?|spaces):\/\//i, "")).replace(/^\/+/, "");
  }

  toUrl(path: string): string {
    return `${this.protocol}://${path}`;
  }

  /** The endpoint requests go to (undefined: the AWS endpoint of the region). */
  get endpoint(): string | undefined {
    return this.options.endpoint ?? (this.protocol === "spaces" ? spacesEndpoint(this.options.region ?? "nyc3") : undefined);
  }

  /**
   * The store interface's one read: a description, a head read (one ranged GET that also gives
   * the size and ETag), or a ranged read pinned to an ETag or version.
   */
  get(path: string, options: GetOptions = {}): Promise<GetResult> {
    return getThroughReads(this, path, options);
  }

  async info(path: string, options: IoOptions = {}): Promise<FileInfo> {
    const { bucket, key } = splitBucketKey(path);
    if (key !== "") {
      try {
        const head = await this.send("HeadObject", { Bucket: bucket, Key: key }, path, options);
        return describeObject(path, head.ContentLength ?? 0, head.ETag, head.LastModified, head.VersionId);
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
      }
    }
    const page = await this.send("ListObjectsV2", { Bucket: bucket, Prefix: key === "" ? "" : `${key}/`, MaxKeys: 1 }, path, options);
    if ((page.Contents?.length ?? 0) > 0 || (page.CommonPrefixes?.length ?? 0) > 0 || key === "")
      return { name: path, type: "directory", size: 0 };
    throw new NotFoundError("no such object or prefix", { url: this.toUrl(path) });
  }

  async list(path: string, options: ListOptions = {}): Promise<FileInfo[]> {
    const { bucket, key } = splitBucketKey(path);
    const prefix = key === "" ? "" : `${key}/`;
    const found = new Map<string, FileInfo>();
    let token: string | undefined;
    do {
      const page: S3.ListObjectsV2CommandOutput = await this.send(
        "ListObjectsV2",
        {
          Bucket: bucket,
          Prefix: prefix,
          Delimiter: options.recursive ? undefined : "/",
          ContinuationToken: token,
          MaxKeys: this.options.pageSize,
        },
        path,
        options,
      );
      for (const object of page.Contents ?? []) {
        if (!object.Key || object.Key.endsWith("/")) continue;
        const name = `${bucket}/${object.Key}`;
        found.set(name, describeObject(name, object.Size ?? 0, object.ETag, object.LastModified));
      }
      for (const common of page.CommonPrefixes ?? []) {
        if (!common.Prefix) continue;
        const name = `${bucket}/${common.Prefix.replace(/\/+$/, "")}`;
        found.set(name, { name, type: "directory", size: 0 });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    if (found.size === 0) {
      const info = await this.info(path, options).catch(() => undefined);
      if (info?.type === "file") return [info];
      if (key !== "") throw new NotFoundError("no such prefix", { url: this.toUrl(path) });
    }
    return [...found.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * One ranged GetObject gives the size (Content-Range), the ETag and the head. An object the
   * range does not fit (an empty one answers 416 on S3; some compatible stores drop the
   * connection) is described by a HeadObject, without a head; both requests are reported to
   * the stats layer and retried together.
   */
  async readDescribed(
    path: string,
    offset: number,
    length: number,
    options: IoOptions = {},
  ): Promise<{ info: FileInfo; bytes: Uint8Array }> {
    const { bucket, key } = splitBucketKey(path);
    if (key === "" || length === 0) return { info: await this.info(path, options), bytes: new Uint8Array(0) };
    let reply: S3.GetObjectCommandOutput;
    let bytes: Uint8Array;
    try {
      reply = await this.send("GetObject", { Bucket: bucket, Key: key, Range: `bytes=${offset}-${offset + length - 1}` }, path, options);
      bytes = (await reply.Body?.transformToByteArray()) ?? new Uint8Array(0);
    } catch (error) {
      if (!describableFailure(error, offset)) throw error;
      return { info: await this.info(path, options), bytes: new Uint8Array(0) };
    }
    const size = describedSize(reply.ContentRange, reply.ContentLength, offset, this.toUrl(path));
    const expected = Math.max(0, Math.min((size ?? length) - offset, length));
    if (size === undefined || bytes.length !== expected) {
      throw new TransientError(`body cut short: ${bytes.length} of ${expected} bytes`, { url: this.toUrl(path) });
    }
    return { info: describeObject(path, size, reply.ETag, reply.LastModified, reply.VersionId), bytes };
  }

  async readRange(path: string, offset: number, length: number, options: GetOptions = {}): Promise<Uint8Array> {
    const { bucket, key } = splitBucketKey(path);
    const reply = await this.send(
      "GetObject",
      { Bucket: bucket, Key: key, Range: `bytes=${offset}-${offset + length - 1}`, IfMatch: options.ifMatch, VersionId: options.version },
      path,
      options,
    );
    if (options.ifMatch && reply.ETag && reply.ETag !== options.ifMatch) {
      await reply.Body?.transformToByteArray().catch(() => undefined);
      throw new ConsistencyError("the object changed since it was opened", { url: this.toUrl(path), code: "ETagMismatch" });
    }
    const url = this.toUrl(path);
    const transportError = (error: unknown): SkyfsError => sdkError(error, url, this.options.requesterPays === true, "GetObject");
    let bytes = new Uint8Array(0);
    let received: number;
    if (options.sink) {
      received = await streamTo(reply.Body as AsyncIterable<Uint8Array> | undefined, options.sink, offset, length, url, transportError);
    } else {
      try {
        bytes = (await reply.Body?.transformToByteArray()) ?? bytes;
      } catch (error) {
        throw transportError(error);
      }
      received = bytes.length;
    }
    if (received !== length) throw new TransientError(`body cut short: ${received} of ${length} bytes`, { url: this.toUrl(path) });
    return bytes;
  }

  async write(path: string, data: Uint8Array, options: WriteOptions = {}): Promise<void> {
    const { bucket, key } = splitBucketKey(path);
    if (data.length <= (this.options.multipartThreshold ?? MULTIPART_THRESHOLD)) {
      await this.send(
        "PutObject",
        { Bucket: bucket, Key: key, Body: data, ContentType: options.contentType, ContentLength: data.length },
        path,
        options,
      );
      return;
    }
    const partSize = this.options.partSize ?? PART_SIZE;
    const upload = await this.send("CreateMultipartUpload", { Bucket: bucket, Key: key, ContentType: options.contentType }, path, options);
    const uploadId = upload.UploadId as string;
    try {
      const starts = Array.from({ length: Math.ceil(data.length / partSize) }, (_, i) => i * partSize);
      const parts = await mapLimit(starts, this.options.uploadConcurrency ?? 4, async (start, i) => {
        const body = data.subarray(start, Math.min(data.length, start + partSize));
        const part = await this.send(
          "UploadPart",
          { Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: i + 1, Body: body, ContentLength: body.length },
          path,
          options,
        );
        return { ETag: part.ETag, PartNumber: i + 1 };
      });
      await this.send(
        "CompleteMultipartUpload",
        { Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts } },
        path,
        options,
      );
    } catch (error) {
      await this.send("AbortMultipartUpload", { Bucket: bucket, Key: key, UploadId: uploadId }, path, {}).catch(() => undefined);
      throw error;
    }
  }

  async deleteFiles(paths: readonly string[], options: IoOptions = {}): Promise<void> {
    const byBucket = new Map<string, string[]>();
    for (const path of paths) {
      const { bucket, key } = splitBucketKey(path);
      byBucket.set(bucket, [...(byBucket.get(bucket) ?? []), key]);
    }
    for (const [bucket, keys] of byBucket) {
      for (let i = 0; i < keys.length; i += 1000) {
        const batch = keys.slice(i, i + 1000);
        const reply = await this.send(
          "DeleteObjects",
          { Bucket: bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: false } },
          bucket,
          options,
        );
        const failed = reply.Errors?.[0];
        if (failed)
          throw new SkyfsError(`could not delete: ${failed.Message ?? failed.Code}`, {
            url: this.toUrl(`${bucket}/${failed.Key}`),
            code: failed.Code,
          });
      }
    }
  }

  async copyFile(source: string, target: string, options: IoOptions = {}): Promise<void> {
    const from = splitBucketKey(source);
    const to = splitBucketKey(target);
    const copySource = `${from.bucket}/${from.key.split("/").map(encodeURIComponent).join("/")}`;
    await this.send("CopyObject", { Bucket: to.bucket, Key: to.key, CopySource: copySource }, source, options);
  }

  async close(): Promise<void> {
    if (this.sdk) (await this.sdk).client.destroy();
  }

  private client(): Promise<{ sdk: Sdk; client: S3.S3Client }> {
    this.sdk ??= (async () => {
      let sdk: Sdk;
      try {
        sdk = await import("@aws-sdk/client-s3");
      } catch {
        throw new MissingDependencyError("@aws-sdk/client-s3", `${this.protocol}:// URLs`);
      }
      const options = this.options;
      const endpoint = this.endpoint;
      const config: S3.S3ClientConfig = {
        region: options.region ?? "us-east-1",
        endpoint,
        forcePathStyle: options.pathStyle ?? (endpoint !== undefined && this.protocol !== "spaces"),
        maxAttempts: 1,
        requestChecksumCalculation: "WHEN_REQUIRED",
        responseChecksumValidation: "WHEN_REQUIRED",
        requestHandler: {
          httpAgent: { keepAlive: true, maxSockets: options.connections ?? DEFAULT_REQUEST_CONCURRENCY },
          httpsAgent: { keepAlive: true, maxSockets: options.connections ?? DEFAULT_REQUEST_CONCURRENCY },
        },
      };
      if (options.anon) {
        config.credentials = { accessKeyId: "anonymous", secretAccessKey: "anonymous" };
        config.signer = { sign: async (request) => request };
      } else if (options.credentials) {
        config.credentials = options.credentials;
      } else if (options.profile) {
        config.profile = options.profile;
      }
      return { sdk, client: new sdk.S3Client(config) };
    })();
    return this.sdk;
  }

  // biome-ignore lint/suspicious/noExplicitAny: one generic dispatcher over the SDK's command classes
  private async send<T = any>(command: string, input: Record<string, unknown>, path: string, options: RequestOptions): Promise<T> {
    const { sdk, client } = await this.client();
    options.onRequest?.();
    const Command = (sdk as unknown as Record<string, new (input: unknown) => unknown>)[`${command}Command`] as new (
      input: unknown,
    ) => S3.ListObjectsV2Command;
    const payer = this.options.requesterPays ? { RequestPayer: "requester" } : {};
    try {
      return (await client.send(new Command({ ...input, ...payer }), { abortSignal: options.signal })) as T;
    } catch (error) {
      throw sdkError(error, this.toUrl(path), this.options.requesterPays === true, command);
    }
  }
}

function describeObject(name: string, size: number, etag: string | undefined, modified: Date | undefined, version?: string): FileInfo {
  const info: FileInfo = { name, type: "file", size };
  if (etag) info.etag = etag;
  if (modified) info.mtime = modified;
  if (version && version !== "null") info.version = version;
  return info;
}

/** S3 error codes that may pass when the request is sent again (S3 error-code reference). */
const S3_TRANSIENT = new Set([
  "SlowDown",
  "RequestTimeout",
  "InternalError",
  "ServiceUnavailable",
  "OperationAborted",
  "Throttling",
  "ThrottlingException",
  "RequestThrottled",
  "TooManyRequestsException",
]);

/** S3 error codes that refuse the caller, each with what to do about it. */
const S3_DENIED: Record<string, string> = {
  AccessDenied: "access denied",
  Forbidden: "access denied",
  AllAccessDisabled: "all access to this object has been disabled",
  AccountProblem: "the account has a problem that stops this operation",
  InvalidAccessKeyId: "the access key id is unknown to the store",
  SignatureDoesNotMatch: "the request signature does not match: check the secret key, the region and the endpoint",
  ExpiredToken: "the session token has expired: refresh the credentials",
  TokenRefreshRequired: "the session token must be refreshed",
  InvalidToken: "the session token is malformed or invalid",
  RequestTimeTooSkewed: "this machine's clock is too far from the store's",
};

/** S3 error codes naming something that does not exist. */
const S3_MISSING: Record<string, string> = {
  NoSuchKey: "no such object",
  NotFound: "no such object",
  NoSuchBucket: "no such bucket",
  NoSuchVersion: "no such version of the object",
  NoSuchUpload: "no such multipart upload",
};

/** HTTP statuses worth a retry when the store names no code (RFC 9110 and the S3 retry guidance). */
const TRANSIENT_STATUS = new Set([408, 429, 500, 502, 503, 504]);

/**
 * Maps an SDK error to the skyfs error family by the store's error code first (a 400 may be
 * `RequestTimeout`, worth a retry, or `ExpiredToken`, which is not), then by HTTP status for
 * answers without a code (HEAD has no body). 501 and other 4xx answers are never transient.
 */
export function sdkError(error: unknown, url: string, requesterPays: boolean, operation = "the request"): SkyfsError {
  if (error instanceof SkyfsError) return error;
  const failure = error as { name?: string; Code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const name = failure.Code ?? failure.name ?? "Error";
  const status = failure.$metadata?.httpStatusCode;
  const options = { url, code: name, cause: error };
  const refused = `${operation}: ${name}${status ? `, HTTP ${status}` : ""}`;
  if (name === "AbortError") return new AbortError("request aborted", options);
  if (name === "CredentialsProviderError") {
    return new PermissionError(
      "no AWS credentials were found (environment, shared config and credentials files, SSO, instance role); for a public bucket use anonymous access (--anon on the command line, anon: true in code)",
      options,
    );
  }
  if (S3_TRANSIENT.has(name)) return new TransientError(`S3 failed ${refused}; worth a retry`, { ...options, status });
  const denied = S3_DENIED[name] ?? (status === 401 || status === 403 ? "access denied" : undefined);
  if (denied) {
    const hint =
      denied === "access denied" && !requesterPays
        ? "; if the bucket is requester-pays, set requesterPays: true (you pay for the transfer)"
        : "";
    return new PermissionError(`${denied} (${refused})${hint}`, options);
  }
  const missing = S3_MISSING[name] ?? (status === 404 ? "no such object" : undefined);
  if (missing) return new NotFoundError(missing, options);
  if (name === "PreconditionFailed" || status === 412) return new ConsistencyError("the object changed since it was opened", options);
  if (name === "InvalidRange" || status === 416) return new ProtocolError(`the range is outside the object (${refused})`, options);
  if (name === "NotImplemented" || status === 501) return new NotSupportedError(`the store does not implement ${refused}`, options);
  const network =
    status === undefined &&
    /ECONN|EPIPE|ETIMEDOUT|socket|Timeout|Networking/i.test(`${name} ${failure.message} ${(error as { code?: string }).code}`);
  if (network || (status !== undefined && TRANSIENT_STATUS.has(status)))
    return new TransientError(`S3 failed ${refused}; worth a retry`, { ...options, status });
  return new SkyfsError(`S3 refused ${refused}: ${failure.message ?? ""}`, options);
}
