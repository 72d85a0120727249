/**
 * The HTTP transport on the platform's `fetch`, which is what a browser has. Redirects are
 * followed by `fetch` itself (a page cannot see a redirect's target); browsers drop credentials
 * on a hop to another origin. Bodies are read from the response's stream.
 * @module
 */
import type { ChunkVerdict, HttpTransport, TransportOptions, TransportReply, TransportRequest } from "./transport.js";

/** Transport on `globalThis.fetch`. */
export class FetchTransport implements HttpTransport {
  readonly followsRedirects = true;

  constructor(private readonly options: TransportOptions) {}

  async send(request: TransportRequest): Promise<TransportReply> {
    const controller = new AbortController();
    const forward = (): void => controller.abort(request.signal?.reason);
    if (request.signal?.aborted) forward();
    request.signal?.addEventListener("abort", forward, { once: true });
    const release = (): void => request.signal?.removeEventListener("abort", forward);
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
      throw controller.signal.reason instanceof HeadersTimeoutError ? controller.signal.reason : error;
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

  async consume(onChunk: (chunk: Uint8Array) => ChunkVerdict): Promise<"ended" | "done"> {
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
        if (onChunk(step.value) === "done") {
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

/** The reply's headers did not arrive in time. */
class HeadersTimeoutError extends Error {
  readonly code = "UND_ERR_HEADERS_TIMEOUT";

  constructor(milliseconds: number) {
    super(`no reply headers in ${milliseconds} ms`);
    this.name = "HeadersTimeoutError";
  }
}
