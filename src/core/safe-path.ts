/**
 * Mapping remote keys to local files without ever leaving the target folder.
 * @module
 */
import { isAbsolute, join, resolve, sep } from "node:path";
import { InvalidArgumentError } from "./errors.js";

/**
 * Returns the local path for the remote-relative `key` inside `targetDir`, or throws
 * {@link InvalidArgumentError} when the key could escape it: `..` segments, absolute paths,
 * drive letters, backslashes or NUL bytes.
 */
export function safeLocalPath(targetDir: string, key: string, url?: string): string {
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
  const root = resolve(targetDir);
  const target = resolve(join(root, ...segments.filter((segment) => segment !== "" && segment !== ".")));
  if (target !== root && !target.startsWith(root + sep)) refuse("it resolves outside the target folder");
  return target;
}
