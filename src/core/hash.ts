/**
 * Digests the formats need (MD5 of ASDF blocks), the same in Node and in a browser: Web Crypto
 * has no MD5 and is asynchronous only, so a small audited library computes them.
 * @module
 */
import { md5 as nobleMd5 } from "@noble/hashes/legacy.js";

/** The MD5 digest of `bytes` (16 bytes). */
export function md5(bytes: Uint8Array): Uint8Array {
  return nobleMd5(bytes);
}
