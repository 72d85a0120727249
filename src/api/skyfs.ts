/**
 * The public surface of `skyfs` that runs on every platform; the Node and browser entry points
 * re-export it after installing their platform.
 * @module
 */

export type { AzureOptions, AzureUrl } from "../backends/azure/index.js";
export { AzureBackend, azureError, parseAzureAccountUrl } from "../backends/azure/index.js";
export { gcsError } from "../backends/gcs/errors.js";
export type { GcsJsonOptions } from "../backends/gcs/json-backend.js";
export { GcsJsonBackend } from "../backends/gcs/json-backend.js";
export type { DescribedRead, HttpOptions } from "../backends/http/backend.js";
export { HttpBackend } from "../backends/http/backend.js";
export { FetchTransport } from "../backends/http/fetch-transport.js";
export type {
  ChunkVerdict,
  ConsumeOptions,
  HttpTransport,
  TransportFactory,
  TransportOptions,
  TransportReply,
  TransportRequest,
} from "../backends/http/transport.js";
export { defaultHttpTransport, setDefaultHttpTransport } from "../backends/http/transport.js";
export type { UndiciDispatchController, UndiciDispatcher, UndiciDispatchHandler } from "../backends/http/undici-dispatcher.js";
export type { MemoryOptions, MemoryStore, StoredObject } from "../backends/memory.js";
export { createMemoryStore, MemoryBackend } from "../backends/memory.js";
export type { S3Credentials, S3HttpsUrl, S3Options } from "../backends/s3/index.js";
export { parseS3HttpsUrl, S3Backend, spacesEndpoint } from "../backends/s3/index.js";
export type { AuthPlugin, HttpRequestParts } from "../core/auth.js";
export { anonymousAuth, basicAuth, bearerAuth, headerAuth } from "../core/auth.js";
export type {
  Backend,
  BackendWriter,
  ByteSink,
  FileInfo,
  GetOptions,
  GetResult,
  ListOptions,
  RequestOptions,
  WriteOptions,
} from "../core/backend.js";
export { BackendLayer, baseBackend } from "../core/backend.js";
export { BackendByteSource } from "../core/backend-source.js";
export type { ByteRange, ByteSource, IoOptions } from "../core/byte-source.js";
export { latin1Decode, latin1Encode } from "../core/bytes.js";
export { BlockCacheBackend } from "../core/cache/block-layer.js";
export type { BlockStoreStats, CacheOptions, CacheStrategy } from "../core/cache/index.js";
export {
  BlockCachedSource,
  BlockStore,
  cachedSource,
  DEFAULT_BLOCK_SIZE,
  DEFAULT_CACHE,
  DEFAULT_HEAD_SIZE,
  HeadCachedSource,
  ReadaheadSource,
  WholeObjectSource,
} from "../core/cache/index.js";
export type { FileCacheDownload } from "../core/cache/local-copies-layer.js";
export { FileCacheBackend } from "../core/cache/local-copies-layer.js";
export type { BlockCacheLayerOptions, ChainLayer, FileCacheLayerOptions } from "../core/chaining.js";
export { registerChainLayer } from "../core/chaining.js";
export * from "../core/compression/index.js";
export type { CompressionOptions } from "../core/compression/layer.js";
export { mapLimit, Semaphore, WeightedSemaphore } from "../core/concurrency.js";
export type { UrlGlobOptions, UrlOptions } from "../core/dispatch.js";
export { cat, glob, open } from "../core/dispatch.js";
export * from "../core/errors.js";
export type {
  FileSystemOptions,
  FindOptions,
  GlobOptions,
  RecursiveOptions,
  WalkEntry,
} from "../core/filesystem.js";
export { FileSystem, resolveSlice } from "../core/filesystem.js";
export { hasMagic } from "../core/glob.js";
export { cachedInstanceCount, clearInstanceCache, instanceKey } from "../core/instance-cache.js";
export { DEFAULT_REQUEST_CONCURRENCY, LimitBackend } from "../core/limit.js";
export { hasLocalDisk } from "../core/local-disk.js";
export { localFileError } from "../core/local-errors.js";
export type { ManifestEntry, ManifestGlobOptions } from "../core/manifest.js";
export { globManifest, parseManifestLine } from "../core/manifest.js";
export { BytesSource } from "../core/memory-source.js";
export { relativePath } from "../core/paths.js";
export type { BlockCacheOptions, Stack, StackOptions } from "../core/pipeline.js";
export { buildStack, DEFAULT_PART_SIZE, DEFAULT_PARTS_IN_FLIGHT } from "../core/pipeline.js";
export type { PlannedFetch, RangePlanOptions } from "../core/range-plan.js";
export { DEFAULT_MAX_PART_SIZE, DEFAULT_MERGE_GAP, executePlan, planRanges } from "../core/range-plan.js";
export type { PinnedReadOptions } from "../core/reads.js";
export { describe, readHead, readRange, streamRange } from "../core/reads.js";
export type { ReducedError } from "../core/redact.js";
export { redactText, redactUrl } from "../core/redact.js";
export type { FileSystemFactory, StorageOptions, UrlRecognizer } from "../core/registry.js";
export { filesystem, registeredSchemes, registerFileSystem, registerUrlRecognizer, schemeOf, urlToFs } from "../core/registry.js";
export type { RetryEvent, RetryOptions } from "../core/retry.js";
export { isRetryable, RetryingBackend, withRetry } from "../core/retry.js";
export type { RequestKind, TransferSnapshot } from "../core/stats.js";
export { StatsBackend, TransferStats } from "../core/stats.js";
export type { ReadLinesOptions } from "../core/text-lines.js";
export { lineBatches, readLineBatches, readLines } from "../core/text-lines.js";
export type { FailedTransfer, TransferBatchOptions } from "../core/transfer-batch.js";
export { type HandOff, runTransferBatch, TransferError } from "../core/transfer-batch.js";
export type { TransferOptions, TransferProgress } from "../core/transfers.js";
export type { NumericArray } from "../core/typed-array.js";
