import { describe, expect, it } from "vitest";
import { bodyDecoder } from "../../src/backends/http/http1-body.js";
import { bodyFraming, keepsConnection, parseReplyHead, requestHead } from "../../src/backends/http/http1-head.js";

const head = (text: string) => parseReplyHead(text);

/** Feeds `input` to a decoder in pieces of `size` bytes and joins the body it finds. */
function decodeInPieces(
  framing: ReturnType<typeof bodyFraming>,
  input: string,
  size: number,
): { body: string; complete: boolean; rest: string } {
  const decoder = bodyDecoder(framing);
  const bytes = Buffer.from(input, "latin1");
  let body = "";
  let rest = "";
  for (let at = 0; at < bytes.length; at += size) {
    const piece = bytes.subarray(at, at + size);
    let from = 0;
    while (from < piece.length && !decoder.complete) {
      const step = decoder.step(piece, from);
      body += Buffer.from(step.piece).toString("latin1");
      from = step.to;
    }
    rest += piece.subarray(from).toString("latin1");
  }
  return { body, complete: decoder.complete, rest };
}

describe("HTTP/1.1 reply heads", () => {
  it("reads the status, the version and repeated fields by lower-case name", () => {
    const parsed = head("HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 0-4/10\r\nVia: a\r\nvia:  b \r\nX-Empty:");
    expect(parsed.status).toBe(206);
    expect(parsed.version).toBe("1.1");
    expect(parsed.fields.get("via")).toEqual(["a", "b"]);
    expect(parsed.fields.get("x-empty")).toEqual([""]);
    expect(head("HTTP/1.0 200").status).toBe(200);
  });

  it("refuses what a careful parser refuses", () => {
    expect(() => head("HTTP/2 200 OK")).toThrow(expect.objectContaining({ code: "InvalidStatusLine" }));
    expect(() => head("HTTP/1.1 20 OK")).toThrow(expect.objectContaining({ code: "InvalidStatusLine" }));
    expect(() => head("HTTP/1.1 200 OK\r\nNo colon here")).toThrow(expect.objectContaining({ code: "InvalidHeader" }));
    expect(() => head("HTTP/1.1 200 OK\r\nBad Name: x")).toThrow(expect.objectContaining({ code: "InvalidHeader" }));
    expect(() => head("HTTP/1.1 200 OK\r\nX: a\u0000b")).toThrow(expect.objectContaining({ code: "InvalidHeader" }));
    expect(() => head("HTTP/1.1 200 OK\r\nContent-Length: 5, 6")).toThrow(expect.objectContaining({ code: "InvalidContentLength" }));
    expect(() => head("HTTP/1.1 200 OK\r\nContent-Length: -1")).toThrow(expect.objectContaining({ code: "InvalidContentLength" }));
    expect(head("HTTP/1.1 200 OK\r\nContent-Length: 5, 5").fields.get("content-length")).toEqual(["5, 5"]);
  });

  it("frames bodies as RFC 9112 says, and keeps connections only when the reply allows it", () => {
    const ok = (fields: string) => head(`HTTP/1.1 200 OK${fields}`);
    expect(bodyFraming("HEAD", ok("\r\nContent-Length: 9"))).toEqual({ kind: "none" });
    expect(bodyFraming("GET", head("HTTP/1.1 204 No Content"))).toEqual({ kind: "none" });
    expect(bodyFraming("GET", head("HTTP/1.1 304 Not Modified\r\nContent-Length: 9"))).toEqual({ kind: "none" });
    expect(bodyFraming("GET", ok("\r\nTransfer-Encoding: gzip, chunked\r\nContent-Length: 9"))).toEqual({ kind: "chunked" });
    expect(bodyFraming("GET", ok("\r\nTransfer-Encoding: gzip"))).toEqual({ kind: "close" });
    expect(bodyFraming("GET", ok("\r\nContent-Length: 5, 5"))).toEqual({ kind: "length", length: 5 });
    expect(bodyFraming("GET", ok(""))).toEqual({ kind: "close" });
    expect(keepsConnection(ok("\r\nContent-Length: 1"), { kind: "length", length: 1 })).toBe(true);
    expect(keepsConnection(ok("\r\nConnection: Close"), { kind: "length", length: 1 })).toBe(false);
    expect(keepsConnection(head("HTTP/1.0 200 OK"), { kind: "length", length: 1 })).toBe(false);
    expect(keepsConnection(head("HTTP/1.0 200 OK\r\nConnection: keep-alive"), { kind: "length", length: 1 })).toBe(true);
    expect(keepsConnection(ok(""), { kind: "close" })).toBe(false);
    expect(keepsConnection(ok("\r\nTransfer-Encoding: chunked\r\nContent-Length: 9"), { kind: "chunked" })).toBe(false);
  });

  it("writes a request head with Host unless given, and refuses values that would split it", () => {
    expect(requestHead("GET", new URL("http://h.example:8080/a%20b?x=1#frag"), { range: "bytes=0-9" })).toBe(
      "GET /a%20b?x=1 HTTP/1.1\r\nHost: h.example:8080\r\nrange: bytes=0-9\r\n\r\n",
    );
    expect(requestHead("GET", new URL("http://h.example/"), { host: "other" })).toBe("GET / HTTP/1.1\r\nhost: other\r\n\r\n");
    expect(() => requestHead("GET", new URL("http://h.example/"), { x: "a\nb" })).toThrow(TypeError);
  });
});

describe("HTTP/1.1 body decoding", () => {
  const chunkedBody = "4;ext=1\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nExpires: never\r\n\r\nNEXT";

  it.each([1, 2, 3, 7, 1000])("decodes a chunked body fed %i bytes at a time, stopping at its end", (size) => {
    expect(decodeInPieces({ kind: "chunked" }, chunkedBody, size)).toEqual({
      body: "Wikipedia in\r\n\r\nchunks.",
      complete: true,
      rest: "NEXT",
    });
  });

  it("decodes bodies by length and until the connection's end", () => {
    expect(decodeInPieces({ kind: "length", length: 5 }, "helloXY", 2)).toEqual({ body: "hello", complete: true, rest: "XY" });
    const untilClose = bodyDecoder({ kind: "close" });
    expect(Buffer.from(untilClose.step(Buffer.from("abc"), 1).piece).toString()).toBe("bc");
    expect(untilClose.complete).toBe(false);
    expect(untilClose.endsAtClose()).toBe(true);
    const short = bodyDecoder({ kind: "length", length: 5 });
    short.step(Buffer.from("hel"), 0);
    expect(short.endsAtClose()).toBe(false);
  });

  it("refuses bad chunk sizes, data without CR LF and endless lines", () => {
    expect(() => decodeInPieces({ kind: "chunked" }, "g\r\n", 10)).toThrow(expect.objectContaining({ code: "InvalidChunk" }));
    expect(() => decodeInPieces({ kind: "chunked" }, "2\r\nabXY", 10)).toThrow(expect.objectContaining({ code: "InvalidChunk" }));
    expect(() => decodeInPieces({ kind: "chunked" }, "2\nab\r\n", 10)).toThrow(expect.objectContaining({ code: "InvalidChunk" }));
    expect(() => decodeInPieces({ kind: "chunked" }, "1".repeat(5000), 100)).toThrow(expect.objectContaining({ code: "InvalidChunk" }));
    expect(() => decodeInPieces({ kind: "chunked" }, `0\r\n${"x".repeat(5000)}`, 100)).toThrow(
      expect.objectContaining({ code: "InvalidChunk" }),
    );
    expect(() => decodeInPieces({ kind: "chunked" }, "1234567890abc\r\n", 100)).toThrow(expect.objectContaining({ code: "InvalidChunk" }));
  });
});
