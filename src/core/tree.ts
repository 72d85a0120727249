/**
 * Tree expansion over a backend: the one walker (level by level, each level's folders listed in
 * parallel), `find` and glob expansion. Only what a pattern needs is listed.
 * @module
 */
import type { Backend, FileInfo } from "./backend.js";
import type { IoOptions } from "./byte-source.js";
import { mapLimit } from "./concurrency.js";
import { NotFoundError } from "./errors.js";
import { hasMagic, pathMatcher, splitPattern } from "./glob.js";
import { baseName, joinPath, parentPath } from "./paths.js";
import { describe } from "./reads.js";

/** How a tree is expanded. */
export interface TreeOptions extends IoOptions {
  /** How many levels below the root to descend (1 = its direct children). Unlimited by default. */
  maxDepth?: number;
  /** Include directories in the result. */
  withDirs?: boolean;
  /** Listings in flight at once. */
  concurrency: number;
}

/** One folder's listing, as the walker yields it. */
export interface ListedFolder {
  /** The folder. */
  root: string;
  /** Its entries. */
  entries: FileInfo[];
}

/**
 * Walks a tree top down, one level at a time: every folder of a level is listed in parallel,
 * and the level's listings come out in order. A missing root is a `NotFoundError`; a folder
 * that vanishes below it is skipped.
 */
export async function* walkTree(backend: Backend, root: string, options: TreeOptions): AsyncGenerator<ListedFolder[]> {
  const maxDepth = options.maxDepth ?? Number.POSITIVE_INFINITY;
  let level = [root];
  for (let depth = 1; level.length > 0 && depth <= maxDepth; depth++) {
    const listings = await mapLimit(level, options.concurrency, async (folder) => {
      try {
        return { root: folder, entries: await backend.list(folder, { signal: options.signal }) };
      } catch (error) {
        if (error instanceof NotFoundError && depth > 1) return { root: folder, entries: [] };
        throw error;
      }
    });
    yield listings;
    level = [];
    for (const listing of listings) for (const entry of listing.entries) if (entry.type === "directory") level.push(entry.name);
  }
}

/**
 * Every file below `root` (and directories with `withDirs`); `root` itself when it is a file.
 * `known` is the root's description when the caller has it already.
 */
export async function findEntries(backend: Backend, root: string, options: TreeOptions, known?: FileInfo): Promise<FileInfo[]> {
  const info = known ?? (await describeOrUndefined(backend, root, options));
  if (!info) return [];
  if (info.type === "file") return [info];
  if (options.maxDepth === undefined && backend.recursiveListing) {
    const files = (await backend.list(root, { recursive: true, signal: options.signal })).filter((entry) => entry.type === "file");
    if (options.withDirs) files.push(...impliedDirectories(root, files));
    return files;
  }
  const found: FileInfo[] = [];
  for await (const level of walkTree(backend, root, options)) {
    for (const listing of level) for (const entry of listing.entries) if (entry.type === "file" || options.withDirs) found.push(entry);
  }
  return found;
}

/**
 * {@link findEntries} of a root its caller named as a folder (`folder/`): listed at once, without
 * describing it first, which saves a round trip (two over HTTP, whose servers answer `folder` with
 * a redirect to `folder/`). `undefined` when the listing finds nothing below the root, so that the
 * caller looks again as for any root (an empty folder, a file named with a slash, nothing at all).
 */
export async function findInFolder(backend: Backend, root: string, options: TreeOptions): Promise<FileInfo[] | undefined> {
  try {
    const found = await findEntries(backend, root, options, { name: root, type: "directory", size: 0 });
    return found.some((entry) => entry.name !== root) ? found : undefined;
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

/** The entries matching a glob pattern (already in the backend's path form), unsorted. */
export async function expandGlob(backend: Backend, pattern: string, options: TreeOptions): Promise<FileInfo[]> {
  if (!hasMagic(pattern)) {
    const info = await describeOrUndefined(backend, pattern, options);
    return info ? [info] : [];
  }
  const { root, segments } = splitPattern(pattern);
  if (segments.some((segment) => segment.includes("**"))) {
    const doubleStar = segments.indexOf("**");
    const literalDepth = doubleStar < 0 ? segments.length : doubleStar;
    const maxDepth = options.maxDepth === undefined ? undefined : literalDepth + options.maxDepth;
    const matcher = pathMatcher(joinPath(root, ...segments));
    const entries = await findEntries(backend, root, { ...options, maxDepth, withDirs: true });
    return entries.filter((entry) => matcher(entry.name));
  }
  let level: FileInfo[] = [{ name: root, type: "directory", size: 0 }];
  for (const [i, segment] of segments.entries()) {
    const parents = level.filter((entry) => entry.type === "directory");
    if (!hasMagic(segment)) {
      const named = parents.map((entry): FileInfo => ({ name: joinPath(entry.name, segment), type: "directory", size: 0 }));
      level =
        i < segments.length - 1
          ? named
          : (await mapLimit(named, options.concurrency, (entry) => describeOrUndefined(backend, entry.name, options))).filter(
              (entry): entry is FileInfo => entry !== undefined,
            );
      continue;
    }
    const matcher = pathMatcher(segment);
    const listings = await mapLimit(parents, options.concurrency, (entry) =>
      backend.list(entry.name, { signal: options.signal }).catch(ignoreNotFound),
    );
    level = listings.flat().filter((entry) => matcher(baseName(entry.name)));
  }
  return level;
}

/** The description of `path`, or `undefined` when nothing is there. */
export async function describeOrUndefined(backend: Backend, path: string, options: IoOptions): Promise<FileInfo | undefined> {
  try {
    return await describe(backend, path, options);
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

function ignoreNotFound(error: unknown): FileInfo[] {
  if (error instanceof NotFoundError) return [];
  throw error;
}

function impliedDirectories(root: string, files: readonly FileInfo[]): FileInfo[] {
  const dirs = new Set<string>();
  for (const file of files) {
    for (let dir = parentPath(file.name); dir.length > root.length && dir.startsWith(root); dir = parentPath(dir)) {
      if (dirs.has(dir)) break;
      dirs.add(dir);
    }
  }
  return [...dirs].map((name) => ({ name, type: "directory", size: 0 }));
}
