/**
 * Keeping secrets out of messages: URLs are shown without user info and without the values of
 * query parameters that carry signatures or credentials.
 * @module
 */

const SECRET_PARAM = /sig|signature|credential|token|secret|password|key|auth|^se$|^sv$|^sp$|^st$|^skoid$|^sktid$|^ske$|^sks$|^skv$/i;

/** The URL with credentials replaced by `REDACTED`. Non-URLs (local paths) come back as they are. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  if (!/^[a-z]+:\/\//i.test(url)) return url;
  if (parsed.username || parsed.password) {
    parsed.username = "REDACTED";
    parsed.password = "";
  }
  for (const name of [...parsed.searchParams.keys()]) {
    if (SECRET_PARAM.test(name)) parsed.searchParams.set(name, "REDACTED");
  }
  const text = parsed.toString();
  return url.includes("?") || !text.endsWith("?") ? text : text.slice(0, -1);
}
