/**
 * What every command shares: the global options turned into storage options, output helpers,
 * and the filesystems opened during the command (for `--stats` and closing).
 * @module
 */
import { type CompressionOption, type FileSystem, InvalidUrlError, type StorageOptions, type TransferSnapshot, urlToFs } from "../index.js";
import { formatBytes, plural } from "./progress.js";

/** The global options of the `skyfs` command. */
export interface GlobalOptions {
  /** Unsigned requests, no credential lookup. */
  anon?: boolean;
  /** Requester-pays: `true` for S3, a billing project for GCS. */
  requesterPays?: boolean | string;
  /** A custom endpoint (S3-compatible stores, emulators). */
  endpoint?: string;
  /** The provider region. */
  region?: string;
  /** A named credentials profile. */
  profile?: string;
  /** Machine-readable output. */
  json?: boolean;
  /** Print requests and bytes moved at the end. */
  stats?: boolean;
  /** `--compression`: a compression, `infer` or `none`. */
  compression?: string;
}

/** The state of one CLI run. */
export class CliContext {
  private readonly opened: FileSystem[] = [];

  constructor(
    /** The parsed global options. */
    readonly options: GlobalOptions,
    /** Where results go. */
    readonly out: NodeJS.WritableStream = process.stdout,
    /** Where progress and statistics go. */
    readonly err: NodeJS.WritableStream = process.stderr,
    /** What `-` as an input file reads. */
    readonly stdin: NodeJS.ReadableStream = process.stdin,
  ) {}

  /** Storage options for the backends, from the global options. */
  storageOptions(): StorageOptions {
    const options: StorageOptions = {};
    if (this.options.anon) options.anon = true;
    if (this.options.requesterPays !== undefined) options.requesterPays = this.options.requesterPays;
    if (this.options.endpoint) {
      if (!/^https?:\/\/[^/?#\s]+/i.test(this.options.endpoint) || !URL.canParse(this.options.endpoint))
        throw new InvalidUrlError("--endpoint takes an http:// or https:// URL", { url: this.options.endpoint });
      options.endpoint = this.options.endpoint;
    }
    if (this.options.region) options.region = this.options.region;
    if (this.options.profile) options.profile = this.options.profile;
    return options;
  }

  /**
   * The `compression` option of a command: `--compression` when given (`none` for none), else
   * `fallback` (`"infer"` for the format commands, `null` for the byte commands).
   */
  compression(fallback: CompressionOption): CompressionOption {
    const given = this.options.compression;
    if (given === undefined) return fallback;
    return given === "none" ? null : (given as CompressionOption);
  }

  /** The filesystem for a URL (remembered for statistics and closing). */
  resolve(url: string): { fs: FileSystem; path: string } {
    const resolved = urlToFs(url, this.storageOptions());
    this.track(resolved.fs);
    return resolved;
  }

  /** Remembers a filesystem made elsewhere, for statistics and closing. */
  track(fs: FileSystem): void {
    if (!this.opened.includes(fs)) this.opened.push(fs);
  }

  /** Requests and bytes of every filesystem used so far, added up. */
  totals(): TransferSnapshot {
    const total: TransferSnapshot = {
      requests: { info: 0, list: 0, read: 0, write: 0, delete: 0, copy: 0, mkdir: 0, rmdir: 0 },
      totalRequests: 0,
      bytesReceived: 0,
      bytesSent: 0,
    };
    for (const fs of this.opened) {
      const stats = fs.stats();
      for (const [kind, count] of Object.entries(stats.requests)) total.requests[kind as keyof TransferSnapshot["requests"]] += count;
      total.totalRequests += stats.totalRequests;
      total.bytesReceived += stats.bytesReceived;
      total.bytesSent += stats.bytesSent;
    }
    return total;
  }

  /** Prints the totals on the error stream (one line, or JSON with `--json`), for `--stats`. */
  printStats(): void {
    const totals = this.totals();
    if (this.options.json) {
      this.err.write(`${JSON.stringify({ stats: totals })}\n`);
      return;
    }
    const kinds = Object.entries(totals.requests)
      .filter(([, count]) => count > 0)
      .map(([kind, count]) => `${kind} ${count}`)
      .join(", ");
    this.err.write(
      `stats: ${plural(totals.totalRequests, "request")}${kinds ? ` (${kinds})` : ""}, ${formatBytes(totals.bytesReceived)} received, ${formatBytes(totals.bytesSent)} sent\n`,
    );
  }

  /** Writes one line of output. */
  print(line: string): void {
    this.out.write(`${line}\n`);
  }

  /** Writes a value as JSON. */
  printJson(value: unknown): void {
    this.out.write(`${JSON.stringify(value, (_key, item) => (typeof item === "bigint" ? item.toString() : item), 2)}\n`);
  }

  /** Closes every filesystem opened during the run. */
  async close(): Promise<void> {
    await Promise.all(this.opened.map((fs) => fs.close()));
  }
}
