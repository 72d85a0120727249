/**
 * The Node default transport: HTTP/1.1 over sockets that read into reused buffers, so that a
 * body's bytes reach their consumer without a fresh allocation per read: the plain-HTTP
 * connections of a transport share one, a TLS connection has its own.
 *
 * Node's clients give every socket read a new buffer (undici) or copy every body chunk into one
 * (`node:http`): a 1 GiB download then touches 1 GiB of fresh memory, whose page faults and
 * collection cost more CPU time than the transfer itself on a virtual machine, and the buffers
 * wait for the garbage collector; small requests pay the same per read, and the clients' own
 * machinery (agents, streams, events) besides (see docs/performance.md). Here the chunks a
 * consumer receives are views of a read buffer, valid until the consumer returns, or until the
 * promise it returned settles (the socket reads nothing meanwhile); a consumer that keeps bytes
 * copies them.
 *
 * Sharing one buffer among connections keeps a hundred replies from touching a hundred buffers'
 * worth of fresh memory. It holds because Node reads a plain socket only from the event loop,
 * never within JavaScript: bytes read into the shared buffer are safe until the turn that read
 * them ends (its promise reactions included). Bytes still waiting then (a reply whose consumer
 * has not come yet) move to a buffer of the connection's own first, and so do the chunks of a
 * consumer that may hold them across a promise (one without `copiesAtOnce`).
 * @module
 */
import { isIP, connect as netConnect, type Socket } from "node:net";
import { type ConnectionOptions, connect as tlsConnect } from "node:tls";
import { InvalidArgumentError } from "../../core/errors.js";
import { watchAbort } from "../../core/signal-listeners.js";
import { type BodyDecoder, bodyDecoder } from "./http1-body.js";
import {
  bodyFraming,
  InvalidReplyError,
  keepsConnection,
  MAX_HEAD_BYTES,
  parseReplyHead,
  type ReplyHead,
  requestHead,
} from "./http1-head.js";
import {
  abortReason,
  type ChunkVerdict,
  type ConsumeOptions,
  discardUnwanted,
  type HttpTransport,
  type TransportOptions,
  type TransportReply,
  type TransportRequest,
} from "./transport.js";

/**
 * Bytes of a read buffer: at most this much arrives per read. A transport holds one for its
 * plain-HTTP connections, and a connection that needs its own (TLS, a consumer holding chunks)
 * holds one while it lives (idle connections close after 4 s by default); 256 KiB reads took a
 * 1 GiB download 10-40% less CPU time than 64 KiB reads on loopback.
 */
export const READ_BUFFER_BYTES = 256 * 1024;

/**
 * Milliseconds an idle kept-alive connection stays open by default (servers commonly close theirs
 * after 5 s).
 */
const IDLE_CONNECTION_MS = 4000;

/** The longest delay a Node timer keeps (a longer one fires at once). */
const MAX_TIMER_MS = 2 ** 31 - 1;

const HEAD_END = Buffer.from("\r\n\r\n", "latin1");

/**
 * Takes the bytes a connection reads while a request owns it; `false` pauses the socket, which
 * the owner resumes. `ended` is called when the server ends the connection, `failed` on its errors.
 */
interface ConnectionUser {
  read(bytes: Buffer): boolean;
  ended(): void;
  failed(error: Error): void;
}

/**
 * One socket; used by one request at a time. A plain-HTTP connection reads into the buffer its
 * transport shares until it has one of its own; a TLS connection has its own from the start
 * (a TLS socket may hand over bytes it decrypted while JavaScript runs, which a shared buffer
 * cannot allow).
 */
class Connection {
  readonly socket: Socket;
  private user: ConnectionUser | undefined;
  /**
   * Closes the connection `idleMs` after it was last released. Made once and re-armed by each
   * release (cheaper than a timer per request); it does nothing while a request owns the connection.
   */
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  /** Tells the request waiting for a reply head that it is late. Made once, re-armed for each request. */
  private headTimer: ReturnType<typeof setTimeout> | undefined;
  /** What {@link Connection.headTimer} calls: the waiting request's failure, until its head arrives. */
  private onHeadLate: (() => void) | undefined;
  /** Whether the connection was closed and its transport told. */
  private gone = false;
  /** The connection's own read buffer, once it needed one. */
  private own: Buffer | undefined;

  constructor(
    url: URL,
    tls: ConnectionOptions,
    private readonly idleMs: number,
    private readonly onGone: (connection: Connection) => void,
    private readonly shared: Buffer,
  ) {
    const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
    const secure = url.protocol === "https:";
    const port = Number(url.port) || (secure ? 443 : 80);
    const callback = (bytes: number, buffer: Uint8Array): boolean => this.onRead(bytes, buffer);
    if (secure) {
      this.own = Buffer.allocUnsafeSlow(READ_BUFFER_BYTES);
      // Node's TLS sockets take `onread` as its TCP sockets do; its typings leave it out.
      const secureOptions: ConnectionOptions & { onread: { buffer: Buffer; callback: typeof callback } } = {
        host,
        port,
        onread: { buffer: this.own, callback },
        ALPNProtocols: ["http/1.1"],
        ...(isIP(host) ? {} : { servername: host }),
        ...tls,
      };
      this.socket = tlsConnect(secureOptions);
    } else {
      // Node asks for the buffer of a socket's next read right after each read.
      this.socket = netConnect({ host, port, onread: { buffer: () => this.own ?? shared, callback } });
    }
    this.socket.setNoDelay(true);
    this.socket.on("end", () => {
      const user = this.user;
      this.destroy();
      user?.ended();
    });
    this.socket.on("error", (error) => this.close(error));
    this.socket.on("close", () => this.close(closedEarly()));
  }

  /** Gives the connection to `user`, which reads on it until {@link Connection.release}. */
  take(user: ConnectionUser): void {
    this.user = user;
    this.socket.ref();
  }

  /** Ends a request's use: the connection waits idle for the next one, for a while. */
  release(): void {
    this.user = undefined;
    this.socket.unref();
    if (this.idleTimer) this.idleTimer.refresh();
    else {
      this.idleTimer = setTimeout(() => {
        if (this.user === undefined) this.destroy();
      }, this.idleMs);
      this.idleTimer.unref();
    }
  }

  /** Calls `late` unless {@link Connection.headArrived} is called within `ms` (the same for every request of the connection). */
  expectHead(ms: number, late: () => void): void {
    this.onHeadLate = late;
    if (this.headTimer) this.headTimer.refresh();
    else {
      this.headTimer = setTimeout(() => this.onHeadLate?.(), ms);
      this.headTimer.unref();
    }
  }

  /** The reply head {@link Connection.expectHead} waited for has arrived. */
  headArrived(): void {
    this.onHeadLate = undefined;
  }

  /** Closes the connection for good: its user, if any, fails with `reason`. */
  close(reason: Error): void {
    const user = this.user;
    this.destroy();
    user?.failed(reason);
  }

  /**
   * Closes the connection; its user hears nothing more. The transport is told once, whether the
   * socket was closed here or by an error (an idle connection reset by its server, say).
   */
  destroy(): void {
    this.user = undefined;
    this.onHeadLate = undefined;
    clearTimeout(this.idleTimer);
    clearTimeout(this.headTimer);
    if (this.gone) return;
    this.gone = true;
    this.socket.destroy();
    this.onGone(this);
  }

  /**
   * `bytes` where they stay valid while the connection reads nothing: in the connection's own
   * buffer (made at first need) when they were read into the shared one. Once it has its own,
   * the connection reads into it.
   */
  kept(bytes: Buffer): Buffer {
    if (!this.inSharedBuffer(bytes)) return bytes;
    this.own ??= Buffer.allocUnsafeSlow(READ_BUFFER_BYTES);
    bytes.copy(this.own);
    return this.own.subarray(0, bytes.length);
  }

  /** Whether `bytes` lie in the shared read buffer, which other connections read into once this turn ends. */
  inSharedBuffer(bytes: Buffer): boolean {
    return bytes.length > 0 && bytes.buffer === this.shared.buffer;
  }

  private onRead(bytes: number, buffer: Uint8Array): boolean {
    const user = this.user;
    if (user === undefined) {
      this.destroy();
      return false;
    }
    return user.read(Buffer.from(buffer.buffer, buffer.byteOffset, bytes));
  }
}

/** The connections of one origin: those idle, most recently used last, and the requests waiting for one. */
interface Origin {
  idle: Connection[];
  active: number;
  waiting: Array<() => void>;
}

/**
 * HTTP/1.1 over `node:net` and `node:tls` sockets that read into reused buffers (the `onread`
 * option; one shared by the plain-HTTP connections): at most `connections` requests at once per
 * origin, kept-alive connections reused most recent first and reading while idle (a server
 * closing one is seen at once; a request sent in the instant before fails with a network error,
 * which the retry layer retries) until `idleTimeout` passes without a request, redirects left to
 * the backend. `tls` adds options to every TLS connection (a private `ca`, say); certificates are
 * checked as everywhere in Node.
 */
export class NodeTransport implements HttpTransport {
  readonly followsRedirects = false;
  private readonly origins = new Map<string, Origin>();
  private readonly connections = new Set<Connection>();
  /** The read buffer of the plain-HTTP connections, made with the first. */
  private sharedReadBuffer: Buffer | undefined;

  constructor(
    private readonly options: TransportOptions,
    private readonly tls: ConnectionOptions = {},
  ) {
    const idle = options.idleTimeout;
    if (idle !== undefined && !(Number.isInteger(idle) && idle > 0 && idle <= MAX_TIMER_MS))
      throw new InvalidArgumentError(`idleTimeout must be a whole number of milliseconds from 1 to ${MAX_TIMER_MS}, got ${idle}`);
  }

  async send(request: TransportRequest): Promise<TransportReply> {
    const { signal } = request;
    if (signal?.aborted) throw abortReason(signal);
    const url = new URL(request.url);
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new TypeError(`not an http(s) URL: ${request.url}`);
    const head = requestHead(request.method, url, request.headers);
    const origin = this.originOf(url.origin);
    await this.slot(origin, signal);
    try {
      return await this.exchange(this.idleConnection(origin) ?? this.connect(url), request, head, origin);
    } catch (error) {
      this.freeSlot(origin);
      throw error;
    }
  }

  async close(): Promise<void> {
    for (const connection of [...this.connections]) connection.close(new Error("the transport was closed"));
    this.origins.clear();
  }

  private originOf(key: string): Origin {
    let origin = this.origins.get(key);
    if (!origin) {
      origin = { idle: [], active: 0, waiting: [] };
      this.origins.set(key, origin);
    }
    return origin;
  }

  /** Waits until the origin has fewer than `connections` requests in progress, then counts this one. */
  private slot(origin: Origin, signal: AbortSignal | undefined): Promise<void> {
    if (origin.active < this.options.connections) {
      origin.active++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      let unwatch = ignore;
      const turn = (): void => {
        unwatch();
        origin.active++;
        resolve();
      };
      origin.waiting.push(turn);
      if (signal)
        unwatch = watchAbort(signal, () => {
          origin.waiting.splice(origin.waiting.indexOf(turn), 1);
          reject(abortReason(signal));
        });
    });
  }

  private freeSlot(origin: Origin): void {
    origin.active--;
    origin.waiting.shift()?.();
  }

  private idleConnection(origin: Origin): Connection | undefined {
    for (let connection = origin.idle.pop(); connection; connection = origin.idle.pop())
      if (!connection.socket.destroyed) return connection;
    return undefined;
  }

  private connect(url: URL): Connection {
    this.sharedReadBuffer ??= Buffer.allocUnsafeSlow(READ_BUFFER_BYTES);
    const onGone = (gone: Connection): void => {
      this.connections.delete(gone);
      const idle = this.origins.get(url.origin)?.idle;
      const at = idle?.indexOf(gone) ?? -1;
      if (at >= 0) idle?.splice(at, 1);
    };
    const connection = new Connection(url, this.tls, this.options.idleTimeout ?? IDLE_CONNECTION_MS, onGone, this.sharedReadBuffer);
    this.connections.add(connection);
    return connection;
  }

  /** Sends `head` on `connection` and resolves with the reply once its head has arrived. */
  private exchange(connection: Connection, request: TransportRequest, head: string, origin: Origin): Promise<TransportReply> {
    const { signal } = request;
    return new Promise((resolve, reject) => {
      let received: Buffer | undefined;
      let settled = false;
      let unwatch = ignore;
      const fail = (error: unknown): void => {
        if (settled) return;
        settled = true;
        unwatch();
        connection.destroy();
        reject(error);
      };
      if (signal?.aborted) {
        fail(abortReason(signal));
        return;
      }
      if (signal) unwatch = watchAbort(signal, () => fail(abortReason(signal)));
      const finished = (keep: boolean): void => {
        if (keep) {
          connection.release();
          origin.idle.push(connection);
          if (origin.idle.length > this.options.connections) origin.idle.shift()?.destroy();
        } else connection.destroy();
        this.freeSlot(origin);
      };
      connection.expectHead(this.options.timeout, () =>
        fail(Object.assign(new Error(`no reply headers within ${this.options.timeout} ms`), { code: "HeadersTimeout" })),
      );
      connection.take({
        read: (bytes) => {
          let all = received ? Buffer.concat([received, bytes]) : bytes;
          for (;;) {
            const end = all.indexOf(HEAD_END);
            if (end < 0) {
              if (all.length > MAX_HEAD_BYTES)
                fail(new InvalidReplyError(`no end of the reply head in ${MAX_HEAD_BYTES} bytes`, "HeadersTooLarge"));
              else received = Buffer.from(all);
              return !settled;
            }
            let parsed: ReplyHead;
            try {
              parsed = parseReplyHead(all.toString("latin1", 0, end));
            } catch (error) {
              fail(error);
              return false;
            }
            const rest = all.subarray(end + HEAD_END.length);
            if (parsed.status >= 100 && parsed.status < 200 && parsed.status !== 101) {
              all = rest;
              received = Buffer.alloc(0);
              continue;
            }
            if (parsed.status === 101) {
              fail(new InvalidReplyError("the server switched protocols unasked", "UnexpectedUpgrade"));
              return false;
            }
            settled = true;
            connection.headArrived();
            unwatch();
            const framing = bodyFraming(request.method, parsed);
            const reply = new SocketReply(
              request.url,
              parsed,
              bodyDecoder(framing),
              keepsConnection(parsed, framing),
              connection,
              rest,
              finished,
              signal,
            );
            resolve(reply);
            return reply.startsReading();
          }
        },
        ended: () => fail(closedEarly()),
        failed: fail,
      });
      connection.socket.resume();
      connection.socket.write(head);
    });
  }
}

/**
 * A reply whose body arrives on its connection: the bytes read with the head wait, the socket
 * paused, until a consumer comes.
 */
class SocketReply implements TransportReply {
  readonly status: number;
  private failure: unknown;
  private finished = false;
  private consumer: ((chunk: Uint8Array) => ChunkVerdict | Promise<ChunkVerdict>) | undefined;
  private settle: ((outcome: "ended" | "done" | { error: unknown }) => void) | undefined;
  /** Whether the consumer may keep a chunk until the promise it answered settles (no `copiesAtOnce`). */
  private holdsChunks = false;
  /** Stops watching the request's signal. */
  private readonly unwatch: () => void;
  /**
   * Bytes read and not yet decoded: a view of a read buffer, valid while the socket is paused
   * (and, in the shared buffer, until this turn of the event loop ends).
   */
  private pending: Buffer;

  constructor(
    readonly url: string,
    private readonly head: ReplyHead,
    private readonly decoder: BodyDecoder,
    private readonly reusable: boolean,
    private readonly connection: Connection,
    rest: Buffer,
    private readonly onFinished: (keep: boolean) => void,
    signal: AbortSignal | undefined,
  ) {
    this.status = head.status;
    this.pending = rest;
    this.unwatch = signal ? watchAbort(signal, () => this.fail(abortReason(signal))) : ignore;
    connection.take({
      read: (bytes) => this.read(bytes),
      ended: () => (this.decoder.endsAtClose() ? this.end("ended", false) : this.fail(closedEarly())),
      failed: (error) => this.fail(error),
    });
  }

  /**
   * Whether the socket reads on after the head: only when the reply had no body and the
   * connection went back to the idle ones; otherwise it waits, paused, for a consumer.
   */
  startsReading(): boolean {
    if (this.decoder.complete) return this.end("ended", this.pending.length === 0);
    this.keepPending();
    return false;
  }

  header(name: string): string | undefined {
    return this.head.fields.get(name)?.[0];
  }

  consume(onChunk: (chunk: Uint8Array) => ChunkVerdict | Promise<ChunkVerdict>, options: ConsumeOptions = {}): Promise<"ended" | "done"> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.finished) return Promise.resolve("ended");
    if (this.consumer) return Promise.reject(new Error("the body is already being read"));
    return new Promise((resolve, reject) => {
      this.consumer = onChunk;
      this.settle = (outcome) => (typeof outcome === "string" ? resolve(outcome) : reject(outcome.error));
      this.holdsChunks = options.copiesAtOnce !== true;
      if (this.holdsChunks) this.pending = this.connection.kept(this.pending);
      if (this.pump()) this.connection.socket.resume();
    });
  }

  abort(reason: Error): void {
    this.fail(reason);
  }

  discard(): Promise<void> {
    return discardUnwanted(this, () => this.end("done", false));
  }

  private read(bytes: Buffer): boolean {
    if (this.finished) return false;
    this.pending = this.holdsChunks ? this.connection.kept(bytes) : bytes;
    if (this.consumer !== undefined) return this.pump();
    this.keepPending();
    return false;
  }

  /**
   * Lets the pending bytes outlive this turn of the event loop: those in the shared read buffer
   * move to the connection's own when the turn ends, unless a consumer has taken them by then.
   */
  private keepPending(): void {
    if (this.finished || !this.connection.inSharedBuffer(this.pending)) return;
    afterThisTurn(() => {
      if (!this.finished) this.pending = this.connection.kept(this.pending);
    });
  }

  /**
   * Hands the pending bytes' body to the consumer; `true` when they are all taken and the socket
   * may read on, `false` when it must stay paused (the body ended, or the consumer is waiting:
   * the bytes it has not taken yet are kept past this turn).
   */
  private pump(): boolean {
    const consumer = this.consumer as (chunk: Uint8Array) => ChunkVerdict | Promise<ChunkVerdict>;
    let at = 0;
    const input = this.pending;
    while (at < input.length && !this.decoder.complete) {
      let piece: Uint8Array;
      try {
        ({ piece, to: at } = this.decoder.step(input, at));
      } catch (error) {
        this.fail(error);
        return false;
      }
      if (piece.length === 0) continue;
      let verdict: ChunkVerdict | Promise<ChunkVerdict>;
      try {
        // A plain view, not a Buffer: a consumer's `slice()` then copies, as it does on any Uint8Array.
        verdict = consumer(new Uint8Array(piece.buffer, piece.byteOffset, piece.length));
      } catch (error) {
        this.fail(error);
        return false;
      }
      if (verdict === "done") {
        return this.end("done", this.decoder.complete && at === input.length);
      }
      if (verdict !== "more") {
        this.pending = input.subarray(at);
        this.keepPending();
        verdict.then(
          (next) => {
            if (this.finished) return;
            if (next === "done") {
              if (this.end("done", this.decoder.complete && this.pending.length === 0)) this.connection.socket.resume();
              return;
            }
            if (this.pump()) this.connection.socket.resume();
          },
          (error: unknown) => this.fail(error),
        );
        return false;
      }
    }
    this.pending = input.subarray(input.length);
    // Bytes after the body's end are no reply to anything: the connection is not reused.
    if (this.decoder.complete) return this.end("ended", at === input.length);
    return true;
  }

  /**
   * Ends the exchange with `outcome`; the connection serves again when `keep` and the server
   * allows it. Says whether it does: an idle connection reads on, so that a server closing it is
   * seen at once, not by the next request sent on it.
   */
  private end(outcome: "ended" | "done", keep: boolean): boolean {
    if (this.finished) return false;
    this.finished = true;
    this.unwatch();
    const kept = keep && this.reusable;
    this.onFinished(kept);
    this.settle?.(outcome);
    return kept;
  }

  private fail(error: unknown): void {
    if (this.finished) return;
    this.failure = error;
    this.finished = true;
    this.unwatch();
    this.onFinished(false);
    this.settle?.({ error });
  }
}

const settled = Promise.resolve();

/**
 * Runs `task` once this turn of the event loop has run its promise reactions: a tick queued by a
 * promise reaction runs when the microtask queue is empty, before Node reads another socket.
 * (A settled promise's reaction, not `queueMicrotask`, which makes an async resource per call.)
 */
function afterThisTurn(task: () => void): void {
  void settled.then(() => process.nextTick(task));
}

function ignore(): void {}

function closedEarly(): Error {
  return Object.assign(new Error("the connection closed before the reply ended"), { code: "ECONNRESET" });
}
