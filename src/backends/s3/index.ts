/**
 * Registers the S3 backend under `s3://`, `s3a://` and `spaces://`, and recognises the
 * providers' HTTPS URLs when S3 auth options are given.
 * @module
 */
import { registerFileSystem, registerUrlRecognizer } from "../../core/registry.js";
import { S3Backend, type S3Options } from "./backend.js";
import { parseS3HttpsUrl } from "./urls.js";

const AUTH_OPTIONS = ["requesterPays", "credentials", "profile", "anon"];

/** Registers the S3 schemes and the HTTPS recognizer. */
export function registerS3(): void {
  for (const scheme of ["s3", "s3a", "spaces"])
    registerFileSystem(scheme, (options, protocol) => new S3Backend(options as S3Options, protocol));
  registerUrlRecognizer((url, options) => {
    if (!AUTH_OPTIONS.some((name) => options[name] !== undefined && options[name] !== false)) return undefined;
    const parsed = parseS3HttpsUrl(url);
    if (!parsed) return undefined;
    const implied: Record<string, unknown> = {};
    if (parsed.region) implied.region = parsed.region;
    if (parsed.endpoint) implied.endpoint = parsed.endpoint;
    return { protocol: "s3", options: implied };
  });
}

export type { S3Credentials, S3Options } from "./backend.js";
export { S3Backend, sdkError } from "./backend.js";
export type { S3HttpsUrl } from "./urls.js";
export { parseS3HttpsUrl, spacesEndpoint, splitBucketKey } from "./urls.js";
