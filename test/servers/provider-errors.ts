/**
 * A scripted HTTP server for tests: records every request (method, URL, headers) and answers
 * each one as the test says, with helpers that shape error answers as S3, the GCS JSON API and
 * Azure Blob storage do. Binds 127.0.0.1 on a free port.
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

/** A request the server received. */
export interface ScriptedRequest {
  /** HTTP method. */
  method: string;
  /** Path and query. */
  url: string;
  /** Request headers. */
  headers: IncomingHttpHeaders;
}

/** What the server answers. */
export interface ScriptedReply {
  /** HTTP status. */
  status: number;
  /** Response headers. */
  headers?: Record<string, string>;
  /** Response body (not sent to HEAD requests). */
  body?: string;
}

/** A running scripted server. */
export interface ScriptedServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Every request received, in order. */
  requests: ScriptedRequest[];
  /** Replaces the answering function. */
  answer: (respond: (request: ScriptedRequest) => ScriptedReply) => void;
  /** Stops the server. */
  close: () => Promise<void>;
}

/** Starts a server answering with `respond`. */
export async function startScriptedServer(respond: (request: ScriptedRequest) => ScriptedReply): Promise<ScriptedServer> {
  const requests: ScriptedRequest[] = [];
  let responder = respond;
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const request = { method: req.method ?? "GET", url: req.url ?? "/", headers: req.headers };
      requests.push(request);
      const reply = responder(request);
      const body = request.method === "HEAD" ? "" : (reply.body ?? "");
      res.writeHead(reply.status, { "content-length": String(Buffer.byteLength(reply.body ?? "")), ...reply.headers });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  server.unref();
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    answer: (next) => {
      responder = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An S3 error answer: `<Error><Code>...</Code><Message>...</Message>...</Error>`. */
export function s3Error(status: number, code: string, message: string): ScriptedReply {
  return {
    status,
    headers: { "content-type": "application/xml", "x-amz-request-id": "0123456789ABCDEF" },
    body:
      `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message>` +
      "<RequestId>0123456789ABCDEF</RequestId><HostId>host</HostId></Error>",
  };
}

/** A GCS JSON API error answer: `{"error": {"code", "message", "errors": [{"reason", ...}]}}`. */
export function gcsError(status: number, reason: string, message: string): ScriptedReply {
  return {
    status,
    headers: { "content-type": "application/json; charset=UTF-8" },
    body: JSON.stringify({ error: { code: status, message, errors: [{ message, domain: "global", reason }] } }),
  };
}

/** An Azure Blob error answer: the `x-ms-error-code` header and an `<Error>` body. */
export function azureError(status: number, code: string, message: string): ScriptedReply {
  return {
    status,
    headers: {
      "content-type": "application/xml",
      "x-ms-error-code": code,
      "x-ms-request-id": "00000000-0000-0000-0000-000000000000",
      "x-ms-version": "2025-01-05",
    },
    body: `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}\nRequestId:00000000-0000-0000-0000-000000000000\nTime:2026-01-01T00:00:00.0000000Z</Message></Error>`,
  };
}
