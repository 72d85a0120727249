/**
 * Path helpers shared by the core and the backends. Paths use `/` on every store.
 * @module
 */

/** Removes trailing slashes (but keeps a lone root `/`). */
export function trimTrailingSlash(path: string): string {
  let end = path.length;
  while (end > 1 && path[end - 1] === "/") end--;
  return path.slice(0, end);
}

/** Joins path parts with single slashes. */
export function joinPath(...parts: string[]): string {
  const kept = parts.filter((part) => part !== "");
  if (kept.length === 0) return "";
  const joined = kept.map((part, i) => (i === 0 ? trimTrailingSlash(part) : part.replace(/^\/+|\/+$/g, ""))).join("/");
  return joined.replace(/\/{2,}/g, "/").replace(/^(\w+:)\/(?!\/)/, "$1//");
}

/** The parent of a path (`a/b/c` -> `a/b`, `a` -> ``). */
export function parentPath(path: string): string {
  const trimmed = trimTrailingSlash(path);
  const slash = trimmed.lastIndexOf("/");
  if (slash < 0) return "";
  if (slash === 0) return "/";
  return trimmed.slice(0, slash);
}

/** The last segment of a path. */
export function baseName(path: string): string {
  const trimmed = trimTrailingSlash(path);
  return trimmed.slice(trimmed.lastIndexOf("/") + 1);
}

/** The path of `child` relative to `root` (which must contain it). */
export function relativePath(root: string, child: string): string {
  const base = trimTrailingSlash(root);
  if (base === "" || base === "/") return child.replace(/^\/+/, "");
  if (child === base) return "";
  if (!child.startsWith(`${base}/`)) throw new Error(`${child} is not below ${base}`);
  return child.slice(base.length + 1);
}
