/**
 * The auth plugin contract: what an HTTP request carries to prove who sends it.
 * Cloud backends configure their SDKs from the same options; plain HTTP applies these.
 * @module
 */
import { toBase64 } from "./bytes.js";

/** The parts of an outgoing HTTP request an auth plugin may change. */
export interface HttpRequestParts {
  /** HTTP method. */
  method: string;
  /** Full URL; a plugin may add query parameters (e.g. a presigned signature). */
  url: string;
  /** Request headers, lower-case names. */
  headers: Record<string, string>;
}

/** Adds credentials to requests. */
export interface AuthPlugin {
  /** Short name for logs and errors (never the secret). */
  readonly kind: string;
  /** Adds headers or query parameters to the request, in place. */
  authorize(request: HttpRequestParts): void | Promise<void>;
}

/** No credentials at all. */
export function anonymousAuth(): AuthPlugin {
  return { kind: "anonymous", authorize: () => undefined };
}

/** `Authorization: Bearer <token>`; `token` may be a function called per request (for refresh). */
export function bearerAuth(token: string | (() => string | Promise<string>)): AuthPlugin {
  return {
    kind: "bearer",
    async authorize(request) {
      request.headers.authorization = `Bearer ${typeof token === "function" ? await token() : token}`;
    },
  };
}

/** HTTP basic authentication. */
export function basicAuth(username: string, password: string): AuthPlugin {
  const encoded = toBase64(new TextEncoder().encode(`${username}:${password}`));
  return {
    kind: "basic",
    authorize(request) {
      request.headers.authorization = `Basic ${encoded}`;
    },
  };
}

/** Fixed headers on every request (API keys, cookies, custom tokens). */
export function headerAuth(headers: Record<string, string>): AuthPlugin {
  const lower = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
  return {
    kind: "headers",
    authorize(request) {
      Object.assign(request.headers, lower);
    },
  };
}
