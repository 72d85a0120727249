/**
 * The HTTP transport on Node's own `http` and `https` modules, which carries the Node default's
 * requests for small bodies (see `NodeTransport`): one keep-alive agent per protocol, bounding the
 * connections of each origin, with redirects left to the backend (which decides what each hop may
 * carry). Node parses HTTP in native code, which a fresh process needs no time to compile or warm
 * up: a cold process sending a few hundred requests spends half the CPU time it spends on undici
 * (see docs/performance.md).
 * @module
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import {
  abortReason,
  type ChunkVerdict,
  discardUnwanted,
  type HttpTransport,
  type TransportOptions,
  type TransportReply,
  type TransportRequest,
} from "./transport.js";

/** Milliseconds an idle kept-alive connection stays open (servers commonly close theirs after 5 s). */
const IDLE_CONNECTION_MS = 4000;

/** Transport on `node:http` and `node:https`, one keep-alive agent each. */
export class NodeHttpTransport implements HttpTransport {
  readonly followsRedirects = false;
  private readonly plain: HttpAgent;
  private readonly secure: HttpsAgent;
  private readonly headersTimeout: number;

  constructor(options: TransportOptions) {
    const agentOptions = { keepAlive: true, maxSockets: options.connections, timeout: IDLE_CONNECTION_MS, scheduling: "lifo" as const };
    this.plain = new HttpAgent(agentOptions);
    this.secure = new HttpsAgent(agentOptions);
    this.headersTimeout = options.timeout;
  }

  send(outgoing: TransportRequest): Promise<TransportReply> {
    const { signal } = outgoing;
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    return new Promise((resolve, reject) => {
      let url: URL;
      try {
        url = new URL(outgoing.url);
      } catch (error) {
        reject(error);
        return;
      }
      const secure = url.protocol === "https:";
      const request = (secure ? httpsRequest : httpRequest)(url, {
        method: outgoing.method,
        headers: outgoing.headers,
        agent: secure ? this.secure : this.plain,
      });
      let reply: NodeReply | undefined;
      const onAbort = (): void => {
        const reason = abortReason(signal as AbortSignal) as Error;
        if (reply) reply.abort(reason);
        else request.destroy(reason);
      };
      const release = (): void => signal?.removeEventListener("abort", onAbort);
      signal?.addEventListener("abort", onAbort, { once: true });
      const timer = setTimeout(() => {
        request.destroy(Object.assign(new Error(`no reply headers within ${this.headersTimeout} ms`), { code: "HeadersTimeout" }));
      }, this.headersTimeout);
      request.once("response", (response) => {
        clearTimeout(timer);
        reply = new NodeReply(outgoing.url, response);
        response.once("close", release);
        resolve(reply);
      });
      request.on("error", (error) => {
        clearTimeout(timer);
        if (reply) reply.abort(error);
        else {
          release();
          reject(error);
        }
      });
      request.end();
    });
  }

  async close(): Promise<void> {
    this.plain.destroy();
    this.secure.destroy();
  }
}

/**
 * A reply whose body is Node's `IncomingMessage`: it waits, unread and with the socket paused by
 * Node once its buffer is full, until a consumer comes; the consumer's promises pause it.
 */
class NodeReply implements TransportReply {
  readonly status: number;
  /** Why the body failed before it was read to its end. */
  private failure: unknown;

  constructor(
    readonly url: string,
    private readonly response: IncomingMessage,
  ) {
    this.status = response.statusCode ?? 0;
    response.on("error", (error) => {
      this.failure ??= error;
    });
    response.once("close", () => {
      if (!response.complete) this.failure ??= cutShort();
    });
  }

  header(name: string): string | undefined {
    const value = this.response.headers[name];
    return Array.isArray(value) ? value[0] : value;
  }

  consume(onChunk: (chunk: Uint8Array) => ChunkVerdict | Promise<ChunkVerdict>): Promise<"ended" | "done"> {
    const response = this.response;
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      let settled = false;
      const finish = (outcome: "ended" | "done" | { error: unknown }): void => {
        if (settled) return;
        settled = true;
        response.off("data", onData);
        response.off("end", onEnd);
        response.off("error", onError);
        response.off("close", onClose);
        if (outcome !== "ended") this.stop();
        if (typeof outcome === "string") resolve(outcome);
        else reject(outcome.error);
      };
      const onData = (chunk: Buffer): void => {
        if (settled || chunk.length === 0) return;
        let verdict: ChunkVerdict | Promise<ChunkVerdict>;
        try {
          verdict = onChunk(chunk);
        } catch (error) {
          finish({ error });
          return;
        }
        if (verdict === "done") finish("done");
        else if (verdict !== "more") {
          response.pause();
          verdict.then(
            (next) => {
              if (next === "done") finish("done");
              else if (!settled) response.resume();
            },
            (error: unknown) => finish({ error }),
          );
        }
      };
      const onEnd = (): void => finish("ended");
      const onError = (error: unknown): void => finish({ error });
      const onClose = (): void => {
        if (!response.complete) finish({ error: this.failure ?? cutShort() });
      };
      response.on("data", onData);
      response.once("end", onEnd);
      response.once("error", onError);
      response.once("close", onClose);
    });
  }

  abort(reason: Error): void {
    if (!this.response.readableEnded) this.response.destroy(reason);
  }

  discard(): Promise<void> {
    return discardUnwanted(this, () => this.stop());
  }

  /**
   * Drops the rest of a body: a body that has all arrived is read out, which frees its
   * connection for the next request; one still arriving is dropped with its connection.
   */
  private stop(): void {
    if (this.response.complete) this.response.resume();
    else this.response.destroy();
  }
}

function cutShort(): Error {
  return Object.assign(new Error("the connection closed before the body ended"), { code: "ECONNRESET" });
}
