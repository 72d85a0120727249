/**
 * Registers the backends that ship with skyfs. Imported for its effect by the package's entry
 * points.
 * @module
 */
import { fileCacheLayer } from "../core/cache/file-cache-layer.js";
import { registerFileCacheLayer } from "../core/pipeline.js";
import { registerFileSystem } from "../core/registry.js";
import { registerAzure } from "./azure/index.js";
import { LocalBackend } from "./file.js";
import { registerGcs } from "./gcs/index.js";
import { HttpBackend, type HttpOptions } from "./http.js";
import { MemoryBackend, type MemoryOptions } from "./memory.js";
import { registerS3 } from "./s3/index.js";

registerFileSystem("file", () => new LocalBackend());
registerFileCacheLayer(fileCacheLayer);
registerFileSystem("memory", (options) => new MemoryBackend(options as MemoryOptions));
registerFileSystem("http", (options) => new HttpBackend(options as HttpOptions, "http"));
registerFileSystem("https", (options) => new HttpBackend(options as HttpOptions, "https"));
registerS3();
registerAzure();
registerGcs();
