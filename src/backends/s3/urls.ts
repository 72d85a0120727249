/**
 * S3 URL forms: `s3://bucket/key`, `s3a://`, `spaces://`, and the providers' HTTPS endpoints.
 * @module
 */
import { InvalidUrlError } from "../../core/errors.js";

/** What an S3 HTTPS URL says: bucket, key, and region or endpoint when the form carries them. */
export interface S3HttpsUrl {
  /** The bucket. */
  bucket: string;
  /** The key (may be empty). */
  key: string;
  /** The region named in the host, when there is one. */
  region?: string;
  /** The endpoint to send requests to, for DigitalOcean Spaces. */
  endpoint?: string;
}

/**
 * Parses the HTTPS forms of S3 and DigitalOcean Spaces URLs:
 * `https://s3.<region>.amazonaws.com/<bucket>/<key>`, `https://s3.amazonaws.com/<bucket>/<key>`,
 * `https://<bucket>.s3[.<region>].amazonaws.com/<key>` and
 * `https://<bucket>.<region>.digitaloceanspaces.com/<key>`. Returns undefined for other URLs.
 */
export function parseS3HttpsUrl(url: string): S3HttpsUrl | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return undefined;
  const host = parsed.hostname.toLowerCase();
  const path = decodeURIComponent(parsed.pathname.replace(/^\/+/, ""));
  const pathStyle = /^s3(?:[.-]([a-z0-9-]+))?\.amazonaws\.com$/.exec(host);
  if (pathStyle) {
    const slash = path.indexOf("/");
    const bucket = slash < 0 ? path : path.slice(0, slash);
    if (!bucket) return undefined;
    const region = pathStyle[1] && pathStyle[1] !== "external-1" ? pathStyle[1] : undefined;
    return { bucket, key: slash < 0 ? "" : path.slice(slash + 1), ...(region ? { region } : {}) };
  }
  const virtual = /^(.+)\.s3(?:[.-]([a-z0-9-]+))?\.amazonaws\.com$/.exec(host);
  if (virtual) return { bucket: virtual[1] as string, key: path, ...(virtual[2] ? { region: virtual[2] } : {}) };
  const spaces = /^(.+)\.([a-z0-9-]+)\.digitaloceanspaces\.com$/.exec(host);
  if (spaces) return { bucket: spaces[1] as string, key: path, region: spaces[2] as string, endpoint: spacesEndpoint(spaces[2] as string) };
  return undefined;
}

/** The endpoint of DigitalOcean Spaces in a region. */
export function spacesEndpoint(region: string): string {
  return `https://${region}.digitaloceanspaces.com`;
}

/** Splits `bucket/key` into its parts; throws {@link InvalidUrlError} when there is no bucket. */
export function splitBucketKey(path: string): { bucket: string; key: string } {
  const slash = path.indexOf("/");
  if (slash === 0 || path === "")
    throw new InvalidUrlError("an S3 URL starts with a bucket name (s3://bucket/key)", { url: `s3://${path}` });
  return slash < 0 ? { bucket: path, key: "" } : { bucket: path.slice(0, slash), key: path.slice(slash + 1) };
}
