/**
 * The Node default transport: requests for bodies of at least {@link BULK_BYTES} go over
 * {@link NodeBulkTransport}, the others over Node's own HTTP client.
 *
 * Each is cheaper where the other is dear. Node's client parses HTTP in native code that needs no
 * compiling or warming up, so a request costs a fresh process little CPU time; but it copies
 * every chunk of a body into a new buffer. The bulk transport reads each connection into one
 * buffer of its own, reused for every read, so that a large body costs no fresh memory: a 1 GiB
 * download takes less than half the CPU time it takes on Node's client or on undici (measured in
 * docs/performance.md).
 * @module
 */
import { NodeBulkTransport } from "./node-bulk-transport.js";
import { NodeHttpTransport } from "./node-http-transport.js";
import type { HttpTransport, TransportOptions, TransportReply, TransportRequest } from "./transport.js";

/** The expected body length from which a request goes over the bulk transport. */
export const BULK_BYTES = 1024 * 1024;

/** Small bodies over `node:http`, large ones over sockets with their own read buffers. */
export class NodeTransport implements HttpTransport {
  readonly followsRedirects = false;
  private readonly small: NodeHttpTransport;
  private readonly bulk: NodeBulkTransport;

  constructor(options: TransportOptions) {
    this.small = new NodeHttpTransport(options);
    this.bulk = new NodeBulkTransport(options);
  }

  send(request: TransportRequest): Promise<TransportReply> {
    return (request.expectedBytes ?? 0) < BULK_BYTES ? this.small.send(request) : this.bulk.send(request);
  }

  async close(): Promise<void> {
    await Promise.all([this.small.close(), this.bulk.close()]);
  }
}
