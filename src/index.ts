/**
 * skyfs: one filesystem over every store astronomers keep data in.
 *
 * ```ts
 * import { urlToFs, open } from "skyfs";
 * const { fs, path } = urlToFs("https://example.org/data/");
 * console.log(await fs.ls(path));
 * ```
 *
 * This is the Node entry point: it installs the Node platform (`NodeTransport` for HTTP, local
 * files, the local file cache) and exports the portable surface plus what only Node has.
 * @module skyfs
 */
import "./platform/node.js";

export * from "./api/skyfs.js";
export { LocalBackend } from "./backends/file.js";
export type { GcsOptions } from "./backends/gcs/index.js";
export { GcsBackend } from "./backends/gcs/index.js";
export { NodeTransport, READ_BUFFER_BYTES } from "./backends/http/node-transport.js";
export { UndiciTransport } from "./backends/http/undici-transport.js";
export type { FileCacheOptions } from "./core/cache/file-cache.js";
export { defaultCacheDirectory, LocalFileCache } from "./core/cache/file-cache.js";
