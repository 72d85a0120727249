/**
 * The HTTP transport on an undici dispatcher the caller gives (a `ProxyAgent`, an `Agent` with its
 * own TLS or DNS options ...), for Node; redirects are left to the backend (which decides what
 * each hop may carry). Requests go straight to the dispatcher with a handler that hands each body
 * chunk to its consumer as the parser delivers it, and pauses the socket while the consumer waits;
 * no stream is built around a body.
 * @module
 */
import type { IncomingHttpHeaders } from "node:http";
import { watchAbort } from "../../core/signal-listeners.js";
import {
  abortReason,
  type ChunkVerdict,
  discardUnwanted,
  type HttpTransport,
  type TransportReply,
  type TransportRequest,
} from "./transport.js";
import type { UndiciDispatchController, UndiciDispatcher, UndiciDispatchHandler } from "./undici-dispatcher.js";

/**
 * Transport on an undici dispatcher. The dispatcher stays the caller's: its timeouts and
 * connection limits apply, and closing the transport leaves it open.
 */
export class UndiciTransport implements HttpTransport {
  readonly followsRedirects = false;

  constructor(private readonly dispatcher: UndiciDispatcher) {}

  send(outgoing: TransportRequest): Promise<TransportReply> {
    const { signal } = outgoing;
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    return new Promise((resolve, reject) => {
      const reply = new DispatchedReply(outgoing.url);
      let abortBeforeStart: unknown;
      const onAbort = (): void => {
        const reason = abortReason(signal as AbortSignal);
        if (reply.controller) reply.controller.abort(reason as Error);
        else abortBeforeStart = reason;
      };
      const release = signal ? watchAbort(signal, onAbort) : (): void => undefined;
      const handler: UndiciDispatchHandler = {
        onRequestStart(controller) {
          reply.controller = controller;
          if (abortBeforeStart !== undefined) controller.abort(abortBeforeStart as Error);
        },
        onResponseStart(controller, status, headers) {
          if (status < 200) return;
          reply.answer(status, headers);
          controller.pause();
          resolve(reply);
        },
        onResponseData(_controller, chunk) {
          reply.data(chunk);
        },
        onResponseEnd() {
          release();
          reply.end();
        },
        onResponseError(_controller, error) {
          release();
          if (reply.status !== 0) reply.fail(error);
          else reject(error);
        },
      };
      try {
        const url = new URL(outgoing.url);
        this.dispatcher.dispatch(
          { origin: url.origin, path: `${url.pathname}${url.search}`, method: outgoing.method, headers: outgoing.headers },
          handler,
        );
      } catch (error) {
        release();
        reject(error);
      }
    });
  }

  async close(): Promise<void> {}
}

/** The consumer of a body, and how its call settles. */
interface Consumer {
  onChunk: (chunk: Uint8Array) => ChunkVerdict | Promise<ChunkVerdict>;
  resolve: (outcome: "ended" | "done") => void;
  reject: (error: unknown) => void;
  /** Waiting for the promise `onChunk` answered with. */
  busy: boolean;
}

/**
 * A reply whose body arrives through the dispatch handler: chunks that come before the consumer
 * (or while it is busy) wait here with the socket paused.
 */
class DispatchedReply implements TransportReply {
  /** 0 until the reply's status and headers have arrived. */
  status = 0;
  controller: UndiciDispatchController | undefined;
  private headers: IncomingHttpHeaders = {};
  private waiting: Uint8Array[] = [];
  private state: "open" | "ended" | "failed" = "open";
  private failure: unknown;
  private consumer: Consumer | undefined;
  private settled = false;

  constructor(readonly url: string) {}

  answer(status: number, headers: IncomingHttpHeaders): void {
    this.status = status;
    this.headers = headers;
  }

  header(name: string): string | undefined {
    const value = this.headers[name];
    return Array.isArray(value) ? value[0] : value;
  }

  data(chunk: Uint8Array): void {
    // undici can hand over empty chunks after a pause; pausing again for one would never end.
    if (this.settled || chunk.length === 0) return;
    const consumer = this.consumer;
    if (!consumer || consumer.busy || this.waiting.length > 0) {
      this.waiting.push(chunk);
      this.controller?.pause();
      return;
    }
    this.deliver(consumer, chunk);
  }

  end(): void {
    if (this.state !== "open") return;
    this.state = "ended";
    this.flush();
  }

  fail(error: unknown): void {
    if (this.state !== "open") return;
    this.state = "failed";
    this.failure = error;
    this.flush();
  }

  consume(onChunk: (chunk: Uint8Array) => ChunkVerdict | Promise<ChunkVerdict>): Promise<"ended" | "done"> {
    return new Promise((resolve, reject) => {
      this.consumer = { onChunk, resolve, reject, busy: false };
      this.flush();
    });
  }

  abort(reason: Error): void {
    this.controller?.abort(reason);
  }

  discard(): Promise<void> {
    return discardUnwanted(this, () => this.stop());
  }

  /** Hands one chunk to the consumer and acts on its verdict. */
  private deliver(consumer: Consumer, chunk: Uint8Array): void {
    let verdict: ChunkVerdict | Promise<ChunkVerdict>;
    try {
      verdict = consumer.onChunk(chunk);
    } catch (error) {
      this.finish(consumer, { error });
      return;
    }
    if (verdict === "done") this.finish(consumer, "done");
    else if (verdict !== "more") {
      consumer.busy = true;
      this.controller?.pause();
      verdict.then(
        (next) => {
          consumer.busy = false;
          if (next === "done") this.finish(consumer, "done");
          else this.flush();
        },
        (error: unknown) => this.finish(consumer, { error }),
      );
    }
  }

  /** Delivers what waits, then settles on the body's end or failure, or lets the socket go on. */
  private flush(): void {
    const consumer = this.consumer;
    if (!consumer || this.settled) return;
    let next = 0;
    while (!consumer.busy && !this.settled && next < this.waiting.length) this.deliver(consumer, this.waiting[next++] as Uint8Array);
    this.waiting = next === this.waiting.length ? [] : this.waiting.slice(next);
    if (consumer.busy || this.settled) return;
    if (this.state === "ended") this.finish(consumer, "ended");
    else if (this.state === "failed") this.finish(consumer, { error: this.failure });
    else this.controller?.resume();
  }

  /** Settles the consumer's call; a body not read to its end is dropped with its connection. */
  private finish(consumer: Consumer, outcome: "ended" | "done" | { error: unknown }): void {
    if (this.settled) return;
    this.settled = true;
    this.waiting = [];
    if (outcome !== "ended") this.stop();
    if (typeof outcome === "string") consumer.resolve(outcome);
    else consumer.reject(outcome.error);
  }

  private stop(): void {
    if (this.state !== "open") return;
    this.state = "failed";
    this.controller?.abort(new DOMException("the body was not wanted", "AbortError") as Error);
  }
}
