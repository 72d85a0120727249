/**
 * Mapping remote keys to local files without ever leaving the target folder.
 * @module
 */
import { isAbsolute, resolve, sep } from "node:path";
import { InvalidArgumentError } from "./errors.js";

/**
 * Returns the local path for the remote-relative `key` inside `targetDir`, or throws
 * {@link InvalidArgumentError} when the key could escape it: `..` segments, absolute paths,
 * drive letters, backslashes or NUL bytes.
 */
export function safeLocalPath(targetDir: string, key: string, url?: string): string {
  return localPathsUnder(targetDir)(key, url);
}

/**
 * {@link safeLocalPath} for many keys below one folder: the folder is resolved once, and each
 * key's clean segments are joined to it (a `get` of thousands of files maps them all before it
 * writes anything, so this runs before the first download starts).
 */
export function localPathsUnder(targetDir: string): (key: string, url?: string) => string {
  const root = resolve(targetDir);
  const prefix = root.endsWith(sep) ? root : root + sep;
  return (key, url) => {
    const refuse = (why: string): never => {
      throw new InvalidArgumentError(`refusing to write key ${JSON.stringify(key)}: ${why}`, { url });
    };
    if (key === "") refuse("empty key");
    if (key.includes("\0")) refuse("it contains a NUL byte");
    if (key.includes("\\")) refuse("it contains a backslash");
    if (/^[A-Za-z]:/.test(key)) refuse("it starts with a drive letter");
    if (key.startsWith("/") || isAbsolute(key)) refuse("it is an absolute path");
    const segments = key.split("/");
    if (segments.some((segment) => segment === "..")) refuse("it contains a '..' segment");
    const kept = segments.filter((segment) => segment !== "" && segment !== ".");
    return kept.length === 0 ? root : prefix + kept.join(sep);
  };
}
