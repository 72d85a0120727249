import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FitsIndex, type ImageHdu, openFits, writeFits } from "../../src/fits.js";
import { ConsistencyError } from "../../src/index.js";
import { bytesOf, TREE_START, writeAsdf } from "../asdf/asdf-writer.js";
import { startHttpServer, type TestHttpServer } from "../servers/http-server.js";
import { type S3TestServer, startS3rver } from "../servers/s3-servers.js";
import { skyfs, skyfsProcess } from "./run-cli.js";

const NY = 120;
const NX = 200;
const pixels = Float32Array.from({ length: NY * NX }, (_, i) => (i % NX) + 1000 * Math.floor(i / NX));
const wcs = [
  { keyword: "CTYPE1", value: "RA---TAN", comment: "" },
  { keyword: "CTYPE2", value: "DEC--TAN", comment: "" },
  { keyword: "CRPIX1", value: 100.5, comment: "reference pixel" },
  { keyword: "CRPIX2", value: 60.5, comment: "" },
  { keyword: "CRVAL1", value: 150.1, comment: "" },
  { keyword: "CRVAL2", value: 2.2, comment: "" },
  { keyword: "TELESCOP", value: "HST", comment: "" },
];

function archiveFile(): Uint8Array {
  return writeFits([
    { cards: [{ keyword: "OBJECT", value: "M31", comment: "" }] },
    { data: pixels, shape: [NY, NX], name: "SCI", cards: wcs },
    { kind: "table", rows: 3, name: "CAT", columns: [{ name: "FLUX", data: Float64Array.of(1, 2, 3) }] },
  ]);
}

describe("the skyfs command", () => {
  let folder: string;
  let server: TestHttpServer;
  let base: string;
  let s3: S3TestServer;
  /** An environment in which the AWS SDK finds no credentials. */
  const noCredentials = (): Record<string, string> => ({
    AWS_ACCESS_KEY_ID: "",
    AWS_SECRET_ACCESS_KEY: "",
    AWS_PROFILE: "",
    AWS_CONFIG_FILE: join(folder, "none"),
    AWS_SHARED_CREDENTIALS_FILE: join(folder, "none"),
    AWS_EC2_METADATA_DISABLED: "true",
  });

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "skyfs-cli-"));
    await writeFile(join(folder, "drz.fits"), archiveFile());
    await writeFile(join(folder, "notes.txt"), "0123456789");
    await writeFile(
      join(folder, "roman.asdf"),
      writeAsdf(
        `${TREE_START}roman:\n  meta: {exposure: {exposure_time: 139.8}}\n  data: !core/ndarray-1.0.0 {source: 0, datatype: float32, byteorder: little, shape: [${NY}, ${NX}]}\n...\n`,
        [{ data: bytesOf(pixels, "float32", "little"), compression: "zlib" }],
      ),
    );
    server = await startHttpServer(folder);
    base = server.baseUrl;
    s3 = await startS3rver(["cli-bucket"]);
  });

  afterAll(async () => {
    await s3?.close();
    await server.close();
    await rm(folder, { recursive: true, force: true });
  });

  it("has --help on every command", async () => {
    for (const command of [[], ["ls"], ["get"], ["info"], ["header"], ["cutout"], ["preview"], ["index", "build"], ["index", "kerchunk"]]) {
      const result = await skyfs([...command, "--help"]);
      expect(result.code, command.join(" ")).toBe(0);
      expect(result.stdout).toMatch(/^Usage: skyfs/);
    }
  });

  it("runs as a process: bytes on stdout, exit code 1 and one line on stderr, no notice from the AWS SDK", async () => {
    const [cat, denied] = await Promise.all([
      skyfsProcess(["cat", `${base}/notes.txt`, "--range", "2:-3"]),
      skyfsProcess(["--endpoint", s3.endpoint, "ls", "s3://cli-bucket/"], noCredentials(), { sdkNotice: true }),
    ]);
    expect(cat.code, cat.stderr).toBe(0);
    expect(cat.stdoutBytes.equals(Buffer.from("23456"))).toBe(true);
    expect(cat.stderr).toBe("");
    expect(denied.code).toBe(1);
    expect(denied.stdout).toBe("");
    expect(denied.stderr).toMatch(/^skyfs: [^\n]*(credentials|Credential)[^\n]*\n$/);
  });

  it("exits with 2 on a usage error, with the usage on stderr", async () => {
    const usage = await skyfs(["cat"]);
    expect(usage.code).toBe(2);
    expect(usage.stdout).toBe("");
    expect(usage.stderr).toMatch(/missing required argument 'url'/);
    expect(usage.stderr).toMatch(/Usage: skyfs cat/);
  });

  it("lists, reads byte ranges and prints transfer stats", async () => {
    const listing = await skyfs(["ls", `${base}/`, "--json"]);
    expect(listing.code).toBe(0);
    expect(JSON.parse(listing.stdout).map((entry: { name: string }) => entry.name)).toEqual([
      `${base}/drz.fits`,
      `${base}/notes.txt`,
      `${base}/roman.asdf`,
    ]);
    const cat = await skyfs(["--stats", "cat", `${base}/notes.txt`, "--range", "2:-3"]);
    expect(cat.stdout).toBe("23456");
    expect(cat.stderr).toMatch(/^stats: 2 requests \(info 1, read 1\), 5 B received, 0 B sent$/m);
  });

  it("fails with one line and a non-zero exit on a bad URL, a missing object and missing credentials", async () => {
    const cases = [
      { args: ["ls", "nosuch://x"], message: /^skyfs: InvalidUrlError: no filesystem is registered for 'nosuch:\/\/'/ },
      { args: ["cat", `${base}/missing.fits`], message: /^skyfs: NotFoundError: no such object/ },
      { args: ["--endpoint", s3.endpoint, "ls", "s3://cli-bucket/"], message: /^skyfs: .*(credentials|Credential)/ },
    ];
    for (const { args, message } of cases) {
      const result = await skyfs(args, noCredentials());
      expect(result.code, args.join(" ")).toBe(1);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trim().split("\n"), result.stderr).toHaveLength(1);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it("prints the HDU table and headers like astropy and fitsheader", async () => {
    const info = await skyfs(["info", `${base}/drz.fits`]);
    expect(info.code).toBe(0);
    const lines = info.stdout.trim().split("\n");
    expect(lines[1]).toMatch(/^No\.\s+Name\s+Ver\s+Type\s+Cards\s+Dimensions\s+Format$/);
    expect(lines[2]).toMatch(/^0\s+PRIMARY\s+1\s+PrimaryHDU\s+\d+\s+\(\)$/);
    expect(lines[3]).toMatch(/^1\s+SCI\s+1\s+ImageHDU\s+\d+\s+\(200, 120\)\s+float32$/);
    expect(lines[4]).toMatch(/^2\s+CAT\s+1\s+BinTableHDU\s+\d+\s+3R x 1C\s+\[1D\]$/);
    const header = await skyfs(["header", `${base}/drz.fits`, "--hdu", "SCI", "-k", "NAXIS1", "-k", "CRPIX1"]);
    expect(header.stdout.trim().split("\n")).toEqual([
      `# HDU 1 in ${base}/drz.fits:`,
      expect.stringMatching(/^NAXIS1 {2}=\s+200/),
      expect.stringMatching(/^CRPIX1 {2}=\s+100\.5 \/ reference pixel$/),
    ]);
    const json = JSON.parse((await skyfs(["--json", "info", `${base}/drz.fits`])).stdout);
    expect(json[1]).toMatchObject({ index: 1, name: "SCI", shape: [NY, NX], dataSize: NY * NX * 4 });
  });

  it("prints an ASDF tree like asdf info and previews an ASDF array", async () => {
    const info = await skyfs(["info", `${base}/roman.asdf`]);
    expect(info.code, info.stderr).toBe(0);
    expect(info.stdout).toMatch(/^root \(AsdfObject\)/);
    expect(info.stdout).toMatch(/exposure_time \(float\): 139\.8/);
    expect(info.stdout).toMatch(/data \(NDArrayType\): shape=\(120, 200\), dtype=float32/);
    const json = JSON.parse((await skyfs(["--json", "info", `${base}/roman.asdf`])).stdout);
    expect(json.roman.data).toEqual({ ndarray: { shape: [NY, NX], dtype: "float32", source: 0 } });
    const output = join(folder, "asdf.png");
    const preview = await skyfs(["preview", `${base}/roman.asdf`, "-o", output]);
    expect(preview.code, preview.stderr).toBe(0);
    const png = PNG.sync.read(await readFile(output));
    expect([png.width, png.height]).toEqual([NX, NY]);
  });

  it("writes a cutout with the header kept and CRPIX shifted", async () => {
    const output = join(folder, "cut.fits");
    const result = await skyfs(["cutout", `${base}/drz.fits`, "--section", "10:30,50:90", "-o", output]);
    expect(result.code, result.stderr).toBe(0);
    const cut = await openFits(output);
    const hdu = (await cut.hdu(0)) as ImageHdu;
    expect(hdu.shape).toEqual([20, 40]);
    expect(hdu.header.get("CRPIX1")).toBe(50.5);
    expect(hdu.header.get("CRPIX2")).toBe(50.5);
    expect(hdu.header.get("CRVAL1")).toBe(150.1);
    expect(hdu.header.get("TELESCOP")).toBe("HST");
    const data = (await hdu.data()).data;
    expect(data[0]).toBe(pixels[10 * NX + 50]);
    expect(data[20 * 40 - 1]).toBe(pixels[29 * NX + 89]);
    const bad = await skyfs(["cutout", `${base}/drz.fits`, "--section", "10-30", "-o", output]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^skyfs: InvalidArgumentError: --section takes START:END/);
  });

  it("writes a PNG preview with a percentile stretch", async () => {
    const output = join(folder, "preview.png");
    const result = await skyfs(["--json", "preview", `${base}/drz.fits`, "-o", output]);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    const png = PNG.sync.read(await readFile(output));
    expect([png.width, png.height]).toEqual([NX, NY]);
    expect(summary.low).toBeGreaterThan(1000);
    expect(summary.high).toBeLessThan(118_200);
    const levels = new Set<number>();
    for (let i = 0; i < png.data.length; i += 4) levels.add(png.data[i] as number);
    expect(levels.has(0) && levels.has(255)).toBe(true);
    expect(png.data[0]).toBe(255);
    expect(png.data[(png.height - 1) * png.width * 4]).toBe(0);
  });

  it("builds an index that makes section reads header-free, exports kerchunk, and refuses a changed object", async () => {
    const local = await mkdtemp(join(tmpdir(), "skyfs-cli-local-"));
    try {
      await writeFile(join(local, "drz.fits"), archiveFile());
      const indexPath = join(local, "index.json");
      const build = await skyfs(["index", "build", local, "--data-url", base, "-o", indexPath]);
      expect(build.code, build.stderr).toBe(0);
      expect(build.stdout).toMatch(/1 file, 3 HDUs/);
      const index = JSON.parse(await readFile(indexPath, "utf8")) as FitsIndex;
      expect(index.files[0]).toMatchObject({ url: `${base}/drz.fits`, etag: null });
      expect(index.files[0]?.hdus[1]).toMatchObject({ name: "SCI", shape: [NY, NX], bitpix: -32 });

      server.requests.length = 0;
      const fits = await openFits(`${base}/drz.fits`, { index });
      const sci = (await fits.hdu("SCI")) as ImageHdu;
      const section = await sci.section([
        [5, 8],
        [10, 14],
      ]);
      expect(Array.from(section.data as Float32Array)).toEqual([5, 6, 7].flatMap((y) => [10, 11, 12, 13].map((x) => pixels[y * NX + x])));
      const dataOffset = index.files[0]?.hdus[1]?.dataOffset as number;
      expect(server.requests.map((request) => request.method)).toEqual(["HEAD", "GET"]);
      for (const request of server.requests.slice(1)) {
        expect(Number(/bytes=(\d+)-/.exec(request.headers.range ?? "")?.[1])).toBeGreaterThanOrEqual(dataOffset);
      }

      const show = await skyfs(["index", "show", indexPath]);
      expect(show.stdout).toMatch(/1\s+SCI\s+ImageHDU\s+header @2880\+2880\s+data @5760\+96000\s+\(200, 120\) BITPIX -32/);

      const refsFolder = join(local, "refs");
      const exported = await skyfs(["index", "kerchunk", indexPath, "-o", refsFolder]);
      expect(exported.stdout).toMatch(/drz\.fits\.json: 1 array \(2 HDUs skipped\)/);
      const refs = JSON.parse(await readFile(join(refsFolder, (await readdir(refsFolder))[0] as string), "utf8"));
      expect(refs.version).toBe(1);
      expect(JSON.parse(refs.refs["SCI/.zarray"])).toMatchObject({ shape: [NY, NX], dtype: ">f4", compressor: null });
      const [url, offset, length] = refs.refs["SCI/0.0"];
      expect([url, offset, length]).toEqual([`${base}/drz.fits`, 5760, NY * NX * 4]);

      const served = join(folder, "drz.fits");
      await writeFile(served, writeFits([{}, { data: new Float32Array(10), name: "SCI" }]));
      await utimes(served, new Date(), new Date(Date.now() + 5000));
      const stale = await openFits(`${base}/drz.fits`, { index });
      await expect(stale.hdu(1)).rejects.toBeInstanceOf(ConsistencyError);
      await expect(stale.hdu(1)).rejects.toThrow(/rebuild it/);
    } finally {
      await writeFile(join(folder, "drz.fits"), archiveFile());
      await rm(local, { recursive: true, force: true });
    }
  });
});
