/**
 * The `mast:` scheme: a read-only backend whose paths are MAST data URIs, each resolved (once,
 * cached) to its cloud URL and read there, anonymously by default.
 * @module
 */
import type { Backend, FileInfo, GetOptions, GetResult } from "../core/backend.js";
import { NotSupportedError } from "../core/errors.js";
import { FileSystem } from "../core/filesystem.js";
import { registerFileSystem, type StorageOptions, urlToFs } from "../core/registry.js";
import { type ResolveOptions, resolveCloudUri } from "./resolve.js";

/** Storage options that say how to authenticate; any of them turns off the anonymous default. */
const AUTH_OPTIONS = [
  "anon",
  "credentials",
  "profile",
  "requesterPays",
  "keyFilename",
  "connectionString",
  "accountKey",
  "sasToken",
  "credential",
];

/** The storage options a `mast:` read uses: as given, or anonymous when none says how to authenticate. */
function mastStorage(storage: StorageOptions): StorageOptions {
  return AUTH_OPTIONS.some((name) => storage[name] !== undefined) ? storage : { anon: true, ...storage };
}

/** Options of `mast:` filesystems: storage options for the cloud store, plus `mast` for the resolver. */
export type MastOptions = StorageOptions & { mast?: ResolveOptions };

/**
 * Reads `mast:` URIs from where MAST says they live in the cloud: each `get` is sent through the
 * shared filesystem of the cloud URL (its stack retries and counts the real requests).
 * Read-only.
 */
export class MastBackend implements Backend {
  readonly protocol = "mast";
  private readonly targets = new Map<string, Promise<{ fs: FileSystem; path: string }>>();

  constructor(private readonly options: MastOptions = {}) {}

  stripProtocol(urlOrPath: string): string {
    return urlOrPath.replace(/^mast:/i, "");
  }

  toUrl(path: string): string {
    return `mast:${path}`;
  }

  async get(path: string, options: GetOptions = {}): Promise<GetResult> {
    const target = await this.target(path);
    const { onRequest: _onRequest, ...forwarded } = options;
    const result = await target.fs.backend.get(target.path, forwarded);
    return { info: { ...result.info, name: path }, bytes: result.bytes };
  }

  async list(path: string): Promise<FileInfo[]> {
    throw new NotSupportedError("MAST data URIs name products, not folders: list their cloud location instead", { url: this.toUrl(path) });
  }

  private target(path: string): Promise<{ fs: FileSystem; path: string }> {
    let target = this.targets.get(path);
    if (!target) {
      const { mast, ...given } = this.options;
      const storage = mastStorage(given);
      target = resolveCloudUri(this.toUrl(path), { storage, ...mast }).then((url) => urlToFs(url, storage));
      this.targets.set(path, target);
      target.catch(() => this.targets.delete(path));
    }
    return target;
  }
}

/**
 * Registers `mast:` (done when `skyfs/mast` is imported). Its own stack has no retry layer: the
 * cloud filesystems it reads through retry.
 */
export function registerMast(): void {
  registerFileSystem("mast", (options) => new FileSystem(new MastBackend(options as MastOptions), { ...options, retry: false }));
}
