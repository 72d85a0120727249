/**
 * The HTTP transport on undici, for Node: one keep-alive pool per backend, redirects left to the
 * backend (which decides what each hop may carry), bodies read on `data` events and paused while
 * their consumer waits.
 * @module
 */
import { type Dispatcher, request } from "undici";
import { OriginPools } from "./origin-pools.js";
import type { ChunkVerdict, HttpTransport, TransportOptions, TransportReply, TransportRequest } from "./transport.js";

/** Transport on an undici dispatcher (its own {@link OriginPools} unless one is given). */
export class UndiciTransport implements HttpTransport {
  readonly followsRedirects = false;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;

  constructor(options: TransportOptions) {
    this.ownsDispatcher = options.dispatcher === undefined;
    this.dispatcher =
      options.dispatcher ??
      new OriginPools({ connections: options.connections, headersTimeout: options.timeout, bodyTimeout: 2 * options.timeout });
  }

  async send(outgoing: TransportRequest): Promise<TransportReply> {
    const response = await request(outgoing.url, {
      method: outgoing.method,
      headers: outgoing.headers,
      dispatcher: this.dispatcher,
      signal: outgoing.signal,
    });
    return new UndiciReply(response, outgoing.url);
  }

  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }
}

class UndiciReply implements TransportReply {
  readonly status: number;

  constructor(
    private readonly response: Dispatcher.ResponseData,
    readonly url: string,
  ) {
    this.status = response.statusCode;
  }

  header(name: string): string | undefined {
    const value = this.response.headers[name];
    return Array.isArray(value) ? value[0] : value;
  }

  consume(onChunk: (chunk: Uint8Array) => ChunkVerdict | Promise<ChunkVerdict>): Promise<"ended" | "done"> {
    const body = this.response.body;
    return new Promise((resolve, reject) => {
      let settled = false;
      let pending: Promise<void> | undefined;
      let lateFailure: { error: unknown } | undefined;
      const finish = (error: unknown, outcome: "ended" | "done"): void => {
        if (settled) return;
        settled = true;
        body.off("data", onData);
        if (error !== undefined || outcome === "done") body.destroy();
        const settle = (): void => {
          if (lateFailure) reject(lateFailure.error);
          else if (error !== undefined) reject(error);
          else resolve(outcome);
        };
        if (pending) void pending.then(settle);
        else settle();
      };
      const onData = (chunk: Uint8Array): void => {
        let verdict: ChunkVerdict | Promise<ChunkVerdict>;
        try {
          verdict = onChunk(chunk);
        } catch (error) {
          finish(error, "done");
          return;
        }
        if (verdict === "done") finish(undefined, "done");
        else if (verdict !== "more") {
          body.pause();
          pending = verdict.then(
            (next) => {
              pending = undefined;
              if (next === "done") finish(undefined, "done");
              else if (!settled) body.resume();
            },
            (error: unknown) => {
              pending = undefined;
              if (settled) lateFailure = { error };
              else finish(error, "done");
            },
          );
        }
      };
      body.on("data", onData);
      body.once("error", (error) => finish(error, "done"));
      body.once("end", () => finish(undefined, "ended"));
    });
  }

  abort(reason: Error): void {
    this.response.body.destroy(reason);
  }

  async discard(): Promise<void> {
    try {
      await this.response.body.dump();
    } catch {
      this.response.body.destroy();
    }
  }
}
