/**
 * The HTTP transport on the platform's `fetch`, which is what a browser has. Redirects are
 * followed by `fetch` itself (a page cannot see a redirect's target); browsers drop credentials
 * on a hop to another origin. Bodies are read from the response's stream.
 * @module
 */
import { watchAbort } from "../../core/signal-listeners.js";
import type { ChunkVerdict, HttpTransport, TransportOptions, TransportReply, TransportRequest } from "./transport.js";

/** Transport on `globalThis.fetch`. */
export class FetchTransport implements HttpTransport {
  readonly followsRedirects = true;

  constructor(private readonly options: TransportOptions) {}

  async send(request: TransportRequest): Promise<TransportReply> {
    const controller = new AbortController();
    const forward = (): void => controller.abort(request.signal?.reason);
    if (request.signal?.aborted) forward();
    const release = request.signal ? watchAbort(request.signal, forward) : (): void => undefined;
    const timer = setTimeout(() => controller.abort(new HeadersTimeoutError(this.options.timeout)), this.options.timeout);
    let response: Response;
    try {
      const init: RequestInit & { cache: "no-store" } = {
        method: request.method,
        headers: request.headers,
        signal: controller.signal,
        redirect: "follow",
        cache: "no-store",
        credentials: "omit",
      };
      response = await fetch(request.url, init);
    } catch (error) {
      release();
      if (controller.signal.reason instanceof HeadersTimeoutError) throw controller.signal.reason;
      throw error instanceof TypeError ? new FetchFailedError(request.url, error) : error;
    } finally {
      clearTimeout(timer);
    }
    return new FetchReply(response, request.url, controller, release);
  }

  async close(): Promise<void> {}
}

class FetchReply implements TransportReply {
  readonly status: number;
  readonly url: string;

  constructor(
    private readonly response: Response,
    askedUrl: string,
    private readonly controller: AbortController,
    private readonly release: () => void,
  ) {
    this.status = response.status;
    this.url = response.url || askedUrl;
  }

  header(name: string): string | undefined {
    return this.response.headers.get(name) ?? undefined;
  }

  async consume(onChunk: (chunk: Uint8Array) => ChunkVerdict | Promise<ChunkVerdict>): Promise<"ended" | "done"> {
    const body = this.response.body;
    if (!body) {
      this.release();
      return "ended";
    }
    const reader = body.getReader();
    try {
      for (;;) {
        const step = await reader.read();
        if (step.done) return "ended";
        if ((await onChunk(step.value)) === "done") {
          this.controller.abort();
          return "done";
        }
      }
    } catch (error) {
      this.controller.abort(error);
      throw this.controller.signal.reason ?? error;
    } finally {
      reader.releaseLock();
      this.release();
    }
  }

  abort(reason: Error): void {
    this.controller.abort(reason);
  }

  async discard(): Promise<void> {
    this.release();
    this.controller.abort();
    await this.response.body?.cancel().catch(() => undefined);
  }
}

/**
 * `fetch` failed without a reply. A page is not told why: the host may be unreachable, or the
 * server may not allow the page's origin (CORS), which is the usual cause of a failure that
 * repeats; the message says so in a page. Elsewhere the platform's cause (e.g. `ECONNREFUSED`)
 * gives the code.
 */
class FetchFailedError extends Error {
  readonly code: string;
  readonly hostname: string;

  constructor(url: string, cause: TypeError) {
    const target = new URL(url);
    const inPage = typeof (globalThis as { document?: unknown }).document !== "undefined";
    const hint = inPage ? ": the host is unreachable, or it does not allow this page's origin (CORS headers, see docs/browser.md)" : "";
    super(`no reply from ${target.origin} (${cause.message})${hint}`, { cause });
    this.name = "FetchFailedError";
    this.code = (cause.cause as { code?: string } | undefined)?.code ?? "FETCH_FAILED";
    this.hostname = target.hostname;
  }
}

/** The reply's headers did not arrive in time. */
class HeadersTimeoutError extends Error {
  readonly code = "UND_ERR_HEADERS_TIMEOUT";

  constructor(milliseconds: number) {
    super(`no reply headers in ${milliseconds} ms`);
    this.name = "HeadersTimeoutError";
  }
}
