/**
 * The Node default transport: requests for bodies of at least {@link BULK_BYTES} go over undici,
 * the others over Node's own HTTP client.
 *
 * Each is cheaper where the other is dear. Node's client parses HTTP in native code that needs no
 * compiling or warming up, so a request costs a fresh process about half the CPU time it costs on
 * undici; but it copies every chunk of a body into a new buffer, while undici hands over views of
 * the bytes the socket read. A download of large parts (the 8 MiB parts of `get`) thus costs about
 * 40% more CPU on Node's client, a few hundred small reads twice as much on undici (measured in
 * docs/performance.md). undici is loaded with the first large body.
 * @module
 */
import { NodeHttpTransport } from "./node-http-transport.js";
import type { HttpTransport, TransportOptions, TransportReply, TransportRequest } from "./transport.js";
import { UndiciTransport } from "./undici-transport.js";

/** The expected body length from which a request goes over undici. */
export const BULK_BYTES = 1024 * 1024;

/** Small bodies over `node:http`, large ones over one undici pool per origin. */
export class NodeTransport implements HttpTransport {
  readonly followsRedirects = false;
  private readonly small: NodeHttpTransport;
  private bulk: Promise<{ transport: UndiciTransport; close: () => Promise<void> }> | undefined;

  constructor(private readonly options: TransportOptions) {
    this.small = new NodeHttpTransport(options);
  }

  send(request: TransportRequest): Promise<TransportReply> {
    if ((request.expectedBytes ?? 0) < BULK_BYTES) return this.small.send(request);
    return this.bulkTransport().then(({ transport }) => transport.send(request));
  }

  async close(): Promise<void> {
    const bulk = this.bulk;
    this.bulk = undefined;
    await Promise.all([this.small.close(), bulk?.then(({ close }) => close())]);
  }

  private bulkTransport(): Promise<{ transport: UndiciTransport; close: () => Promise<void> }> {
    this.bulk ??= import("./origin-pools.js").then(({ OriginPools }) => {
      const { connections, timeout } = this.options;
      const pools = new OriginPools({ connections, headersTimeout: timeout, bodyTimeout: 2 * timeout });
      return { transport: new UndiciTransport(pools), close: () => pools.close() };
    });
    return this.bulk;
  }
}
