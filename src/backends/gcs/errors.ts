/**
 * How GCS failures map to the skyfs error family, shared by the SDK backend and the JSON-API
 * backend.
 * @module
 */
import {
  AbortError,
  ConsistencyError,
  NotFoundError,
  NotSupportedError,
  PermissionError,
  ProtocolError,
  SkyfsError,
  TransientError,
} from "../../core/errors.js";

/** GCS JSON API reasons that may pass when the request is sent again. */
const GCS_TRANSIENT = new Set(["rateLimitExceeded", "userRateLimitExceeded", "backendError", "internalError"]);

/** GCS JSON API reasons that refuse the caller. */
const GCS_DENIED = new Set([
  "forbidden",
  "insufficientPermissions",
  "accessDenied",
  "authError",
  "accountDisabled",
  "userProjectMissing",
  "userProjectAccessDenied",
  "userProjectInvalid",
  "billingNotEnabled",
]);

/** HTTP statuses worth a retry (the GCS retry strategy: 408, 429 and 5xx except 501). */
const TRANSIENT_STATUS = new Set([408, 429, 500, 502, 503, 504]);

/**
 * Maps a GCS client error to the skyfs error family by the JSON API's reason codes
 * (`errors[].reason`) first, then by HTTP status. 501 and other 4xx answers are never transient.
 */
export function gcsError(error: unknown, url: string, requesterPays: boolean, operation = "the request"): SkyfsError {
  if (error instanceof SkyfsError) return error;
  const failure = error as { code?: number | string; message?: string; name?: string; errors?: Array<{ reason?: string }> };
  const status = typeof failure.code === "number" ? failure.code : undefined;
  const reason = failure.errors?.find((entry) => typeof entry.reason === "string")?.reason;
  const options = { url, code: reason ?? (failure.code === undefined ? undefined : String(failure.code)), cause: error };
  const refused = `${operation}: ${[reason, status ? `HTTP ${status}` : undefined].filter(Boolean).join(", ") || "network error"}`;
  const message = failure.message ?? "";
  if (failure.name === "AbortError") return new AbortError("request aborted", options);
  if (reason && GCS_TRANSIENT.has(reason))
    return new TransientError(`GCS failed ${refused}; worth a retry: ${message}`, { ...options, status });
  if ((reason && GCS_DENIED.has(reason)) || status === 401 || status === 403) {
    const billing = reason?.startsWith("userProject") || /requester pays|user project/i.test(message);
    const hint = billing && !requesterPays ? "; the bucket is requester-pays: set requesterPays to your billing project" : "";
    return new PermissionError(`access refused (${refused})${hint}: ${message}`, options);
  }
  if (reason === "notFound" || status === 404) return new NotFoundError("no such object or bucket", options);
  if (reason === "conditionNotMet" || status === 412) return new ConsistencyError("the object changed since it was opened", options);
  if (reason === "requestedRangeNotSatisfiable" || status === 416)
    return new ProtocolError(`the range is outside the object (${refused})`, options);
  if (reason === "notImplemented" || status === 501)
    return new NotSupportedError(`the store does not implement ${refused}: ${message}`, options);
  if (status === undefined || TRANSIENT_STATUS.has(status))
    return new TransientError(`GCS failed ${refused}; worth a retry: ${message || "network error"}`, { ...options, status });
  return new SkyfsError(`GCS refused ${refused}: ${message}`, options);
}
