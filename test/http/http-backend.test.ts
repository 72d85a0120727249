import { randomBytes } from "node:crypto";
import { mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseIndexPage } from "../../src/backends/http/index-page.js";
import {
  basicAuth,
  bearerAuth,
  ConsistencyError,
  filesystem,
  headerAuth,
  NotFoundError,
  NotSupportedError,
  PermissionError,
  ProtocolError,
  TransientError,
} from "../../src/index.js";
import { expectBytes } from "../bytes.js";
import { startHttpServer, type TestHttpServer } from "../servers/http-server.js";

const BIG = 8 * 1024 * 1024;

describe("http backend", () => {
  let folder: string;
  let server: TestHttpServer;
  let data: Uint8Array;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "skyfs-http-backend-"));
    data = new Uint8Array(randomBytes(BIG));
    await writeFile(join(folder, "big.bin"), data);
    await writeFile(join(folder, "small.txt"), "0123456789");
    server = await startHttpServer(folder);
  });

  afterAll(async () => {
    await server.close();
    await rm(folder, { recursive: true, force: true });
  });

  it("takes the size from HEAD and reads with one Range request", async () => {
    const fs = filesystem("http");
    server.requests.length = 0;
    const source = await fs.open(`${server.baseUrl}/big.bin`, { cache: "none" });
    expect(source.size).toBe(BIG);
    expect(source.etag).toMatch(/^".+"$/);
    expectBytes(await source.read(1000, 16), data.slice(1000, 1016));
    expect(server.requests.map((request) => request.method)).toEqual(["HEAD", "GET"]);
    expect(server.requests[1]?.headers.range).toBe("bytes=1000-1015");
    expect(server.requests[1]?.headers["if-match"]).toBe(source.etag);
    await fs.close();
  });

  it("falls back to a ranged GET for the size when HEAD is refused", async () => {
    const fs = filesystem("http");
    server.options.refuseHead = true;
    try {
      const info = await fs.info(`${server.baseUrl}/small.txt`);
      expect(info.size).toBe(10);
      expect(new TextDecoder().decode(await fs.catFile(`${server.baseUrl}/small.txt`, 3, 6))).toBe("345");
    } finally {
      server.options.refuseHead = false;
      await fs.close();
    }
  });

  it("gives the right bytes when the server answers 200 to a Range request, without reading the whole body", async () => {
    const fs = filesystem("http");
    server.options.ignoreRange = true;
    try {
      const before = server.bytesSent();
      const bytes = await fs.catFile(`${server.baseUrl}/big.bin`, 4096, 4096 + 100);
      expectBytes(bytes, data.slice(4096, 4196));
      await server.idle();
      expect(server.bytesSent() - before).toBeLessThan(BIG / 2);
    } finally {
      server.options.ignoreRange = false;
      await fs.close();
    }
  });

  it("lists directory index pages and follows the folder redirect", async () => {
    const fs = filesystem("http");
    expect((await fs.info(server.baseUrl)).type).toBe("directory");
    expect(await fs.ls(server.baseUrl)).toEqual([`${server.baseUrl}/big.bin`, `${server.baseUrl}/small.txt`]);
    await fs.close();
  });

  it("sends custom headers and bearer, basic and header auth", async () => {
    server.options.requireAuthorization = "Bearer sky-token";
    try {
      const anonymous = filesystem("http");
      await expect(anonymous.cat(`${server.baseUrl}/small.txt`)).rejects.toBeInstanceOf(PermissionError);
      const bearer = filesystem("http", { auth: bearerAuth(() => "sky-token"), headers: { "X-Trace": "t1" } });
      server.requests.length = 0;
      expect(new TextDecoder().decode(await bearer.cat(`${server.baseUrl}/small.txt`))).toBe("0123456789");
      expect(server.requests.every((request) => request.headers["x-trace"] === "t1")).toBe(true);
      const viaHeaders = filesystem("http", { auth: headerAuth({ Authorization: "Bearer sky-token" }) });
      expect((await viaHeaders.info(`${server.baseUrl}/small.txt`)).size).toBe(10);
      server.options.requireAuthorization = `Basic ${Buffer.from("astro:n0m").toString("base64")}`;
      const basic = filesystem("http", { auth: basicAuth("astro", "n0m") });
      expect((await basic.info(`${server.baseUrl}/small.txt`)).size).toBe(10);
      await Promise.all([anonymous.close(), bearer.close(), viaHeaders.close(), basic.close()]);
    } finally {
      server.options.requireAuthorization = undefined;
    }
  });

  it("raises NotFoundError for a missing object and NotSupportedError for writes", async () => {
    const fs = filesystem("http");
    await expect(fs.info(`${server.baseUrl}/nope.fits`)).rejects.toBeInstanceOf(NotFoundError);
    await expect(fs.cat(`${server.baseUrl}/nope.fits`)).rejects.toBeInstanceOf(NotFoundError);
    await expect(fs.pipe(`${server.baseUrl}/new.txt`, "x")).rejects.toBeInstanceOf(NotSupportedError);
    await fs.close();
  });

  it("raises ConsistencyError when the object changes between two reads of one open source", async () => {
    const fs = filesystem("http");
    const path = join(folder, "changing.txt");
    await writeFile(path, "version one");
    const source = await fs.open(`${server.baseUrl}/changing.txt`, { cache: "none" });
    expect(new TextDecoder().decode(await source.read(0, 7))).toBe("version");
    await writeFile(path, "version two!");
    await utimes(path, new Date(), new Date(Date.now() + 5000));
    await expect(source.read(0, 7)).rejects.toBeInstanceOf(ConsistencyError);
    await fs.close();
  });
});

describe("http backend against misbehaving servers", () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const path = req.url ?? "/";
      if (path === "/fails") {
        res.writeHead(503).end();
      } else if (path === "/wrong-range") {
        if (req.method === "HEAD") res.writeHead(200, { "content-length": 1000 }).end();
        else res.writeHead(206, { "content-range": "bytes 0-9/1000", "content-length": 10 }).end("0123456789");
      } else if (path === "/short") {
        if (req.method === "HEAD") res.writeHead(200, { "content-length": 1000 }).end();
        else {
          res.writeHead(206, { "content-range": "bytes 0-99/1000", "content-length": 100 });
          res.write("x".repeat(50), () => res.destroy());
        }
      } else if (path === "/secret?X-Amz-Signature=s3cr3t-sig&X-Amz-Credential=AKIAXYZ") {
        res.writeHead(403).end();
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    server.unref();
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );

  it("maps 5xx to TransientError with the status", async () => {
    const fs = filesystem("http");
    const error = await fs.info(`${base}/fails`).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).status).toBe(503);
    await fs.close();
  });

  it("refuses a reply whose Content-Range is not the range asked for", async () => {
    const fs = filesystem("http");
    await expect(fs.catFile(`${base}/wrong-range`, 500, 510)).rejects.toBeInstanceOf(ProtocolError);
    await fs.close();
  });

  it("never returns a body cut short as if complete", async () => {
    const fs = filesystem("http");
    await expect(fs.catFile(`${base}/short`, 0, 100)).rejects.toBeInstanceOf(TransientError);
    await fs.close();
  });

  it("keeps signatures and credentials out of error messages", async () => {
    const fs = filesystem("http");
    const error = (await fs
      .info(`${base}/secret?X-Amz-Signature=s3cr3t-sig&X-Amz-Credential=AKIAXYZ`)
      .catch((caught: unknown) => caught)) as Error;
    expect(error).toBeInstanceOf(PermissionError);
    expect(error.message).not.toContain("s3cr3t-sig");
    expect(error.message).not.toContain("AKIAXYZ");
    expect(error.message).toContain("REDACTED");
    await fs.close();
  });
});

describe("index page parsing", () => {
  it("keeps direct children only, absolute, without queries, deduplicated", () => {
    const html = `
      <a href="../">up</a> <a href="?C=M;O=A">sort</a> <a href="#top">top</a>
      <a href="a.fits">a</a> <a href='a.fits?x=1'>a again</a> <a href=b%20c.fits>b</a>
      <a href="sub/">sub</a> <a href="sub/deeper.fits">deep</a>
      <a href="/data/abs.fits">abs</a> <a href="https://elsewhere.org/data/x.fits">other</a>
      <a href="q.fits&amp;v=2">entity</a>`;
    expect(parseIndexPage(html, "https://archive.org/data/")).toEqual([
      "https://archive.org/data/a.fits",
      "https://archive.org/data/b%20c.fits",
      "https://archive.org/data/sub/",
      "https://archive.org/data/abs.fits",
      "https://archive.org/data/q.fits&v=2",
    ]);
  });
});
