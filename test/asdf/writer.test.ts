import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AsdfFile,
  AsdfTime,
  type KnownTag,
  NdArray,
  Quantity,
  TaggedValue,
  Unit,
  type WriteCompression,
  writeAsdf,
} from "../../src/asdf.js";
import { BytesSource, InvalidArgumentError } from "../../src/index.js";
import { available, PYTHON_ASDF } from "../requirements.js";
import { romanFixture } from "./roman-fixture.js";

const PYTHON = "/usr/bin/python3";
const pythonAsdf = available(import.meta.url, PYTHON_ASDF);

/** Runs a Python script without blocking this process, and gives what it printed. */
function python(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(PYTHON, args, { encoding: "utf8", maxBuffer: 1 << 26 }, (_error, stdout, stderr) => resolve({ stdout, stderr }));
  });
}

const payload = {
  integers: [0, -7, 2 ** 53 - 1],
  big: -(2n ** 62n),
  floats: [1.5, -0.001, 1e-7, 6.02e23, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY],
  strings: [
    "plain",
    "yes",
    "no",
    "on",
    "null",
    "1.5",
    "007",
    "a: b",
    "# not a comment",
    "",
    " padded ",
    "λ unicode ✓",
    "two\nlines",
    'quote " and \\',
  ],
  flags: [true, false, null],
  nested: { empty_map: {}, empty_list: [], list_of_maps: [{ a: 1 }, { b: [1, [2, [3]]] }], "key with spaces": "v", "123": "numeric key" },
  complex: { re: 1.5, im: -2 },
  exposure_time: Quantity.of(139.8, "s"),
  flux: Quantity.of({ data: Float32Array.of(1, 2.5, -3, 4), shape: [2, 2] }, "DN / s"),
  unit: Unit.of("MJy / sr"),
  start: AsdfTime.of("2027-06-01T04:12:56.123"),
  mid: AsdfTime.of(61557.25, { format: "mjd", scale: "tai" }),
  custom: new TaggedValue("tag:example.org:custom/thing-1.0.0", { x: 1 }),
  arrays: {
    int8: { data: Int8Array.of(-128, 0, 127) },
    uint8: { data: Uint8Array.of(0, 255) },
    int16: { data: Int16Array.of(-32768, 32767), shape: [2, 1] },
    uint16: { data: Uint16Array.of(65535, 1) },
    int32: { data: Int32Array.from({ length: 24 }, (_, i) => i * 1000 - 5000), shape: [2, 3, 4] },
    uint32: { data: Uint32Array.of(4294967295, 0) },
    int64: { data: BigInt64Array.of(-(2n ** 63n), 2n ** 62n) },
    uint64: { data: BigUint64Array.of(2n ** 64n - 1n, 3n) },
    float32: { data: Float32Array.from({ length: 600 }, (_, i) => Math.sin(i) * 100), shape: [20, 30] },
    float64: { data: Float64Array.of(Math.PI, -Math.E, Number.NaN) },
    complex64: { data: Float32Array.of(1, 2, -3, 0.5), dtype: "complex64" },
    complex128: { data: Float64Array.of(0.25, -1), dtype: "complex128" },
    bool: { data: Uint8Array.of(1, 0, 1), dtype: "bool" },
  },
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The tree as the Python side dumps it (see DUMP), computed from what was written. */
function expected(value: unknown): Json {
  if (value instanceof Quantity) return { quantity: expected(value.value), unit: value.unit };
  if (value instanceof Unit) return { unit: value.unit };
  if (value instanceof AsdfTime) return { time: value.value as Json, format: value.format ?? null, scale: value.scale };
  if (value instanceof TaggedValue) return expected(value.value);
  if (typeof value === "bigint") return value >= -(2n ** 53n) && value < 2n ** 53n ? Number(value) : value.toString();
  if (typeof value === "number") return Number.isFinite(value) ? value : String(value);
  if (Array.isArray(value)) return value.map(expected);
  if (value !== null && typeof value === "object" && "data" in value && ArrayBuffer.isView((value as { data: unknown }).data)) {
    const array = value as { data: ArrayLike<number | bigint>; shape?: number[]; dtype?: string };
    const complex = array.dtype?.startsWith("complex");
    const flat = Array.from(array.data, (item) => expected(item));
    const values = complex ? flat.filter((_, i) => i % 2 === 0).map((re, i) => ({ complex: [re, flat[2 * i + 1] as Json] })) : flat;
    return {
      shape: array.shape ?? [values.length],
      values: array.dtype === "bool" ? values.map((item) => item === 1) : values,
    };
  }
  if (value !== null && typeof value === "object" && Object.keys(value).length === 2 && "re" in value && "im" in value)
    return { complex: [expected((value as { re: number }).re), expected((value as { im: number }).im)] };
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, expected(item)]));
  return value as Json;
}

const DUMP = `
import json, math, sys, warnings
warnings.simplefilter("ignore")
import asdf, numpy as np
import astropy.units as u
from astropy.time import Time

def number(x):
    if isinstance(x, (bool, np.bool_)): return bool(x)
    if isinstance(x, (int, np.integer)):
        x = int(x)
        return x if abs(x) < 2**53 else str(x)
    x = float(x)
    if math.isnan(x): return "NaN"
    if math.isinf(x): return "Infinity" if x > 0 else "-Infinity"
    return int(x) if x.is_integer() and abs(x) < 2**53 else x

def conv(x):
    if isinstance(x, u.Quantity): return {"quantity": conv(x.value), "unit": x.unit.to_string()}
    if isinstance(x, u.UnitBase): return {"unit": x.to_string()}
    if isinstance(x, Time): return {"time": x.value if isinstance(x.value, str) else number(x.value), "format": x.format, "scale": x.scale}
    if isinstance(x, asdf.tags.core.NDArrayType): x = np.asarray(x)
    if isinstance(x, np.ndarray):
        return {"shape": list(x.shape), "values": [conv(v) for v in x.ravel()]}
    if isinstance(x, (complex, np.complexfloating)): return {"complex": [number(x.real), number(x.imag)]}
    if isinstance(x, dict): return {str(k): conv(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)): return [conv(v) for v in x]
    if isinstance(x, str) or x is None: return x
    return number(x)

for path in sys.argv[1:]:
    with asdf.open(path, validate_checksums=True) as af:
        print(json.dumps({"payload": conv(af.tree["payload"]), "library": af.tree["asdf_library"]["name"]}))
`;

describe("writeAsdf", () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "skyfs-asdf-writer-"));
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  for (const compression of ["none", "zlib", "bzp2", "lz4"] as WriteCompression[]) {
    it(`writes a tree skyfs reads back identically (${compression})`, async () => {
      const bytes = writeAsdf({ payload }, { compression });
      const af = await AsdfFile.open(new BytesSource(bytes, `memory://w/${compression}.asdf`));
      expect(af.version).toBe("1.0.0");
      expect(af.standardVersion).toBe("1.5.0");
      const blocks = await af.blocks();
      expect(blocks).toHaveLength(14);
      expect(blocks.every((block) => block.compression === (compression === "none" ? "" : compression))).toBe(true);
      expect(blocks.every((block) => block.checksum.some((byte) => byte !== 0))).toBe(true);
      const read = async (node: unknown): Promise<unknown> => {
        if (node instanceof NdArray) {
          const array = await node.read();
          return {
            data: array.data,
            shape: array.shape,
            dtype: array.dtype === "bool" || array.dtype.startsWith("complex") ? array.dtype : undefined,
          };
        }
        if (node instanceof Quantity) return Quantity.of(await read(node.value), node.unit);
        if (node instanceof AsdfTime || node instanceof Unit || node instanceof TaggedValue) return node;
        if (Array.isArray(node)) return Promise.all(node.map(read));
        if (node !== null && typeof node === "object" && !("re" in node))
          return Object.fromEntries(await Promise.all(Object.entries(node).map(async ([key, value]) => [key, await read(value)])));
        return node;
      };
      const back = await read(af.get("payload"));
      expect(expected(back)).toEqual(expected(payload));
      expect((af.get("payload/mid") as KnownTag & AsdfTime).scale).toBe("tai");
      expect((af.get("payload/custom") as TaggedValue).tag).toBe("tag:example.org:custom/thing-1.0.0");
    });
  }

  it.skipIf(!pythonAsdf)("writes trees the Python asdf library reads back identically (raw, zlib, bzp2 and lz4 blocks)", async () => {
    const paths: string[] = [];
    for (const compression of ["none", "zlib", "bzp2", "lz4"] as WriteCompression[]) {
      const path = join(folder, `payload-${compression}.asdf`);
      await writeFile(path, writeAsdf({ payload }, { compression }));
      paths.push(path);
    }
    const run = await python(["-c", DUMP, ...paths]);
    expect(run.stderr.split("\n").filter((line) => /Traceback|Error/.test(line))).toEqual([]);
    const lines = run.stdout.trim().split("\n");
    expect(lines).toHaveLength(4);
    for (const line of lines) {
      const dumped = JSON.parse(line) as { payload: Json; library: string };
      expect(dumped.library).toBe("skyfs");
      expect(dumped.payload).toEqual(expected(payload));
    }
  });

  for (const [compression, size] of [
    ["zlib", 16],
    ["bzp2", 128],
  ] as Array<[WriteCompression, number]>)
    it.skipIf(!pythonAsdf)(
      `writes Roman-like files the Python asdf library opens, with the arrays and metadata intact (${compression}, ${size}x${size})`,
      async () => {
        const fixture = romanFixture({ size, compression });
        const path = join(folder, `roman-${compression}.asdf`);
        await writeFile(path, fixture.bytes);
        const script = `
import sys, warnings, json
warnings.simplefilter("ignore")
import asdf, numpy as np
with asdf.open(sys.argv[1], validate_checksums=True) as af:
    r = af.tree["roman"]
    m = r["meta"]
    print(json.dumps({"data": float(np.asarray(r["data"].value, dtype="f8").sum()), "dq": int(np.asarray(r["dq"]).sum()),
        "unit": r["data"].unit.to_string(), "dtype": str(r["dq"].dtype), "detector": m["instrument"]["detector"],
        "exptime": float(m["exposure"]["exposure_time"].value), "start": m["exposure"]["start_time"].isot}))
`;
        const run = await python(["-c", script, path]);
        const dumped = JSON.parse(run.stdout) as Record<string, unknown>;
        expect(dumped).toMatchObject({
          unit: "DN / s",
          dtype: "uint32",
          detector: "WFI01",
          exptime: 139.8,
          start: "2027-06-01T04:12:56.123",
        });
        expect(dumped.dq).toBe(fixture.arrays.dq.reduce((sum, value) => sum + value, 0));
        expect(dumped.data).toBeCloseTo(
          fixture.arrays.data.reduce((sum, value) => sum + value, 0),
          1,
        );
      },
    );

  it("writes a bzp2 block of several bzip2 blocks whose sections skyfs reads back", async () => {
    const pixels = Float32Array.from({ length: 512 * 512 }, (_, i) => 1000 + Math.sin(i / 300) * 50 + ((i * 7919) % 101) / 10);
    const bytes = writeAsdf(
      { image: { data: pixels, shape: [512, 512] }, mask: { data: new Uint8Array(4096).fill(7), compression: "none" } },
      { compression: "bzp2" },
    );
    const af = await AsdfFile.open(new BytesSource(bytes, "memory://w/bzp2.asdf"));
    expect((await af.blocks()).map((block) => block.compression)).toEqual(["bzp2", ""]);
    const image = af.array("image");
    expect(Array.from((await image.read()).data as Float32Array)).toEqual(Array.from(pixels));
    const section = await image.section([
      [500, 512],
      [-3, null],
    ]);
    expect(section.shape).toEqual([12, 3]);
    const wanted = Array.from({ length: 36 }, (_, i) => pixels[(500 + Math.floor(i / 3)) * 512 + 509 + (i % 3)]);
    expect(Array.from(section.data as Float32Array)).toEqual(wanted);
    expect((await af.array("mask").read()).data).toEqual(new Uint8Array(4096).fill(7));
  });

  it("refuses what it cannot write, with typed errors", () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(() => writeAsdf({ cyclic })).toThrow(InvalidArgumentError);
    expect(() => writeAsdf({ x: { data: new Float32Array(6), shape: [4, 2] } })).toThrow(InvalidArgumentError);
    expect(() => writeAsdf({ when: new Date(Number.NaN) })).toThrow(InvalidArgumentError);
    expect(() => writeAsdf({ when: new Map() })).toThrow(InvalidArgumentError);
    expect(() => writeAsdf({ x: { data: new Float32Array(2) } }, { compression: "zstd" as WriteCompression })).toThrow(
      InvalidArgumentError,
    );
  });

  it("leaves out the checksums and the block index when asked", async () => {
    const bytes = writeAsdf({ x: { data: Float64Array.of(1, 2) } }, { checksums: false, blockIndex: false });
    expect(new TextDecoder().decode(bytes)).not.toContain("#ASDF BLOCK INDEX");
    const af = await AsdfFile.open(new BytesSource(bytes, "memory://w/plain.asdf"));
    expect((await af.blocks())[0]?.checksum.every((byte) => byte === 0)).toBe(true);
    expect(Array.from((await af.array("x").read()).data as Float64Array)).toEqual([1, 2]);
  });
});
