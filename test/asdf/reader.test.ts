import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AsdfFile, type NdArray, openAsdf, parseComplex, TaggedValue } from "../../src/asdf.js";
import { BytesSource, FormatError } from "../../src/index.js";
import { CountingSource } from "../fits/counting-source.js";
import { startHttpServer, type TestHttpServer } from "../servers/http-server.js";
import { bytesOf, TREE_START, writeAsdf } from "./asdf-writer.js";

const image = Int16Array.from({ length: 6 * 5 }, (_, i) => i * 3 - 40);
const floats = Float64Array.from({ length: 200 }, (_, i) => Math.sin(i) * 1e3);
const cube = Float32Array.from({ length: 4 * 3 * 2 }, (_, i) => i / 4);

const yaml = `${TREE_START}asdf_library: !core/software-1.0.0 {name: skyfs-test, version: 1.0.0}
roman:
  meta:
    exposure: {exposure_time: 139.8, start_time: !time/time-1.1.0 '2026-01-01T00:00:00', ma_table: [1, 2, 3]}
    flags: [yes, no, on, off, y, n]
    big: 1152921504606846977
    z: !core/complex-1.0.0 (1.5-2j)
    unknown: !custom/thing-9.9 {a: 1}
  data: !core/ndarray-1.0.0 {source: 0, datatype: int16, byteorder: big, shape: [6, 5]}
  wave: !core/ndarray-1.0.0 {source: 1, datatype: float64, byteorder: little, shape: [200]}
  cube: !core/ndarray-1.0.0 {source: 2, datatype: float32, byteorder: little, shape: [4, 3, 2]}
  column: !core/ndarray-1.0.0 {source: 0, datatype: int16, byteorder: big, shape: [6], offset: 4, strides: [10]}
  names: !core/ndarray-1.0.0 {data: [ab, cde, f], datatype: [ucs4, 3], shape: [3]}
  inline: !core/ndarray-1.0.0 {data: [[1, 2], [3, 4]], datatype: int32, shape: [2, 2]}
  masked: !core/ndarray-1.0.0
    data: [1.0, 2.0, 3.0]
    datatype: float64
    shape: [3]
    mask: !core/ndarray-1.0.0 {data: [false, true, false], datatype: bool8, shape: [3]}
...
`;

const file = writeAsdf(yaml, [
  { data: bytesOf(image, "int16", "big") },
  { data: bytesOf(floats, "float64", "little"), compression: "zlib" },
  { data: bytesOf(cube, "float32", "little"), compression: "lz4" },
]);

async function opened(bytes = file): Promise<AsdfFile> {
  return AsdfFile.open(new BytesSource(bytes, "memory://asdf/test.asdf"));
}

describe("ASDF reader", () => {
  it("reads the header lines and the tree, keeping every tag", async () => {
    const af = await opened();
    expect(af.version).toBe("1.0.0");
    expect(af.standardVersion).toBe("1.5.0");
    expect(af.get("roman/meta/exposure")).toMatchObject({ exposure_time: 139.8, ma_table: [1, 2, 3] });
    expect(af.get("roman/meta/exposure/start_time")).toMatchObject({
      tag: "tag:stsci.edu:asdf/time/time-1.1.0",
      value: "2026-01-01T00:00:00",
      format: "isot",
      scale: "utc",
    });
    expect(af.get("roman/meta/flags")).toEqual([true, false, true, false, "y", "n"]);
    expect(af.get("roman/meta/big")).toBe(1152921504606846977n);
    expect(af.get("roman/meta/z")).toEqual({ re: 1.5, im: -2 });
    expect(af.get("roman/meta/unknown")).toEqual(new TaggedValue("tag:stsci.edu:asdf/custom/thing-9.9", { a: 1 }));
    expect(af.arrays()).toEqual([
      "/roman/data",
      "/roman/wave",
      "/roman/cube",
      "/roman/column",
      "/roman/names",
      "/roman/inline",
      "/roman/masked",
    ]);
    expect(af.get("asdf_library")).toEqual({ name: "skyfs-test", version: "1.0.0" });
  });

  it("reads arrays of every kind in native byte order, from raw, zlib and lz4 blocks", async () => {
    const af = await opened();
    const data = await (af.get("roman/data") as NdArray).read();
    expect(data.shape).toEqual([6, 5]);
    expect(data.dtype).toBe("int16");
    expect(Array.from(data.data as Int16Array)).toEqual(Array.from(image));
    expect(Array.from((await (af.get("roman/wave") as NdArray).read()).data as Float64Array)).toEqual(Array.from(floats));
    const read = await (af.get("roman/cube") as NdArray).read();
    expect(read.shape).toEqual([4, 3, 2]);
    expect(Array.from(read.data as Float32Array)).toEqual(Array.from(cube));
    const column = await (af.get("roman/column") as NdArray).read();
    expect(Array.from(column.data as Int16Array)).toEqual([2, 7, 12, 17, 22, 27].map((i) => image[i]));
    expect((await (af.get("roman/names") as NdArray).read()).data).toEqual(["ab", "cde", "f"]);
    expect(Array.from((await (af.get("roman/inline") as NdArray).read()).data as Int32Array)).toEqual([1, 2, 3, 4]);
    const masked = await (af.get("roman/masked") as NdArray).read();
    expect(Array.from(masked.mask ?? [])).toEqual([0, 1, 0]);
  });

  it("reads only the head and the tail when opening, and only an array's own bytes after", async () => {
    const counting = new CountingSource(new BytesSource(file, "memory://asdf/count.asdf"));
    const af = await AsdfFile.open(counting);
    expect(counting.calls).toHaveLength(1);
    expect(counting.calls[0]?.ranges).toHaveLength(2);
    const before = counting.calls.length;
    await (af.get("roman/column") as NdArray).read();
    const after = counting.calls.slice(before);
    const blockHeaders = after[0]?.ranges ?? [];
    expect(blockHeaders).toHaveLength(3);
    const reads = after.slice(1).flatMap((call) => call.ranges);
    expect(reads).toHaveLength(6);
    expect(reads.every((range) => range.length === 2)).toBe(true);
  });

  it("walks the blocks when the index is missing or wrong", async () => {
    const noIndex = writeAsdf(
      yaml,
      [
        { data: bytesOf(image, "int16", "big") },
        { data: bytesOf(floats, "float64", "little"), compression: "zlib" },
        { data: bytesOf(cube, "float32", "little") },
      ],
      { index: false },
    );
    const af = await opened(noIndex);
    expect((await af.blocks()).length).toBe(3);
    expect(Array.from((await (af.get("roman/cube") as NdArray).read()).data as Float32Array)).toEqual(Array.from(cube));
    const text = Buffer.from(file).toString("latin1");
    const wrongIndex = new Uint8Array(
      Buffer.from(
        text.replace(/#ASDF BLOCK INDEX\n%YAML 1.1\n---\n- \d+/, (match) => match.replace(/- \d+$/, "- 7")),
        "latin1",
      ),
    );
    expect(Array.from((await ((await opened(wrongIndex)).get("roman/data") as NdArray).read()).data as Int16Array)).toEqual(
      Array.from(image),
    );
  });

  it("raises FormatError with an offset on bad input, without hanging or allocating", async () => {
    await expect(opened(new TextEncoder().encode("SIMPLE  = T"))).rejects.toThrow(/not an ASDF file/);
    await expect(opened(writeAsdf(`${TREE_START}a: [1, 2\n...\n`))).rejects.toBeInstanceOf(FormatError);
    await expect(opened(new TextEncoder().encode(`#ASDF 1.0.0\n${TREE_START}a: 1\n`))).rejects.toThrow(/end marker/);
    const truncated = file.slice(0, file.length - 400);
    const cut = await opened(truncated);
    await expect((cut.get("roman/cube") as NdArray).read()).rejects.toBeInstanceOf(FormatError);
    const bad = writeAsdf(yaml, [
      { data: bytesOf(image, "int16", "big"), badChecksum: true },
      { data: bytesOf(floats, "float64", "little") },
      { data: bytesOf(cube, "float32", "little"), compression: "zlib", badChecksum: true },
    ]);
    await expect(((await opened(bad)).get("roman/cube") as NdArray).read()).rejects.toThrow(/MD5/);
    const lying = file.slice();
    const at = Buffer.from(file).indexOf(Buffer.from([0xd3, 0x42, 0x4c, 0x4b]));
    new DataView(lying.buffer).setBigUint64(at + 14, 1n << 50n);
    await expect(((await opened(lying)).get("roman/data") as NdArray).read()).rejects.toThrow(FormatError);
    const huge = writeAsdf(`${TREE_START}big: !core/ndarray-1.0.0 {source: 0, datatype: float64, shape: [100000000000]}\n...\n`, [
      { data: new Uint8Array(8) },
    ]);
    await expect(((await opened(huge)).get("big") as NdArray).read()).rejects.toThrow(FormatError);
  });

  it("summarises the tree as JSON and as asdf info does", async () => {
    const af = await opened();
    const json = af.toJSON() as { roman: { data: unknown; meta: { big: unknown } } };
    expect(json.roman.data).toEqual({ ndarray: { shape: [6, 5], dtype: "int16", source: 0 } });
    expect(json.roman.meta.big).toBe("1152921504606846977");
    const info = af.info();
    expect(info.split("\n")[0]).toBe("root (AsdfObject)");
    expect(info).toMatch(/├─data \(NDArrayType\): shape=\(6, 5\), dtype=int16/);
  });

  it("parses Python's complex notation", () => {
    expect(parseComplex("0j")).toEqual({ re: 0, im: 0 });
    expect(parseComplex("(1e-10-5j)")).toEqual({ re: 1e-10, im: -5 });
    expect(parseComplex("-1.7976931348623157e+308j")).toEqual({ re: 0, im: -1.7976931348623157e308 });
    const nan = parseComplex("(nan-infj)");
    expect(Number.isNaN(nan.re) && nan.im === Number.NEGATIVE_INFINITY).toBe(true);
  });
});

describe("ASDF over HTTP, with an external array file", () => {
  let folder: string;
  let server: TestHttpServer;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "skyfs-asdf-"));
    await writeFile(
      join(folder, "main.asdf"),
      writeAsdf(`${TREE_START}ext: !core/ndarray-1.0.0 {source: part0000.asdf, datatype: float64, byteorder: little, shape: [200]}\n...\n`),
    );
    await writeFile(join(folder, "part0000.asdf"), writeAsdf(`${TREE_START}...\n`, [{ data: bytesOf(floats, "float64", "little") }]));
    server = await startHttpServer(folder);
  });

  afterAll(async () => {
    await server.close();
    await rm(folder, { recursive: true, force: true });
  });

  it("resolves an external source relative to the file's URL on the same store", async () => {
    const af = await openAsdf(`${server.baseUrl}/main.asdf`);
    const read = await (af.get("ext") as NdArray).read();
    expect(Array.from(read.data as Float64Array)).toEqual(Array.from(floats));
    expect(server.requests.some((request) => request.url === "/part0000.asdf")).toBe(true);
  });
});
