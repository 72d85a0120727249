/**
 * Keeping secrets out of messages: URLs are shown without user info and without the values of
 * query parameters that carry signatures or credentials, and errors from provider SDKs are
 * kept as causes only in a reduced copy (name, message, code, HTTP status, request id), since
 * the originals carry signed requests, canonical requests and session tokens.
 * @module
 */

/**
 * Query parameters whose values are secrets: signatures and policies of presigned URLs (S3,
 * CloudFront, Azure SAS), tokens, OAuth codes, JWTs, passwords and keys.
 */
const SECRET_PARAM =
  /sig|signature|credential|token|secret|password|passwd|pwd|key|auth|jwt|policy|session|^code$|^state$|^se$|^sv$|^sp$|^st$|^skoid$|^sktid$|^ske$|^sks$|^skv$/i;

/** `name=value` pairs of secret parameters inside free text (messages, canonical requests). */
const SECRET_IN_TEXT =
  /([?&;\s]|^)((?:x-amz-)?(?:signature|security-token|credential|token|jwt|sig|code|policy|key-pair-id|access_token|id_token|password)=)[^&\s"'<>]*/gi;
const USER_INFO_IN_TEXT = /\b([a-z][a-z0-9+.-]*:\/\/)[^/@\s"'<>]+@/gi;

/**
 * The URL with credentials replaced by `REDACTED`: user info (`user:password@`) and the values
 * of query parameters such as `X-Amz-Signature`, `Signature`, `Policy`, `sig`, `token`, `jwt`
 * or `code`. Use it wherever a URL is shown. Non-URLs (local paths) come back as they are.
 */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return url;
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

/** Free text with URL user info and `name=value` secrets (signatures, tokens ...) replaced. */
export function redactText(text: string): string {
  return text.replace(USER_INFO_IN_TEXT, "$1REDACTED@").replace(SECRET_IN_TEXT, "$1$2REDACTED");
}

/** What is kept of an error from below skyfs when it becomes a cause. */
export interface ReducedError extends Error {
  /** The original's code (`NoSuchKey`, `ECONNRESET` ...), when it had one. */
  code?: string;
  /** The HTTP status the original carried, when it had one. */
  status?: number;
  /** The provider's request id, when the original had one. */
  requestId?: string;
}

/**
 * A copy of `cause` safe to keep and print: for an `Error`, a new error with its name, redacted
 * message, code, HTTP status and request id (and its own cause reduced the same way), none of
 * the SDK's other fields (signed requests, `CanonicalRequest`, `StringToSign`, headers, tokens).
 * Errors of skyfs's own family and values that are not errors are returned unchanged.
 */
export function reduceCause(cause: unknown, isOwn: (error: Error) => boolean, depth = 0): unknown {
  if (!(cause instanceof Error) || isOwn(cause)) return cause;
  const original = cause as Error & {
    code?: unknown;
    Code?: unknown;
    status?: unknown;
    statusCode?: unknown;
    $metadata?: { httpStatusCode?: unknown; requestId?: unknown };
  };
  const reduced: ReducedError = new Error(redactText(original.message), {
    cause: depth < 3 ? reduceCause(original.cause, isOwn, depth + 1) : undefined,
  });
  reduced.name = original.name;
  const code = original.code ?? original.Code;
  if (typeof code === "string" || typeof code === "number") reduced.code = String(code);
  const status = original.$metadata?.httpStatusCode ?? original.statusCode ?? original.status;
  if (typeof status === "number") reduced.status = status;
  const requestId = original.$metadata?.requestId;
  if (typeof requestId === "string") reduced.requestId = requestId;
  if (original.stack) reduced.stack = redactText(original.stack);
  if (reduced.cause === undefined) delete (reduced as { cause?: unknown }).cause;
  return reduced;
}
