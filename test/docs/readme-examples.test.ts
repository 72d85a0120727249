/**
 * The README's main examples (Quickstart, FITS, ASDF) run as written against the suite's own
 * servers: the archive hosts in them are replaced by a local HTTP server and s3rver holding
 * files laid out like the examples expect, the package names by the sources, and the names the
 * examples define are exported so that the test can check what they computed.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { ArrayResult } from "../../src/fits.js";
import { writeFits } from "../../src/fits.js";
import { filesystem } from "../../src/index.js";
import { bytesOf, TREE_START, writeAsdf } from "../asdf/asdf-writer.js";
import { expectBytes } from "../bytes.js";
import { startHttpServer, type TestHttpServer } from "../servers/http-server.js";
import { type S3TestServer, startS3rver } from "../servers/s3-servers.js";
import { codeBlocks, entryPoints } from "./code-blocks.js";

const readmeBlock = (heading: string): string => {
  const block = codeBlocks("README.md").find((candidate) => candidate.heading === heading && candidate.info === "ts");
  if (!block) throw new Error(`the README has no ts block under "${heading}"`);
  return block.code;
};

const FFI = ["2019/143/3-4/tess2019143-s0012-3-4-a_ffic.fits", "2019/144/3-4/tess2019144-s0012-3-4-b_ffic.fits"];
const DRZ_KEY = "hst/public/jbev/jbeveo010/jbeveo010_drz.fits";
const [NY, NX] = [300, 500];
const sky = Float32Array.from({ length: NY * NX }, (_, i) => (i % NX) + 1000 * Math.floor(i / NX));
const ffi = (n: number): Uint8Array => writeFits([{ cards: [{ keyword: "OBJECT", value: `FFI ${n}`, comment: "" }] }]);

describe("the README's examples, run against the suite's servers", () => {
  let work: string;
  let http: TestHttpServer;
  let s3: S3TestServer;

  /** Runs `code` as a module with the package's names pointing at the sources; returns its exports. */
  async function run(code: string, exports: string[]): Promise<Record<string, unknown>> {
    let source = code;
    for (const [name, file] of entryPoints()) source = source.replaceAll(`from "${name}"`, `from ${JSON.stringify(file)}`);
    const file = join(work, `example-${Math.random().toString(36).slice(2)}.ts`);
    await writeFile(file, `${source}\nexport { ${exports.join(", ")} };\n`);
    return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  }

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "skyfs-readme-"));
    const served = join(work, "served");
    for (const [n, path] of FFI.entries()) {
      await mkdir(join(served, "tess/public/ffi/s0012", path, ".."), { recursive: true });
      await writeFile(join(served, "tess/public/ffi/s0012", path), ffi(n));
    }
    http = await startHttpServer(served);
    s3 = await startS3rver(["stpubdata", "bucket"]);
    const writer = filesystem("s3", { endpoint: s3.endpoint, credentials: s3.credentials });
    await writer.pipe(`stpubdata/${DRZ_KEY}`, writeFits([{}, { data: sky, shape: [NY, NX], name: "SCI" }]));
    const tree = `${TREE_START}roman:\n  meta: {exposure: {exposure_time: 139.8, type: WFI_IMAGE}}\n  data: !core/ndarray-1.0.0 {source: 0, datatype: float32, byteorder: little, shape: [${NY}, ${NX}]}\n...\n`;
    await writer.pipe("bucket/roman/r0001_cal.asdf", writeAsdf(tree, [{ data: bytesOf(sky, "float32", "little"), compression: "zlib" }]));
    await writer.close();
  });

  afterAll(async () => {
    vi.restoreAllMocks();
    await s3?.close();
    await http?.close();
    await rm(work, { recursive: true, force: true });
  });

  it("Quickstart: lists, globs, reads ranges and downloads a prefix over HTTP", async () => {
    const logged: unknown[] = [];
    vi.spyOn(console, "log").mockImplementation((...values: unknown[]) => void logged.push(values));
    const target = join(work, "download");
    const code = readmeBlock("Quickstart")
      .replaceAll("https://archive.example.org", http.baseUrl)
      .replaceAll('"./s0012"', JSON.stringify(target));
    const { images, firstCard, heads, tail } = await run(code, ["images", "firstCard", "heads", "tail"]);
    vi.restoreAllMocks();
    const base = `${http.baseUrl}/tess/public/ffi/s0012`;
    expect(images).toEqual(FFI.map((path) => `${base}/${path}`));
    expect(new TextDecoder().decode(firstCard as Uint8Array)).toMatch(/^SIMPLE {2}= +T/);
    expect((heads as Uint8Array[]).map((head) => head.length)).toEqual([2880, 2880]);
    expectBytes((heads as Uint8Array[])[0], ffi(0).subarray(0, 2880));
    expectBytes(tail as Uint8Array, ffi(0).subarray(-2880));
    expect(logged[0]).toEqual([[`${base}/2019`]]);
    const downloaded = (await readdir(target, { recursive: true })).filter((name) => String(name).endsWith(".fits"));
    expect(downloaded.sort()).toEqual(FFI);
    expectBytes(new Uint8Array(await readFile(join(target, FFI[1] as string))), ffi(1));
  });

  it("FITS: prints the HDU table and cuts a section out of an object in S3", async () => {
    const logged: unknown[] = [];
    vi.spyOn(console, "log").mockImplementation((...values: unknown[]) => void logged.push(values));
    const code = readmeBlock("FITS").replaceAll("{ anon: true }", `{ anon: true, endpoint: ${JSON.stringify(s3.endpoint)} }`);
    const { cutout } = await run(code, ["cutout"]);
    vi.restoreAllMocks();
    expect(String(logged[0])).toMatch(/1\s+SCI\s+1\s+ImageHDU\s+\d+\s+\(500, 300\)\s+float32/);
    const { data, shape } = cutout as ArrayResult;
    expect(shape).toEqual([100, 100]);
    expect(data[0]).toBe(sky[100 * NX + 300]);
    expect(data[100 * 100 - 1]).toBe(sky[199 * NX + 399]);
  });

  it("ASDF: reads the metadata and a section of an array of an object in S3, and writes it as ASDF", async () => {
    const logged: unknown[] = [];
    vi.spyOn(console, "log").mockImplementation((...values: unknown[]) => void logged.push(values));
    // The fixture's array has 300 rows: the example's rows 2000-2100 become rows 200-300.
    const code = readmeBlock("ASDF")
      .replaceAll("{ anon: true }", `{ anon: true, endpoint: ${JSON.stringify(s3.endpoint)} }`)
      .replaceAll("[[2000, 2100], [-100, null]]", "[[200, 300], [-100, null]]");
    const { cut, file } = await run(code, ["cut", "file"]);
    vi.restoreAllMocks();
    expect(logged[0]).toEqual([{ exposure_time: 139.8, type: "WFI_IMAGE" }]);
    const section = cut as { data: Float32Array; shape: number[] };
    expect(section.shape).toEqual([100, 100]);
    const expected = Float32Array.from(
      { length: 100 * 100 },
      (_, i) => sky[(200 + Math.floor(i / 100)) * NX + (NX - 100) + (i % 100)] as number,
    );
    expectBytes(section.data, expected);
    expect(new TextDecoder().decode((file as Uint8Array).subarray(0, 5))).toBe("#ASDF");
  });
});
