/**
 * Registers the backends that run on every platform: memory, HTTP(S) over the platform's
 * transport, S3 and Azure (their SDKs load lazily, in their Node or browser builds).
 * @module
 */
import { registerFileSystem } from "../core/registry.js";
import { registerAzure } from "./azure/index.js";
import { HttpBackend, type HttpOptions } from "./http/backend.js";
import { MemoryBackend, type MemoryOptions } from "./memory.js";
import { registerS3 } from "./s3/index.js";

/** Registers `memory://`, `http(s)://`, the S3 schemes and the Azure schemes. */
export function registerPortableBackends(): void {
  registerFileSystem("memory", (options) => new MemoryBackend(options as MemoryOptions));
  registerFileSystem("http", (options) => new HttpBackend(options as HttpOptions, "http"));
  registerFileSystem("https", (options) => new HttpBackend(options as HttpOptions, "https"));
  registerS3();
  registerAzure();
}
