/**
 * The table of URL schemes: which backend serves `s3://`, `https://`, a bare path... Backends
 * (built-in or third-party) register here; {@link urlToFs} looks them up.
 * @module
 */
import type { Backend } from "./backend.js";
import { splitChain } from "./chaining.js";
import { InvalidUrlError } from "./errors.js";
import { FileSystem, type FileSystemOptions } from "./filesystem.js";
import { cachedInstance, instanceKey, rememberInstance } from "./instance-cache.js";

/** Options passed through to a backend (auth, endpoint, region ...) and to its filesystem. */
export type StorageOptions = FileSystemOptions & {
  /**
   * `"shared"` (default): the same protocol and equal options give the same filesystem, one
   * connection pool for every call. `"private"`: a new filesystem that no other call sees.
   */
  instance?: "shared" | "private";
} & Record<string, unknown>;

/** Builds a backend, or a whole filesystem, for a scheme from the user's options. */
export type FileSystemFactory = (options: StorageOptions, protocol: string) => Backend | FileSystem;

/**
 * Recognises URLs of one provider that come under another scheme (e.g. an S3 HTTPS endpoint)
 * and says which registered scheme should serve them (with options the URL implies, such as a
 * region, under the user's own), or `undefined` to pass.
 */
export type UrlRecognizer = (url: string, options: StorageOptions) => { protocol: string; options?: StorageOptions } | undefined;

const factories = new Map<string, FileSystemFactory>();
const recognizers: UrlRecognizer[] = [];

/**
 * Registers a backend for a URL scheme (without `://`). Registering a scheme again replaces
 * the earlier factory, so a third party can override a built-in.
 */
export function registerFileSystem(scheme: string, factory: FileSystemFactory): void {
  if (!/^[a-z][a-z0-9+.-]*$/i.test(scheme)) throw new InvalidUrlError(`invalid scheme name ${JSON.stringify(scheme)}`);
  factories.set(scheme.toLowerCase(), factory);
}

/** Registers a recognizer consulted before the scheme table (see {@link UrlRecognizer}). */
export function registerUrlRecognizer(recognizer: UrlRecognizer): void {
  recognizers.push(recognizer);
}

/** The schemes registered so far. */
export function registeredSchemes(): string[] {
  return [...factories.keys()].sort();
}

/**
 * The scheme of a URL (lower-case), or `file` for a bare path. A single letter before `:` is
 * a Windows drive, not a scheme.
 */
export function schemeOf(url: string): string {
  const match = /^([a-z][a-z0-9+.-]*):/i.exec(url);
  if (!match || match[1]!.length === 1) return "file";
  return match[1]!.toLowerCase();
}

/**
 * The filesystem for a scheme and options: its backend wrapped in the pipeline's layers (see
 * `buildStack`). Instances are shared: the same protocol and equal options
 * (plain values compared by value, functions and other objects by identity; see
 * {@link instanceKey}) return the same filesystem until it is closed or
 * {@link clearInstanceCache} runs; `instance: "private"` builds one that is not shared. Throws
 * {@link InvalidUrlError} for an unknown scheme.
 */
export function filesystem(protocol: string, options: StorageOptions = {}): FileSystem {
  const scheme = protocol.toLowerCase();
  const factory = factories.get(scheme);
  if (!factory) {
    throw new InvalidUrlError(`no filesystem is registered for '${scheme}://' (known: ${registeredSchemes().join(", ")})`);
  }
  if (options.instance === "private") return build(factory, scheme, options);
  const key = instanceKey(scheme, { ...options, "\u0000factory": factory });
  const cached = cachedInstance<FileSystem>(key);
  if (cached) return cached;
  const made = build(factory, scheme, options);
  rememberInstance(key, made);
  return made;
}

function build(factory: FileSystemFactory, scheme: string, options: StorageOptions): FileSystem {
  const made = factory(options, scheme);
  return made instanceof FileSystem ? made : new FileSystem(made, options);
}

/**
 * The filesystem serving a URL and the URL's path in that filesystem's form. A chained URL
 * (`blockcache::https://...`, `filecache::s3://...`) gives the inner URL's filesystem with the
 * layer applied; `options[layerName]` configures the layer.
 */
export function urlToFs(url: string, options: StorageOptions = {}): { fs: FileSystem; path: string } {
  const chained = splitChain(url);
  if (chained) {
    const { [chained.name]: layerOptions, ...inner } = options;
    return urlToFs(chained.rest, chained.layer(inner, (layerOptions ?? {}) as Record<string, unknown>) as StorageOptions);
  }
  for (const recognizer of recognizers) {
    const hit = recognizer(url, options);
    if (hit) {
      const fs = filesystem(hit.protocol, { ...hit.options, ...options });
      return { fs, path: fs.path(url) };
    }
  }
  const fs = filesystem(schemeOf(url), options);
  return { fs, path: fs.path(url) };
}
