/**
 * The HTTP transport contract: one request out, one reply back. The HTTP backend (ranges,
 * validators, listings, redirects, body watching) sits on top of it, so that the same backend
 * runs on `NodeTransport` in Node and on `fetch` in a browser.
 * @module
 */
import { concatBytes } from "../../core/bytes.js";
import { FetchTransport } from "./fetch-transport.js";
import type { UndiciDispatcher } from "./undici-dispatcher.js";

/** One request as a backend sends it. */
export interface TransportRequest {
  /** HTTP method. */
  method: "GET" | "HEAD";
  /** Absolute URL, without user info. */
  url: string;
  /** Header names in lower case. */
  headers: Record<string, string>;
  /** Cancels the request and its body. */
  signal?: AbortSignal | undefined;
}

/** What a body consumer says after each chunk: read on, or stop and release the connection. */
export type ChunkVerdict = "more" | "done";

/** How a body consumer treats the chunks it receives (see {@link TransportReply.consume}). */
export interface ConsumeOptions {
  /**
   * The consumer is done with each chunk when it returns: it copies at once what it keeps, and a
   * promise it answers only holds the next chunk back. A transport may then hand it chunks of a
   * buffer that other connections read into as soon as it returns (`NodeTransport` shares one
   * among its plain-HTTP connections).
   */
  copiesAtOnce?: boolean;
}

/** A reply whose body has not been read yet. */
export interface TransportReply {
  /** HTTP status. */
  readonly status: number;
  /** The URL that answered (the last hop of redirects the transport followed itself). */
  readonly url: string;
  /** A response header by lower-case name (the first value when repeated). */
  header(name: string): string | undefined;
  /**
   * Pushes the body's chunks to `onChunk` until it answers `"done"` (resolves `"done"`, the rest
   * of the body is dropped), the body ends (resolves `"ended"`) or fails (rejects). A throw from
   * `onChunk` stops the transfer and rejects with it. When `onChunk` answers with a promise, the
   * body waits for it (backpressure) and the call settles only after it has. A chunk may be a view
   * of the transport's own buffer, valid until `onChunk` returns or the promise it answered
   * settles (until it returns, with `copiesAtOnce`): a consumer that keeps bytes copies them.
   */
  consume(onChunk: (chunk: Uint8Array) => ChunkVerdict | Promise<ChunkVerdict>, options?: ConsumeOptions): Promise<"ended" | "done">;
  /** Stops the body with `reason`: a pending {@link TransportReply.consume} rejects with it. */
  abort(reason: Error): void;
  /** Drops the body, releasing the connection; never rejects. */
  discard(): Promise<void>;
}

/** Moves requests and replies. */
export interface HttpTransport {
  /**
   * Whether the transport follows redirects itself (a browser's `fetch` must: a page cannot read
   * a redirect's `Location`). Otherwise the backend follows them and decides what each hop carries.
   */
  readonly followsRedirects: boolean;
  /** Sends a request and resolves once the reply's status and headers have arrived. */
  send(request: TransportRequest): Promise<TransportReply>;
  /** Releases the transport's connections. */
  close(): Promise<void>;
}

/** What a transport factory receives from a backend's options. */
export interface TransportOptions {
  /** Connections kept per origin, where the transport controls it. */
  connections: number;
  /** Milliseconds to wait for a reply's headers. */
  timeout: number;
  /**
   * Milliseconds a kept-alive connection may stay idle before the transport closes it, where the
   * transport keeps its own connections (`NodeTransport`: default 4 s, below the 5 s after which
   * servers commonly close theirs).
   */
  idleTimeout?: number | undefined;
  /** An undici dispatcher to send through (Node only). */
  dispatcher?: UndiciDispatcher | undefined;
}

/** Why `signal` was aborted: its reason, or an `AbortError` when it gave none. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("This operation was aborted", "AbortError");
}

/**
 * Bytes of an unwanted body read to keep its connection; a longer body (or one declared longer)
 * closes the connection instead.
 */
export const DISCARD_LIMIT = 128 * 1024;

/**
 * Drops an unwanted body for a transport's `discard`: one declared longer than
 * {@link DISCARD_LIMIT} at once with `drop` (its connection goes with it), a shorter one by
 * reading it, at most that many bytes, so that its connection serves again. Never rejects.
 */
export function discardUnwanted(reply: TransportReply, drop: () => void): Promise<void> {
  if (Number(reply.header("content-length")) > DISCARD_LIMIT) {
    drop();
    return Promise.resolve();
  }
  let read = 0;
  return reply
    .consume(
      (chunk) => {
        read += chunk.length;
        return read > DISCARD_LIMIT ? "done" : "more";
      },
      { copiesAtOnce: true },
    )
    .then(
      () => undefined,
      () => undefined,
    );
}

/** The whole body of a reply (for small bodies: JSON answers, error documents). */
export async function readWholeBody(reply: TransportReply): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  await reply.consume(
    (chunk) => {
      chunks.push(new Uint8Array(chunk));
      return "more";
    },
    { copiesAtOnce: true },
  );
  return concatBytes(chunks);
}

/** Builds the transport of a backend. */
export type TransportFactory = (options: TransportOptions) => HttpTransport;

let platformFactory: TransportFactory | undefined;

/**
 * Sets the transport backends use when none is given. The Node entry points install
 * `NodeTransport` (undici when a dispatcher is given); elsewhere the platform's `fetch` is used.
 */
export function setDefaultHttpTransport(factory: TransportFactory): void {
  platformFactory = factory;
}

/** The transport a backend uses when none is given (`fetch` unless an entry point set another). */
export function defaultHttpTransport(options: TransportOptions): HttpTransport {
  return platformFactory ? platformFactory(options) : new FetchTransport(options);
}
