import { createServer as createHttpsServer } from "node:https";
import { type AddressInfo, createServer as createNetServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpBackend } from "../../src/backends/http/backend.js";
import { NodeTransport, READ_BUFFER_BYTES } from "../../src/backends/http/node-transport.js";
import { FileSystem, InvalidArgumentError, TransientError } from "../../src/index.js";
import { lcgBytes } from "../bytes.js";
import { selfSignedCertificate } from "../servers/self-signed.js";

const BODY = lcgBytes(3 * READ_BUFFER_BYTES + 123, 11);

/** Bytes of the body of `/whole-a` and of each of the three chunks of `/chunks-a`; `/whole-b` has four times as many. */
const LETTERS = 1000;

/** Writes `pieces` one after another, each after the previous has left, so that they tend to arrive as separate reads. */
function writePieces(socket: Socket, pieces: ReadonlyArray<string | Uint8Array>, then?: () => void): void {
  const [first, ...rest] = pieces;
  if (first === undefined) {
    then?.();
    return;
  }
  socket.write(first, () => setImmediate(() => writePieces(socket, rest, then)));
}

function chunked(body: Uint8Array, size: number): Array<string | Uint8Array> {
  const pieces: Array<string | Uint8Array> = [];
  for (let at = 0; at < body.length; at += size) {
    const chunk = body.subarray(at, at + size);
    pieces.push(`${chunk.length.toString(16)};note=x\r\n`, chunk, "\r\n");
  }
  pieces.push("0\r\nx-checksum: none\r\n\r\n");
  return pieces;
}

/**
 * A raw TCP server answering each request by its path with scripted bytes: the replies a strict
 * client must read (chunked bodies split anywhere, interim replies, bodies ended by the
 * connection's end) and those it must refuse. Counts connections opened and closed.
 */
async function startScriptedServer(): Promise<{
  url: string;
  connections: () => number;
  whenClosed: (count: number) => Promise<void>;
  endOpen: () => void;
  close: () => void;
}> {
  let connections = 0;
  let closed = 0;
  const open = new Set<Socket>();
  const waiters: Array<() => void> = [];
  const server: Server = createNetServer((socket) => {
    connections++;
    open.add(socket);
    socket.on("close", () => {
      closed++;
      open.delete(socket);
      for (const wake of waiters.splice(0)) wake();
    });
    let received = "";
    socket.on("data", (data) => {
      received += data.toString("latin1");
      for (let end = received.indexOf("\r\n\r\n"); end >= 0; end = received.indexOf("\r\n\r\n")) {
        const request = received.slice(0, end);
        received = received.slice(end + 4);
        const reply = script(request.split(" ")[1] ?? "");
        writePieces(socket, reply.pieces, reply.end ? () => socket.end() : undefined);
      }
    });
    socket.on("error", () => undefined);
  });
  const script = (path: string): { pieces: Array<string | Uint8Array>; end?: boolean } => {
    const ok = (extra = ""): string => `HTTP/1.1 200 OK\r\n${extra}`;
    switch (path) {
      case "/chunked":
        return { pieces: [ok("Transfer-Encoding: chunked\r\n\r\n"), ...chunked(BODY, 70_001)] };
      case "/chunked-bytewise":
        return { pieces: [ok("Transfer-Encoding: chunked\r\n\r\n"), ..."5\r\nhello\r\n0\r\n\r\n".split("")] };
      case "/interim":
        return {
          pieces: ["HTTP/1.1 103 Early Hints\r\nLink: </a>; rel=preload\r\n\r\n", ok(`Content-Length: ${BODY.length}\r\n\r\n`), BODY],
        };
      case "/until-close":
        return { pieces: ["HTTP/1.0 200 OK\r\n\r\n", BODY], end: true };
      case "/once":
        // A kept-alive reply, then the server closes the idle connection.
        return { pieces: [ok("Content-Length: 5\r\n\r\nhello")], end: true };
      case "/kept":
        return { pieces: [ok("Content-Length: 5\r\n\r\nhello")] };
      case "/whole-a":
        // Head and body in one write: they arrive in one read.
        return { pieces: [ok(`Content-Length: ${LETTERS}\r\n\r\n${"a".repeat(LETTERS)}`)] };
      case "/whole-b":
        // Longer than `/chunks-a`, so that it covers all of it in a buffer both are read into.
        return { pieces: [ok(`Content-Length: ${4 * LETTERS}\r\n\r\n${"b".repeat(4 * LETTERS)}`)] };
      case "/chunks-a":
        return {
          pieces: [ok(`Transfer-Encoding: chunked\r\n\r\n${`${LETTERS.toString(16)}\r\n${"a".repeat(LETTERS)}\r\n`.repeat(3)}0\r\n\r\n`)],
        };
      case "/trailing-garbage":
        return { pieces: [ok("Content-Length: 5\r\n\r\nhelloGARBAGE")] };
      case "/not-http":
        return { pieces: ["SPEAK FRIEND AND ENTER\r\n\r\n"] };
      case "/two-lengths":
        return { pieces: [ok("Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!")] };
      case "/folded":
        return { pieces: [ok("Content-Length: 5\r\nX-Long: a\r\n b\r\n\r\nhello")] };
      case "/bad-chunk":
        return { pieces: [ok("Transfer-Encoding: chunked\r\n\r\n"), "zz\r\nhello\r\n0\r\n\r\n"] };
      case "/chunk-no-crlf":
        return { pieces: [ok("Transfer-Encoding: chunked\r\n\r\n"), "5\r\nhelloXX0\r\n\r\n"] };
      case "/endless-head":
        return { pieces: [ok(), ...Array.from({ length: 40 }, (_, i) => `X-Filler-${i}: ${"y".repeat(2000)}\r\n`)] };
      case "/cut-chunked":
        return { pieces: [ok("Transfer-Encoding: chunked\r\n\r\n"), "10\r\nonly-eight"], end: true };
      case "/upgrade":
        return { pieces: ["HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n"] };
      default:
        return { pieces: ["HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"] };
    }
  };
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  server.unref();
  const whenClosed = async (count: number): Promise<void> => {
    while (closed < count) await new Promise<void>((resolve) => waiters.push(resolve));
  };
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections: () => connections,
    whenClosed,
    endOpen: () => {
      for (const socket of open) socket.end();
    },
    close: () => server.close(),
  };
}

let server: Awaited<ReturnType<typeof startScriptedServer>>;
beforeAll(async () => {
  server = await startScriptedServer();
});
afterAll(() => server.close());

async function bodyOf(transport: NodeTransport, path: string): Promise<{ status: number; body: Buffer }> {
  const reply = await transport.send({ method: "GET", url: `${server.url}${path}`, headers: {} });
  const chunks: Uint8Array[] = [];
  await reply.consume((chunk) => {
    chunks.push(new Uint8Array(chunk));
    return "more";
  });
  return { status: reply.status, body: Buffer.concat(chunks) };
}

describe("the Node transport's replies", () => {
  it("reads chunked bodies split anywhere, skipping extensions and trailers", async () => {
    const transport = new NodeTransport({ connections: 2, timeout: 30_000 });
    expect((await bodyOf(transport, "/chunked")).body.equals(BODY)).toBe(true);
    expect((await bodyOf(transport, "/chunked-bytewise")).body.toString()).toBe("hello");
    await transport.close();
  });

  it("skips an interim 1xx reply, and reads a body that ends with the connection", async () => {
    const transport = new NodeTransport({ connections: 2, timeout: 30_000 });
    const interim = await bodyOf(transport, "/interim");
    expect(interim.status).toBe(200);
    expect(interim.body.equals(BODY)).toBe(true);
    expect((await bodyOf(transport, "/until-close")).body.equals(BODY)).toBe(true);
    await transport.close();
  });

  it("hands over plain views of one reused read buffer, which a consumer copies with slice()", async () => {
    const transport = new NodeTransport({ connections: 1, timeout: 30_000 });
    const reply = await transport.send({ method: "GET", url: `${server.url}/chunked`, headers: {} });
    const buffers = new Set<ArrayBufferLike>();
    const sliced: Uint8Array[] = [];
    await reply.consume((chunk) => {
      buffers.add(chunk.buffer);
      // Plain views, not Buffers, whose slice() would be one more view of the same memory.
      sliced.push(chunk.slice());
      return "more";
    });
    expect(Buffer.concat(sliced).equals(BODY)).toBe(true);
    expect(buffers.size).toBe(1);
    await transport.close();
  });

  describe("with one read buffer shared by its plain-HTTP connections", () => {
    const send = (transport: NodeTransport, path: string) => transport.send({ method: "GET", url: `${server.url}${path}`, headers: {} });
    const gate = (): { opened: Promise<void>; open: () => void } => {
      let open = (): void => undefined;
      const opened = new Promise<void>((resolve) => {
        open = resolve;
      });
      return { opened, open };
    };

    it("hands the replies of two connections over in the same buffer, to consumers that take them as they come", async () => {
      const transport = new NodeTransport({ connections: 2, timeout: 30_000 });
      const buffers = new Set<ArrayBufferLike>();
      const readAsItComes = async (path: string): Promise<string> => {
        const reply = await send(transport, path);
        const chunks: Uint8Array[] = [];
        await reply.consume(
          (chunk) => {
            buffers.add(chunk.buffer);
            chunks.push(chunk.slice());
            return "more";
          },
          { copiesAtOnce: true },
        );
        return Buffer.concat(chunks).toString();
      };
      expect(await Promise.all([readAsItComes("/whole-a"), readAsItComes("/whole-b")])).toEqual([
        "a".repeat(LETTERS),
        "b".repeat(4 * LETTERS),
      ]);
      expect(buffers.size).toBe(1);
      await transport.close();
    });

    it("keeps the bytes that came with a reply's head while no consumer takes them, as other replies are read", async () => {
      const transport = new NodeTransport({ connections: 2, timeout: 30_000 });
      const first = await send(transport, "/whole-a");
      // Read on the other connection, after the turn that read the first reply ended.
      expect((await bodyOf(transport, "/whole-b")).body.toString()).toBe("b".repeat(4 * LETTERS));
      const chunks: Uint8Array[] = [];
      await first.consume(
        (chunk) => {
          chunks.push(chunk.slice());
          return "more";
        },
        { copiesAtOnce: true },
      );
      expect(Buffer.concat(chunks).toString()).toBe("a".repeat(LETTERS));
      await transport.close();
    });

    it("keeps a chunk valid until the promise of a consumer that holds it settles, as other replies are read", async () => {
      const transport = new NodeTransport({ connections: 2, timeout: 30_000 });
      const first = await send(transport, "/whole-a");
      const { opened, open } = gate();
      const held: Uint8Array[] = [];
      const consumed = first.consume((chunk) => {
        held.push(chunk);
        return opened.then(() => "more");
      });
      expect((await bodyOf(transport, "/whole-b")).body.toString()).toBe("b".repeat(4 * LETTERS));
      expect(Buffer.concat(held).toString()).toBe("a".repeat(LETTERS));
      open();
      await consumed;
      await transport.close();
    });

    it("keeps the rest of a read while a consumer that copies at once holds the body back, as other replies are read", async () => {
      const transport = new NodeTransport({ connections: 2, timeout: 30_000 });
      const first = await send(transport, "/chunks-a");
      const { opened, open } = gate();
      const copies: Uint8Array[] = [];
      const consumed = first.consume(
        (chunk) => {
          copies.push(chunk.slice());
          return copies.length === 1 ? opened.then(() => "more") : "more";
        },
        { copiesAtOnce: true },
      );
      expect((await bodyOf(transport, "/whole-b")).body.toString()).toBe("b".repeat(4 * LETTERS));
      open();
      await consumed;
      expect(Buffer.concat(copies).toString()).toBe("a".repeat(3 * LETTERS));
      await transport.close();
    });
  });

  it("reads on a new connection after the server closed the kept-alive one (through the retry layer when it raced)", async () => {
    const transport = new NodeTransport({ connections: 1, timeout: 30_000 });
    const fs = new FileSystem(new HttpBackend({ transport }, "http"), { retry: { maxAttempts: 2, baseDelayMs: 1 } });
    const before = server.connections();
    // The server ends each connection after its reply: the second read goes out on a new one, or
    // on the old one if its end had not arrived yet, which fails and is tried again on a new one.
    for (let i = 0; i < 2; i++) expect(new TextDecoder().decode(await fs.catFile(`${server.url}/once`))).toBe("hello");
    expect(server.connections() - before).toBe(2);
    await fs.close();
    await transport.close();
  });

  it("sees an idle connection closed by the server, and sends the next request on a new one", async () => {
    const transport = new NodeTransport({ connections: 1, timeout: 30_000, idleTimeout: 3_600_000 });
    const before = server.connections();
    expect((await bodyOf(transport, "/kept")).body.toString()).toBe("hello");
    // The server ends the connection while it is idle, after the reply was read. The next request
    // must go out on a new connection, with no retry layer to hide a failure, and the idle timer
    // an hour away cannot be what let go of the old one.
    server.endOpen();
    await server.whenClosed(before + 1);
    expect((await bodyOf(transport, "/kept")).body.toString()).toBe("hello");
    expect(server.connections() - before).toBe(2);
    await transport.close();
  });

  it.each([0, -1, 1.5, 2 ** 31, Number.NaN])("refuses an idle timeout of %s ms", (idleTimeout) => {
    expect(() => new NodeTransport({ connections: 1, timeout: 30_000, idleTimeout })).toThrow(InvalidArgumentError);
  });

  it("does not reuse a connection on which bytes followed the body", async () => {
    const transport = new NodeTransport({ connections: 1, timeout: 30_000 });
    const before = server.connections();
    expect((await bodyOf(transport, "/trailing-garbage")).body.toString()).toBe("hello");
    expect((await bodyOf(transport, "/trailing-garbage")).body.toString()).toBe("hello");
    expect(server.connections() - before).toBe(2);
    await transport.close();
  });

  it.each([
    ["/not-http", "InvalidStatusLine"],
    ["/two-lengths", "InvalidContentLength"],
    ["/folded", "InvalidHeader"],
    ["/endless-head", "HeadersTooLarge"],
    ["/upgrade", "UnexpectedUpgrade"],
  ])("refuses the reply head of %s (%s)", async (path, code) => {
    const transport = new NodeTransport({ connections: 1, timeout: 30_000 });
    await expect(transport.send({ method: "GET", url: `${server.url}${path}`, headers: {} })).rejects.toMatchObject({ code });
    await transport.close();
  });

  it.each([
    ["/bad-chunk", "InvalidChunk"],
    ["/chunk-no-crlf", "InvalidChunk"],
    ["/cut-chunked", "ECONNRESET"],
  ])("refuses the body of %s (%s)", async (path, code) => {
    const transport = new NodeTransport({ connections: 1, timeout: 30_000 });
    await expect(bodyOf(transport, path)).rejects.toMatchObject({ code });
    await transport.close();
  });

  it("refuses a header that would split the request", async () => {
    const transport = new NodeTransport({ connections: 1, timeout: 30_000 });
    await expect(transport.send({ method: "GET", url: `${server.url}/chunked`, headers: { "x-a": "1\r\nx-b: 2" } })).rejects.toThrow(
      TypeError,
    );
    await expect(transport.send({ method: "GET", url: `${server.url}/chunked`, headers: { "x a": "1" } })).rejects.toThrow(TypeError);
    await transport.close();
  });

  it("fails the requests in progress when it is closed", async () => {
    const transport = new NodeTransport({ connections: 1, timeout: 30_000 });
    const silent = createNetServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const pending = transport.send({ method: "GET", url: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/`, headers: {} });
    await new Promise((resolve) => setImmediate(resolve));
    await transport.close();
    await expect(pending).rejects.toThrow("the transport was closed");
    silent.close();
  });

  it("gives the backend a TransientError for a reply that is not HTTP", async () => {
    const transport = new NodeTransport({ connections: 1, timeout: 30_000 });
    const fs = new FileSystem(new HttpBackend({ transport }, "http"), { retry: { maxAttempts: 2, baseDelayMs: 1 } });
    const error = await fs.catFile(`${server.url}/not-http`, 0, 10).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).message).toMatch(/InvalidStatusLine/);
    await fs.close();
    await transport.close();
  });

  it("reads over TLS with the options given, and checks the certificate without them", async (context) => {
    const tls = await selfSignedCertificate();
    if (!tls) {
      context.skip();
      return;
    }
    const secure = createHttpsServer(tls, (_req, res) => {
      res.writeHead(200, { "content-length": BODY.length });
      res.end(BODY);
    });
    await new Promise<void>((resolve) => secure.listen(0, "127.0.0.1", resolve));
    const url = `https://127.0.0.1:${(secure.address() as AddressInfo).port}/x`;
    const trusting = new NodeTransport({ connections: 1, timeout: 30_000 }, { ca: tls.cert, checkServerIdentity: () => undefined });
    const checking = new NodeTransport({ connections: 1, timeout: 30_000 });
    try {
      const reply = await trusting.send({ method: "GET", url, headers: {} });
      const chunks: Uint8Array[] = [];
      await reply.consume((chunk) => {
        chunks.push(new Uint8Array(chunk));
        return "more";
      });
      expect(Buffer.concat(chunks).equals(BODY)).toBe(true);
      await expect(checking.send({ method: "GET", url, headers: {} })).rejects.toMatchObject({ code: "DEPTH_ZERO_SELF_SIGNED_CERT" });
    } finally {
      await trusting.close();
      await checking.close();
      secure.close();
    }
  });
});
