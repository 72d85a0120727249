/**
 * A local stand-in for MAST's path-lookup service: `GET ...?uri=a&uri=b&use_cloud_path=True`
 * answers `{uri: {status_code, path}}` with a null path for unknown products. Like the service,
 * it answers cloud paths (`/panstarrs/ps1/public/...`) when `use_cloud_path` is true and archive
 * paths (`/ps1/...`, `/hlsp_local/public/...`, `/mast/galex/...`) otherwise; it can be told to
 * answer archive paths always, and to fail requests. Binds 127.0.0.1.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** A running lookup service. */
export interface MastLookup {
  /** The service URL to give `serviceUrl`. */
  url: string;
  /** The URIs of each request received. */
  requests: string[][];
  /** The query string and headers of each request received. */
  queries: Array<{ query: string; headers: Record<string, string | string[] | undefined> }>;
  /** Answers archive paths whatever the request asks (a service that ignores `use_cloud_path`). */
  archivePathsOnly: (on: boolean) => void;
  /** Fails the next `count` requests with `status`. */
  failNext: (count: number, status: number) => void;
  /** Fails every request asking for this URI. */
  failAlwaysFor: (uri: string) => void;
  /** Stops the server. */
  close: () => Promise<void>;
}

/** The archive path of a cloud key, as the service answers without `use_cloud_path`. */
export function archivePath(cloudKey: string): string {
  if (cloudKey.startsWith("panstarrs/ps1/public/")) return `/ps1/${cloudKey.slice("panstarrs/ps1/public/".length)}`;
  if (cloudKey.startsWith("mast/hlsp/")) return `/hlsp_local/public/${cloudKey.slice("mast/".length)}`;
  if (cloudKey.startsWith("galex/")) return `/mast/${cloudKey}`;
  return `/${cloudKey}`;
}

/** Starts the service answering from `paths` (data URI -> cloud key, as `hst/public/...`). */
export async function startMastLookup(paths: ReadonlyMap<string, string>): Promise<MastLookup> {
  const requests: string[][] = [];
  const queries: MastLookup["queries"] = [];
  let archiveOnly = false;
  let failures = { count: 0, status: 503 };
  const poisoned = new Set<string>();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const uris = url.searchParams.getAll("uri");
    requests.push(uris);
    queries.push({ query: url.search, headers: req.headers });
    if (failures.count > 0 || uris.some((uri) => poisoned.has(uri))) {
      if (failures.count > 0) failures.count--;
      res.writeHead(failures.status || 503);
      return void res.end("service unavailable");
    }
    const cloud = !archiveOnly && /^true$/i.test(url.searchParams.get("use_cloud_path") ?? "");
    const pathOf = (key: string): string => (cloud ? `/${key}` : archivePath(key));
    const answer = Object.fromEntries(
      uris.map((uri) => {
        const key = paths.get(uri);
        return [uri, key === undefined ? { status_code: 404, path: null } : { status_code: 200, path: pathOf(key) }];
      }),
    );
    const text = JSON.stringify(answer);
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
    res.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v0.1/path_lookup/`,
    requests,
    queries,
    archivePathsOnly: (on) => {
      archiveOnly = on;
    },
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
