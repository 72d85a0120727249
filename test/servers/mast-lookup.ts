/**
 * A local stand-in for MAST's path-lookup service: `GET ...?uri=a&uri=b&use_cloud_path=true`
 * answers `{uri: {status_code, path}}` with a null path for unknown products, and can be told to
 * fail requests. Binds 127.0.0.1.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** A running lookup service. */
export interface MastLookup {
  /** The service URL to give `serviceUrl`. */
  url: string;
  /** The URIs of each request received. */
  requests: string[][];
  /** Fails the next `count` requests with `status`. */
  failNext: (count: number, status: number) => void;
  /** Fails every request asking for this URI. */
  failAlwaysFor: (uri: string) => void;
  /** Stops the server. */
  close: () => Promise<void>;
}

/** Starts the service answering from `paths` (data URI -> cloud path, as `hst/public/...`). */
export async function startMastLookup(paths: ReadonlyMap<string, string>): Promise<MastLookup> {
  const requests: string[][] = [];
  let failures = { count: 0, status: 503 };
  const poisoned = new Set<string>();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const uris = url.searchParams.getAll("uri");
    requests.push(uris);
    if (failures.count > 0 || uris.some((uri) => poisoned.has(uri))) {
      if (failures.count > 0) failures.count--;
      res.writeHead(failures.status || 503);
      return void res.end("service unavailable");
    }
    if (url.searchParams.get("use_cloud_path") !== "true") {
      res.writeHead(400);
      return void res.end("use_cloud_path is required here");
    }
    const answer = Object.fromEntries(
      uris.map((uri) => [uri, paths.has(uri) ? { status_code: 200, path: `/${paths.get(uri)}` } : { status_code: 404, path: null }]),
    );
    const text = JSON.stringify(answer);
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
    res.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v0.1/path_lookup/`,
    requests,
    failNext: (count, status) => {
      failures = { count, status };
    },
    failAlwaysFor: (uri) => poisoned.add(uri),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
