/**
 * The `mast:` scheme: a read-only backend whose paths are MAST data URIs, each resolved (once,
 * cached) to its cloud URL and read there, anonymously by default.
 * @module
 */
import type { Backend, FileInfo, HeadRead, ReadRangeOptions } from "../core/backend.js";
import type { IoOptions } from "../core/byte-source.js";
import { NotSupportedError } from "../core/errors.js";
import type { FileSystem } from "../core/filesystem.js";
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

/** Reads `mast:` URIs from where MAST says they live in the cloud. */
export class MastBackend implements Backend {
  readonly protocol = "mast";
  readonly directories = "prefix";
  private readonly targets = new Map<string, Promise<{ fs: FileSystem; path: string }>>();

  constructor(private readonly options: MastOptions = {}) {}

  stripProtocol(urlOrPath: string): string {
    return urlOrPath.replace(/^mast:/i, "");
  }

  toUrl(path: string): string {
    return `mast:${path}`;
  }

  async info(path: string, options?: IoOptions): Promise<FileInfo> {
    const target = await this.target(path);
    return { ...(await target.fs.backend.info(target.path, options)), name: path };
  }

  async readHead(path: string, length: number, options?: IoOptions): Promise<HeadRead> {
    const target = await this.target(path);
    if (target.fs.backend.readHead) {
      const read = await target.fs.backend.readHead(target.path, length, options);
      return { info: { ...read.info, name: path }, head: read.head };
    }
    return { info: await this.info(path, options), head: new Uint8Array(0) };
  }

  async readRange(path: string, offset: number, length: number, options?: ReadRangeOptions): Promise<Uint8Array> {
    const target = await this.target(path);
    return target.fs.backend.readRange(target.path, offset, length, options);
  }

  async list(path: string): Promise<FileInfo[]> {
    throw new NotSupportedError("MAST data URIs name products, not folders: list their cloud location instead", { url: this.toUrl(path) });
  }

  async write(path: string): Promise<void> {
    throw new NotSupportedError("mast: URLs are read-only", { url: this.toUrl(path) });
  }

  async deleteFiles(paths: readonly string[]): Promise<void> {
    throw new NotSupportedError("mast: URLs are read-only", { url: this.toUrl(paths[0] ?? "") });
  }

  async close(): Promise<void> {
    const targets = await Promise.allSettled(this.targets.values());
    await Promise.all(targets.map((target) => (target.status === "fulfilled" ? target.value.fs.close() : undefined)));
  }

  private target(path: string): Promise<{ fs: FileSystem; path: string }> {
    let target = this.targets.get(path);
    if (!target) {
      const { mast, ...given } = this.options;
      const storage = mastStorage(given);
      target = resolveCloudUri(this.toUrl(path), { storage, ...mast }).then((url) => urlToFs(url, { ...storage, retry: false }));
      this.targets.set(path, target);
      target.catch(() => this.targets.delete(path));
    }
    return target;
  }
}

/** Registers `mast:` (done when `skyfs/mast` is imported). */
export function registerMast(): void {
  registerFileSystem("mast", (options) => new MastBackend(options as MastOptions));
}
