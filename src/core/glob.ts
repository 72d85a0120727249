/**
 * Glob patterns as fsspec reads them: `*` and `?` stay inside one path segment, `[...]` is a
 * character class, `**` spans any number of segments.
 * @module
 */
import picomatch from "picomatch";

const MATCH_OPTIONS: picomatch.PicomatchOptions = { dot: true, nobrace: true, noextglob: true };

/** Whether a path segment or pattern contains a wildcard. */
export function hasMagic(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

/** A predicate that tests a whole path against a glob pattern. */
export function pathMatcher(pattern: string): (path: string) => boolean {
  return picomatch(pattern, MATCH_OPTIONS);
}

/** A glob pattern cut into its literal root and the segments after it. */
export interface SplitPattern {
  /** The segments before the first wildcard, joined. */
  root: string;
  /** The segments from the first wildcard on. */
  segments: string[];
}

/** Splits a pattern at its first wildcard segment; a URL's `scheme://host` stays in the root. */
export function splitPattern(pattern: string): SplitPattern {
  const origin = /^[a-z][a-z0-9+.-]*:\/\/[^/]*/i.exec(pattern)?.[0] ?? "";
  const rest = pattern.slice(origin.length);
  const leadingSlash = rest.startsWith("/");
  const parts = rest.split("/").filter((part) => part !== "");
  const first = parts.findIndex(hasMagic);
  const literal = first < 0 ? parts : parts.slice(0, first);
  const root = origin + (leadingSlash ? "/" : "") + literal.join("/");
  return { root, segments: first < 0 ? [] : parts.slice(first) };
}
