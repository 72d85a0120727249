import { mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IndexPageParser } from "../../src/backends/http/index-page.js";
import { type FileInfo, filesystem } from "../../src/index.js";
import { available, NGINX as NGINX_REQUIREMENT } from "../requirements.js";
import { type HostileServer, startHostileServer } from "../servers/hostile-server.js";
import { type NginxServer, startNginx } from "../servers/nginx.js";

const NGINX_PAGE = `<html>
<head><title>Index of /data/</title></head>
<body>
<h1>Index of /data/</h1><hr><pre><a href="../">../</a>
<a href="sub/">sub/</a>                                               30-Nov-2026 07:00                   -
<a href="a%20b.fits">a b.fits</a>                                           30-Nov-2026 07:01               12345
<a href="c.fits">c.fits</a>                                             01-Feb-2025 23:59                   0
</pre><hr></body>
</html>
`;

const APACHE_TABLE_PAGE = `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">
<html><head><title>Index of /data</title></head><body>
<h1>Index of /data</h1>
  <table>
   <tr><th valign="top"><img src="/icons/blank.gif" alt="[ICO]"></th><th><a href="?C=N;O=D">Name</a></th><th><a href="?C=M;O=A">Last modified</a></th><th><a href="?C=S;O=A">Size</a></th></tr>
   <tr><th colspan="5"><hr></th></tr>
<tr><td valign="top"><img src="/icons/back.gif" alt="[PARENTDIR]"></td><td><a href="/">Parent Directory</a></td><td>&nbsp;</td><td align="right">  - </td><td>&nbsp;</td></tr>
<tr><td valign="top"><img src="/icons/folder.gif" alt="[DIR]"></td><td><a href="sub/">sub/</a></td><td align="right">2026-11-30 07:00  </td><td align="right">  - </td><td>&nbsp;</td></tr>
<tr><td valign="top"><img src="/icons/unknown.gif" alt="[   ]"></td><td><a href="big.fits">big.fits</a></td><td align="right">2026-11-30 07:02  </td><td align="right"> 12K</td><td>&nbsp;</td></tr>
<tr><td valign="top"><img src="/icons/unknown.gif" alt="[   ]"></td><td><a href="tiny.fits">tiny.fits</a></td><td align="right">2026-11-29 18:30  </td><td align="right">512 </td><td>&nbsp;</td></tr>
   <tr><th colspan="5"><hr></th></tr>
</table>
</body></html>
`;

const APACHE_PRE_PAGE = `<html><body><h1>Index of /data</h1><pre>      <a href="?C=N;O=D">Name</a>  <a href="?C=M;O=A">Last modified</a>  <a href="?C=S;O=A">Size</a><hr>      <a href="/">Parent Directory</a>                           -
      <a href="d.fits">d.fits</a>                 2026-11-30 07:03  1.2K
      <a href="e.fits">e.fits</a>                 2026-11-30 07:04   900
<hr></pre></body></html>
`;

const byName = (entries: FileInfo[]): Record<string, FileInfo> =>
  Object.fromEntries(entries.map((entry) => [entry.name.slice(entry.name.lastIndexOf("/", entry.name.length - 2) + 1), entry]));

describe("index pages of nginx and Apache", () => {
  let server: HostileServer;

  beforeAll(async () => {
    server = await startHostileServer();
    server.page("/nginx/", NGINX_PAGE);
    server.page("/apache/", APACHE_TABLE_PAGE);
    server.page("/apache-pre/", APACHE_PRE_PAGE);
    const tree: Record<string, string[]> = {
      "/t/": ["s1/", "s2/", "f1"],
      "/t/s1/": ["f2", "s3/"],
      "/t/s1/s3/": ["f3"],
      "/t/s2/": ["f4", "f5"],
    };
    for (const [path, names] of Object.entries(tree)) {
      const lines = names.map(
        (name) => `<a href="${name}">${name}</a>   30-Nov-2026 07:00   ${name.endsWith("/") ? "-" : 100 + name.length}`,
      );
      server.page(path, `<html><body><pre><a href="../">../</a>\n${lines.join("\n")}\n</pre></body></html>`);
    }
  });

  afterAll(async () => {
    await server.close();
  });

  it("reads exact sizes and dates from an nginx page", async () => {
    const fs = filesystem("http", { instance: "private" });
    const entries = byName((await fs.ls(`${server.baseUrl}/nginx/`, { detail: true })) as FileInfo[]);
    expect(Object.keys(entries).sort()).toEqual(["a%20b.fits", "c.fits", "sub"]);
    expect(entries["a%20b.fits"]).toMatchObject({ type: "file", size: 12345, mtime: new Date("2026-11-30T07:01:00Z") });
    expect(entries["c.fits"]).toMatchObject({ size: 0, mtime: new Date("2025-02-01T23:59:00Z") });
    expect(entries.sub).toMatchObject({ type: "directory" });
  });

  it("reads dates from Apache pages, and sizes only where they are exact", async () => {
    const fs = filesystem("http", { instance: "private" });
    const table = byName((await fs.ls(`${server.baseUrl}/apache/`, { detail: true })) as FileInfo[]);
    expect(table["tiny.fits"]).toMatchObject({ size: 512, mtime: new Date("2026-11-29T18:30:00Z") });
    expect(table["big.fits"]).toMatchObject({ size: -1, mtime: new Date("2026-11-30T07:02:00Z") });
    const pre = byName((await fs.ls(`${server.baseUrl}/apache-pre/`, { detail: true })) as FileInfo[]);
    expect(pre["e.fits"]).toMatchObject({ size: 900, mtime: new Date("2026-11-30T07:04:00Z") });
    expect(pre["d.fits"]).toMatchObject({ size: -1 });
  });

  it("counts every index page a recursive find reads, and sends no HEAD per file when sizes are listed", async () => {
    const fs = filesystem("http", { instance: "private" });
    const found = (await fs.find(`${server.baseUrl}/t/`, { detail: true })) as FileInfo[];
    expect(found.map((entry) => [entry.name.slice(server.baseUrl.length), entry.size])).toEqual([
      ["/t/f1", 102],
      ["/t/s1/f2", 102],
      ["/t/s1/s3/f3", 102],
      ["/t/s2/f4", 102],
      ["/t/s2/f5", 102],
    ]);
    const pageGets = server.requests.filter((request) => request.method === "GET" && request.path.startsWith("/t/"));
    expect(pageGets).toHaveLength(4);
    expect(fs.stats().requests.list).toBe(4);
    const heads = server.requests.filter((request) => request.method === "HEAD").map((request) => request.path);
    expect(heads.every((path) => path === "/t" || path === "/t/")).toBe(true);
  });

  it("parses a page fed in pieces of any size the same as whole", () => {
    const whole = new IndexPageParser("http://h/nginx/");
    whole.push(NGINX_PAGE);
    const pieces = new IndexPageParser("http://h/nginx/");
    for (let i = 0; i < NGINX_PAGE.length; i += 7) pieces.push(NGINX_PAGE.slice(i, i + 7));
    expect(pieces.finish()).toEqual(whole.finish());
  });

  it("parses a page of one endless line in bounded pieces", () => {
    const parser = new IndexPageParser("http://h/x/");
    const link = (i: number): string => `<a href="f${i}.fits">f${i}.fits</a> `;
    for (let chunk = 0; chunk < 40; chunk++) parser.push(Array.from({ length: 1000 }, (_, i) => link(chunk * 1000 + i)).join(""));
    const entries = parser.finish();
    expect(entries).toHaveLength(40_000);
    expect(entries[39_999]?.url).toBe("http://h/x/f39999.fits");
  });
});

describe("a real nginx autoindex", () => {
  let folder: string;
  let nginx: NginxServer | undefined;
  let baseUrl = "";

  beforeAll(async () => {
    if (!available(import.meta.url, NGINX_REQUIREMENT)) return;
    folder = await mkdtemp(join(tmpdir(), "skyfs-nginx-"));
    await mkdir(join(folder, "www", "sub", "deeper"), { recursive: true });
    await writeFile(join(folder, "www", "a.fits"), new Uint8Array(1234));
    await writeFile(join(folder, "www", "sub", "b.fits"), new Uint8Array(99_999));
    await writeFile(join(folder, "www", "sub", "deeper", "c.fits"), new Uint8Array(7));
    nginx = await startNginx(join(folder, "www"), { autoindex: true });
    baseUrl = nginx.baseUrl;
  });

  afterAll(async () => {
    await nginx?.close();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it("lists exact sizes and minute-precise dates, and counts every listing of a find", async (context) => {
    if (!nginx) return context.skip();
    const fs = filesystem("http", { instance: "private" });
    const found = (await fs.find(`${baseUrl}/`, { detail: true })) as FileInfo[];
    expect(found.map((entry) => [entry.name.slice(baseUrl.length), entry.size])).toEqual([
      ["/a.fits", 1234],
      ["/sub/b.fits", 99_999],
      ["/sub/deeper/c.fits", 7],
    ]);
    // A folder named with a slash is listed without being described first.
    expect(fs.stats().requests).toMatchObject({ list: 3, info: 0 });
    const written = (await stat(join(folder, "www", "a.fits"))).mtime;
    expect(found[0]?.mtime?.getTime()).toBe(Math.floor(written.getTime() / 60_000) * 60_000);
  });
});
