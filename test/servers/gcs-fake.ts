/**
 * A small server that answers the parts of Google Cloud Storage's JSON API skyfs uses, following
 * Google's published reference: object listing (prefix, delimiter, pageToken, maxResults),
 * metadata, media downloads with Range and generation, simple/multipart/resumable uploads,
 * delete, rewrite and copy. Objects live in memory. Binds 127.0.0.1; records every request.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

interface StoredObject {
  data: Buffer;
  generation: number;
  contentType: string;
  updated: Date;
}

/** One request as the server saw it. */
export interface GcsRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
}

/** A running fake. */
export interface GcsFake {
  /** `http://127.0.0.1:<port>` (the client's `apiEndpoint`). */
  endpoint: string;
  /** Every request, in order. */
  requests: GcsRequest[];
  /** Creates a bucket. */
  createBucket: (name: string) => void;
  /** Answers the next `count` requests with this status. */
  failNext: (count: number, status: number) => void;
  /** Stops the server. */
  close: () => Promise<void>;
}

/** Starts the fake on 127.0.0.1. */
export async function startGcsFake(): Promise<GcsFake> {
  const buckets = new Map<string, Map<string, StoredObject>>();
  const uploads = new Map<string, { bucket: string; name: string; contentType: string; chunks: Buffer[]; received: number }>();
  const requests: GcsRequest[] = [];
  let generation = 1_700_000_000_000_000;
  let failures = { count: 0, status: 503 };
  let base = "";

  const resource = (bucket: string, name: string, object: StoredObject): Record<string, unknown> => ({
    kind: "storage#object",
    id: `${bucket}/${name}/${object.generation}`,
    name,
    bucket,
    generation: String(object.generation),
    metageneration: "1",
    contentType: object.contentType,
    size: String(object.data.length),
    etag: `C${object.generation.toString(36)}`,
    updated: object.updated.toISOString(),
    timeCreated: object.updated.toISOString(),
  });

  const json = (res: ServerResponse, status: number, body: unknown): void => {
    const text = JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json; charset=UTF-8", "content-length": Buffer.byteLength(text) });
    res.end(text);
  };
  const error = (res: ServerResponse, status: number, message: string): void =>
    json(res, status, { error: { code: status, message, errors: [{ message, reason: "error" }] } });
  const body = async (req: IncomingMessage): Promise<Buffer> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };
  const store = (bucket: string, name: string, data: Buffer, contentType: string): StoredObject => {
    const object = { data, generation: ++generation, contentType, updated: new Date() };
    buckets.get(bucket)?.set(name, object);
    return object;
  };

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    requests.push({ method: req.method ?? "GET", path: url.pathname, query: url.searchParams, headers: req.headers });
    if (failures.count > 0) {
      failures.count--;
      await body(req);
      return error(res, failures.status, "injected failure");
    }
    const parts = url.pathname.split("/").map((part) => decodeURIComponent(part));
    try {
      if (parts[1] === "upload" && parts[2] === "storage") return await upload(req, res, parts[5] as string, url);
      if (parts[1] !== "storage" || parts[2] !== "v1" || parts[3] !== "b") return error(res, 404, "not found");
      const bucketName = parts[4] as string;
      const bucket = buckets.get(bucketName);
      if (!bucket) return error(res, 404, "bucket not found");
      if (parts.length === 6 && parts[5] === "o" && req.method === "GET") return list(res, bucketName, bucket, url.searchParams);
      const name = parts[6] as string;
      if (parts.length === 7) {
        const object = bucket.get(name);
        const wanted = url.searchParams.get("generation");
        if (!object || (wanted && wanted !== String(object.generation))) return error(res, 404, "No such object");
        const match = url.searchParams.get("ifGenerationMatch");
        if (match && match !== String(object.generation)) return error(res, 412, "Precondition failed");
        if (req.method === "DELETE") {
          bucket.delete(name);
          res.writeHead(204);
          return res.end();
        }
        if (url.searchParams.get("alt") !== "media") return json(res, 200, resource(bucketName, name, object));
        return media(req, res, object);
      }
      if ((parts[7] === "rewriteTo" || parts[7] === "copyTo") && req.method === "POST") {
        await body(req);
        const source = bucket.get(name);
        const target = buckets.get(parts[9] as string);
        if (!source || !target) return error(res, 404, "No such object");
        const copied = store(parts[9] as string, parts[11] as string, Buffer.from(source.data), source.contentType);
        const made = resource(parts[9] as string, parts[11] as string, copied);
        if (parts[7] === "copyTo") return json(res, 200, made);
        return json(res, 200, {
          kind: "storage#rewriteResponse",
          totalBytesRewritten: String(source.data.length),
          objectSize: String(source.data.length),
          done: true,
          resource: made,
        });
      }
      return error(res, 404, "not found");
    } catch (caught) {
      return error(res, 500, (caught as Error).message);
    }
  });

  function list(res: ServerResponse, bucketName: string, bucket: Map<string, StoredObject>, query: URLSearchParams): void {
    const prefix = query.get("prefix") ?? "";
    const delimiter = query.get("delimiter") ?? "";
    const max = Number(query.get("maxResults") ?? 1000);
    const start = query.get("pageToken") ?? "";
    const names = [...bucket.keys()].filter((name) => name.startsWith(prefix)).sort();
    const entries: Array<{ key: string; kind: "object" | "prefix" }> = [];
    for (const name of names) {
      const rest = name.slice(prefix.length);
      const cut = delimiter ? rest.indexOf(delimiter) : -1;
      const entry =
        cut >= 0
          ? { key: prefix + rest.slice(0, cut + delimiter.length), kind: "prefix" as const }
          : { key: name, kind: "object" as const };
      if (entries.at(-1)?.key !== entry.key) entries.push(entry);
    }
    const remaining = entries.filter((entry) => entry.key > start);
    const page = remaining.slice(0, max);
    const out: Record<string, unknown> = { kind: "storage#objects" };
    const items = page
      .filter((entry) => entry.kind === "object")
      .map((entry) => resource(bucketName, entry.key, bucket.get(entry.key) as StoredObject));
    const prefixes = page.filter((entry) => entry.kind === "prefix").map((entry) => entry.key);
    if (items.length > 0) out.items = items;
    if (prefixes.length > 0) out.prefixes = prefixes;
    if (remaining.length > max) out.nextPageToken = page.at(-1)?.key;
    json(res, 200, out);
  }

  function media(req: IncomingMessage, res: ServerResponse, object: StoredObject): void {
    const size = object.data.length;
    const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? "");
    const headers = {
      "content-type": object.contentType,
      "x-goog-generation": String(object.generation),
      etag: `"C${object.generation.toString(36)}"`,
    };
    if (!range) {
      res.writeHead(200, { ...headers, "content-length": size });
      return void res.end(object.data);
    }
    let start = range[1] === "" ? size - Number(range[2]) : Number(range[1]);
    let end = range[1] === "" || range[2] === "" ? size - 1 : Math.min(size - 1, Number(range[2]));
    start = Math.max(0, start);
    if (start >= size) {
      res.writeHead(416, { "content-range": `bytes */${size}` });
      return void res.end();
    }
    end = Math.max(start, end);
    res.writeHead(206, { ...headers, "content-length": end - start + 1, "content-range": `bytes ${start}-${end}/${size}` });
    res.end(object.data.subarray(start, end + 1));
  }

  async function upload(req: IncomingMessage, res: ServerResponse, bucketName: string, url: URL): Promise<void> {
    const bucket = buckets.get(bucketName);
    const kind = url.searchParams.get("uploadType");
    const data = await body(req);
    if (!bucket) return error(res, 404, "bucket not found");
    if (kind === "media") {
      const name = url.searchParams.get("name") as string;
      return json(
        res,
        200,
        resource(bucketName, name, store(bucketName, name, data, String(req.headers["content-type"] ?? "application/octet-stream"))),
      );
    }
    if (kind === "multipart") {
      const boundary = /boundary="?([^";]+)"?/.exec(String(req.headers["content-type"]))?.[1] as string;
      const sections = data.toString("latin1").split(`--${boundary}`).slice(1, -1);
      const piece = (section: string): { headers: string; body: string } => {
        const at = section.indexOf("\r\n\r\n");
        return { headers: section.slice(0, at), body: section.slice(at + 4, section.length - 2) };
      };
      const metadata = JSON.parse(piece(sections[0] as string).body) as { name?: string; contentType?: string };
      const name = metadata.name ?? (url.searchParams.get("name") as string);
      const content = Buffer.from(piece(sections[1] as string).body, "latin1");
      return json(
        res,
        200,
        resource(bucketName, name, store(bucketName, name, content, metadata.contentType ?? "application/octet-stream")),
      );
    }
    if (kind === "resumable") {
      const id = url.searchParams.get("upload_id");
      if (!id) {
        const metadata = data.length > 0 ? (JSON.parse(data.toString("utf8")) as { name?: string; contentType?: string }) : {};
        const session = randomUUID();
        uploads.set(session, {
          bucket: bucketName,
          name: metadata.name ?? (url.searchParams.get("name") as string),
          contentType: metadata.contentType ?? "application/octet-stream",
          chunks: [],
          received: 0,
        });
        res.writeHead(200, {
          location: `${base}/upload/storage/v1/b/${bucketName}/o?uploadType=resumable&upload_id=${session}`,
          "content-length": 0,
        });
        return void res.end();
      }
      const session = uploads.get(id);
      if (!session) return error(res, 404, "no such upload");
      const header = String(req.headers["content-range"] ?? "");
      const range = /^bytes (\*|(\d+)-(\d+|\*))\/(\*|\d+)$/.exec(header);
      if (data.length > 0) {
        session.chunks.push(data);
        session.received += data.length;
      }
      // "bytes N-*/*": the rest of the object in one request of unknown length, complete when it ends.
      const wholeRest = range?.[3] === "*";
      const total = range?.[4] === "*" || !range ? undefined : Number(range[4]);
      if (wholeRest || (total !== undefined && session.received >= total)) {
        uploads.delete(id);
        return json(
          res,
          200,
          resource(bucketName, session.name, store(session.bucket, session.name, Buffer.concat(session.chunks), session.contentType)),
        );
      }
      res.writeHead(
        308,
        session.received > 0 ? { range: `bytes=0-${session.received - 1}`, "content-length": 0 } : { "content-length": 0 },
      );
      return void res.end();
    }
    return error(res, 400, `unknown uploadType ${kind}`);
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint: base,
    requests,
    createBucket: (name) => {
      buckets.set(name, new Map());
    },
    failNext: (count, status) => {
      failures = { count, status };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
