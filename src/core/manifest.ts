/**
 * Globs answered from a manifest: a listing file, such as the gzipped `aws s3 ls --recursive`
 * output an archive publishes because listing its bucket is slow. The manifest is streamed,
 * decompressed and matched line by line, never held whole in memory, and kept on local disk by
 * ETag, so a second glob costs one request (the check that the copy is current).
 * @module
 */
import type { IoOptions } from "./byte-source.js";
import { resolveCompression } from "./compression/codecs.js";
import { streamContent } from "./compression/stream.js";
import { hasMagic, pathMatcher } from "./glob.js";
import { hasLocalDisk, localDisk } from "./local-disk.js";
import { type StorageOptions, urlToFs } from "./registry.js";
import { lineBatches } from "./text-lines.js";

/** Options of {@link globManifest}. */
export interface ManifestGlobOptions extends IoOptions {
  /** Storage options of the manifest's store (default: those of the glob). */
  storage?: StorageOptions;
  /**
   * What the manifest's keys are relative to (default: the pattern's `scheme://bucket` or
   * `scheme://host`; for a local pattern, the manifest's folder).
   */
  root?: string;
  /** Folder of the local copy (default `<os temp dir>/skyfs-cache`); `false` reads the manifest afresh each time. */
  cacheDirectory?: string | false;
}

/** One entry of a manifest line: its key and, in the `aws s3 ls` format, its size and time. */
export interface ManifestEntry {
  /** The key, relative to the manifest's root. */
  key: string;
  /** Size in bytes, when the line gives it. */
  size?: number;
  /** `YYYY-MM-DD HH:MM:SS`, when the line gives it. */
  modified?: string;
}

const AWS_LS_LINE = /^(\d{4}-\d{2}-\d{2}) +(\d{2}:\d{2}:\d{2}) +(\d+) (.+)$/;

/**
 * Reads one manifest line: `aws s3 ls --recursive` style (`2019-08-07 14:30:35   34577280
 * tess/public/...`) or one key per line; `undefined` for blank lines and `PRE` folder lines.
 */
export function parseManifestLine(line: string): ManifestEntry | undefined {
  const listed = AWS_LS_LINE.exec(line);
  if (listed) return { key: (listed[4] as string).trimStart(), size: Number(listed[3]), modified: `${listed[1]} ${listed[2]}` };
  const key = line.trim();
  if (key === "" || key.startsWith("PRE ")) return undefined;
  return { key };
}

function originOf(url: string): string | undefined {
  return /^[a-z][a-z0-9+.-]*:\/\/[^/]*/i.exec(url)?.[0];
}

/**
 * The URLs of a manifest's keys that match `pattern` (a URL pattern as for `glob`), sorted.
 * Each key names `root/key` (see {@link ManifestGlobOptions.root}); a key that is itself a URL
 * names itself.
 */
export async function globManifest(pattern: string, manifestUrl: string, options: ManifestGlobOptions = {}): Promise<string[]> {
  const root = (options.root ?? originOf(pattern) ?? manifestUrl.replace(/\/[^/]*$/, "")).replace(/\/+$/, "");
  const origin = originOf(pattern) ?? "";
  const patternPath = pattern.slice(origin.length);
  const literal = patternPath.slice(0, patternPath.search(/[*?[]/) < 0 ? patternPath.length : patternPath.search(/[*?[]/));
  const matches = hasMagic(patternPath) ? pathMatcher(patternPath) : (path: string) => path === patternPath;
  const rootPath = root.slice(origin.length);
  const needle = root.startsWith(origin) && literal.startsWith(`${rootPath}/`) ? literal.slice(rootPath.length + 1) : "";
  const found: string[] = [];
  for await (const batch of manifestLines(manifestUrl, options)) {
    for (const line of batch) {
      if (!line.includes(needle)) continue;
      const entry = parseManifestLine(line);
      if (!entry) continue;
      const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(entry.key) ? entry.key : `${root}/${entry.key.replace(/^\/+/, "")}`;
      if (!url.startsWith(origin)) continue;
      const path = url.slice(origin.length);
      if (path.startsWith(literal) && matches(path)) found.push(url);
    }
  }
  return found.sort();
}

async function* manifestLines(manifestUrl: string, options: ManifestGlobOptions): AsyncGenerator<string[]> {
  const cache =
    options.cacheDirectory === false || !hasLocalDisk()
      ? undefined
      : { directory: options.cacheDirectory ?? localDisk("a manifest cache").defaultCacheDirectory() };
  const { fs, path } = urlToFs(manifestUrl, { ...options.storage, ...(cache ? { fileCache: cache } : {}) });
  const source = await fs.open(path, { cache: "none", signal: options.signal });
  const compression = resolveCompression("infer", manifestUrl);
  yield* lineBatches(streamContent(source, compression, { signal: options.signal }));
}
