import { describe, expect, it } from "vitest";
import { AsdfFile, type NdArray, writeAsdf } from "../../src/asdf.js";
import { BytesSource, FormatError, InvalidArgumentError } from "../../src/index.js";
import { CountingSource } from "../fits/counting-source.js";
import { bytesOf, TREE_START, writeAsdf as writeRaw } from "./asdf-writer.js";
import { expectedSection, romanFixture } from "./roman-fixture.js";

const size = 64;
const fixture = romanFixture({ size });

async function open(bytes: Uint8Array, options = {}): Promise<{ af: AsdfFile; source: CountingSource }> {
  const source = new CountingSource(new BytesSource(bytes, "memory://asdf/section.asdf"));
  return { af: await AsdfFile.open(source, options), source };
}

/** numpy's a[y0:y1, x0:x1] of a row-major image, with Python's slicing of the bounds. */
function pySlice(length: number, start: number | null, end: number | null): [number, number] {
  const at = (bound: number | null, open: number): number =>
    bound === null ? open : Math.min(length, Math.max(0, bound < 0 ? length + bound : bound));
  const from = at(start, 0);
  return [from, Math.max(from, at(end, length))];
}

describe("NdArray.section", () => {
  it("reads only the rows of an uncompressed block that a section covers, in one readMany", async () => {
    const { af, source } = await open(fixture.bytes);
    const data = af.array("roman/data");
    await af.blocks();
    source.calls.length = 0;
    const cut = await data.section([
      [10, 20],
      [5, 15],
    ]);
    expect(cut.shape).toEqual([10, 10]);
    expect(Array.from(cut.data as Float32Array)).toEqual(expectedSection(fixture.arrays.data, size, [10, 20], [5, 15]));
    expect(source.calls).toHaveLength(1);
    expect(source.calls[0]?.kind).toBe("readMany");
    expect(source.calls[0]?.ranges).toHaveLength(10);
    expect(source.bytes).toBe(10 * 10 * 4);
  });

  it("takes negative and open bounds as Python slicing does, and clips bounds past the end", async () => {
    const { af } = await open(fixture.bytes);
    const dq = af.array("roman/dq");
    const cases: Array<[number | null, number | null, number | null, number | null]> = [
      [-5, null, null, 3],
      [null, null, -3, -1],
      [60, 1000, -1000, 2],
      [5, 2, 0, 4],
      [-1, null, -1, null],
    ];
    for (const [y0, y1, x0, x1] of cases) {
      const ys = pySlice(size, y0, y1);
      const xs = pySlice(size, x0, x1);
      const cut = await dq.section([
        [y0, y1],
        [x0, x1],
      ]);
      expect(cut.shape).toEqual([ys[1] - ys[0], xs[1] - xs[0]]);
      expect(Array.from(cut.data as Uint32Array)).toEqual(expectedSection(fixture.arrays.dq, size, ys, xs));
    }
    const [whole, firstAxisOnly] = await Promise.all([dq.section([]), dq.section([[3]])]);
    expect(whole.shape).toEqual([size, size]);
    expect(firstAxisOnly.shape).toEqual([size - 3, size]);
    await expect(dq.section([[0.5, 2]])).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(
      dq.section([
        [0, 1],
        [0, 1],
        [0, 1],
      ]),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it("decompresses a compressed block once for any number of sections", async () => {
    for (const compression of ["zlib", "lz4"] as const) {
      const compressed = romanFixture({ size, compression });
      const { af, source } = await open(compressed.bytes);
      const err = af.array("roman/err");
      await af.blocks();
      source.calls.length = 0;
      for (let i = 0; i < 10; i++) {
        const cut = await err.section([
          [i * 5, i * 5 + 4],
          [-8, null],
        ]);
        expect(Array.from(cut.data as Float32Array)).toEqual(
          expectedSection(compressed.arrays.err, size, [i * 5, i * 5 + 4], [size - 8, size]),
        );
      }
      expect(source.calls).toHaveLength(1);
    }
  });

  it("handles strides, offsets, big-endian data and views sharing one block", async () => {
    const values = Int32Array.from({ length: 8 * 6 }, (_, i) => i * 7 - 100);
    const yaml = `${TREE_START}base: !core/ndarray-1.0.0 {source: 0, datatype: int32, byteorder: big, shape: [8, 6]}
transposed: !core/ndarray-1.0.0 {source: 0, datatype: int32, byteorder: big, shape: [6, 8], strides: [4, 24]}
inner: !core/ndarray-1.0.0 {source: 0, datatype: int32, byteorder: big, shape: [3, 2], offset: 32, strides: [48, 8]}
reversed: !core/ndarray-1.0.0 {source: 0, datatype: int32, byteorder: big, shape: [8], offset: 188, strides: [-24]}
...
`;
    const { af } = await open(writeRaw(yaml, [{ data: bytesOf(values, "int32", "big") }]));
    const at = (y: number, x: number) => values[y * 6 + x] as number;
    const base = await (af.get("base") as NdArray).section([
      [2, 5],
      [1, 4],
    ]);
    expect(Array.from(base.data as Int32Array)).toEqual([
      at(2, 1),
      at(2, 2),
      at(2, 3),
      at(3, 1),
      at(3, 2),
      at(3, 3),
      at(4, 1),
      at(4, 2),
      at(4, 3),
    ]);
    const transposed = await (af.get("transposed") as NdArray).section([
      [1, 3],
      [-2, null],
    ]);
    expect(Array.from(transposed.data as Int32Array)).toEqual([at(6, 1), at(7, 1), at(6, 2), at(7, 2)]);
    const inner = await (af.get("inner") as NdArray).section([[1, null], [1]]);
    expect(Array.from(inner.data as Int32Array)).toEqual([at(3, 4), at(5, 4)]);
    const reversed = await (af.get("reversed") as NdArray).read();
    expect(Array.from(reversed.data as Int32Array)).toEqual([7, 6, 5, 4, 3, 2, 1, 0].map((y) => at(y, 5)));
  });

  it("sections masked and inline arrays the same way", async () => {
    const yaml = `${TREE_START}m: !core/ndarray-1.0.0
  data: [[1, 2, 3], [4, 5, 6]]
  datatype: float64
  shape: [2, 3]
  mask: !core/ndarray-1.0.0 {data: [[false, true, false], [true, false, false]], datatype: bool8, shape: [2, 3]}
c: !core/ndarray-1.0.0 {data: [1, !core/complex-1.0.0 2j, 3], datatype: complex128, shape: [3]}
...
`;
    const { af } = await open(writeRaw(yaml));
    const m = await (af.get("m") as NdArray).section([[-1], [1, 3]]);
    expect(Array.from(m.data as Float64Array)).toEqual([5, 6]);
    expect(Array.from(m.mask ?? [])).toEqual([0, 0]);
    const c = await (af.get("c") as NdArray).section([[1, 2]]);
    expect(Array.from(c.data as Float64Array)).toEqual([0, 2]);
  });
});

describe("hostile views", () => {
  /** The 277-byte file: 200,000,000 elements that all sit on one byte range (stride 0). */
  const broadcast = writeRaw(`${TREE_START}x: !core/ndarray-1.0.0 {source: 0, datatype: int8, shape: [200000000], strides: [0]}\n...\n`, [
    { data: Uint8Array.of(42) },
  ]);

  it("plans a zero-stride view by runs, and refuses it past the array limit with a FormatError", async () => {
    const { af, source } = await open(broadcast, { maxArrayBytes: 64 * 1024 * 1024 });
    const x = af.array("x");
    await expect(x.read()).rejects.toBeInstanceOf(FormatError);
    await af.blocks();
    source.calls.length = 0;
    const piece = await x.section([[-1000, null]]);
    expect(piece.shape).toEqual([1000]);
    expect((piece.data as Int8Array).every((value) => value === 42)).toBe(true);
    expect(source.calls).toHaveLength(1);
    expect(source.bytes).toBe(1);
  });

  it("reads a whole zero-stride array of 20,000,000 elements from one byte, read once", async () => {
    const wide = writeRaw(`${TREE_START}x: !core/ndarray-1.0.0 {source: 0, datatype: int8, shape: [20000000], strides: [0]}\n...\n`, [
      { data: Uint8Array.of(42) },
    ]);
    const { af, source } = await open(wide);
    await af.blocks();
    source.calls.length = 0;
    const read = await af.array("x").read();
    expect(read.shape).toEqual([20_000_000]);
    expect((read.data as Int8Array).every((value) => value === 42)).toBe(true);
    expect(source.calls).toHaveLength(1);
    expect(source.bytes).toBe(1);
  });

  it("reads a large self-overlapping view from one read of the bytes it touches", async () => {
    const overlapping = writeRaw(
      `${TREE_START}x: !core/ndarray-1.0.0 {source: 0, datatype: int16, byteorder: little, shape: [2000000, 2], strides: [2, 2]}\n...\n`,
      [{ data: Uint8Array.from({ length: 4000004 }, (_, i) => (i % 2 === 0 ? (i / 2) % 256 : 0)) }],
    );
    const { af, source } = await open(overlapping);
    await af.blocks();
    source.calls.length = 0;
    const read = await af.array("x").section([[1999990, null]]);
    expect(Array.from(read.data as Int16Array).slice(0, 4)).toEqual([1999990 % 256, 1999991 % 256, 1999991 % 256, 1999992 % 256]);
    expect(source.calls).toHaveLength(1);
  });

  it("refuses views that reach outside their block", async () => {
    const outside = writeRaw(`${TREE_START}x: !core/ndarray-1.0.0 {source: 0, datatype: int32, shape: [4], strides: [-4]}\n...\n`, [
      { data: new Uint8Array(16) },
    ]);
    const { af } = await open(outside);
    await expect(af.array("x").read()).rejects.toBeInstanceOf(FormatError);
  });
});

describe("compressed block bombs", () => {
  const bombData = new Uint8Array(64 * 1024 * 1024);

  it("stops inflating at the block's declared size instead of producing what the stream holds", async () => {
    const lying = writeRaw(`${TREE_START}x: !core/ndarray-1.0.0 {source: 0, datatype: uint8, shape: [1024]}\n...\n`, [
      { data: bombData, compression: "zlib" },
    ]);
    const view = new DataView(lying.buffer, lying.byteOffset);
    const blockStart = lying.indexOf(0xd3);
    view.setBigUint64(blockStart + 30, 1024n);
    const { af } = await open(lying, { verifyChecksums: false });
    await expect(af.array("x").read()).rejects.toThrow(/more than its data size of 1024 bytes/);
  });

  it("decompresses an honest block into one array of its size and refuses one over the array limit", async () => {
    const honest = writeAsdf({ x: { data: bombData, shape: [8192, 8192] } }, { compression: "zlib" });
    expect(honest.length).toBeLessThan(bombData.length / 500);
    const { af } = await open(honest, { maxArrayBytes: 16 * 1024 * 1024 });
    await expect(af.array("x").section([[0, 10]])).rejects.toThrow(/over the array limit/);
    const { af: roomy } = await open(honest);
    const block = await roomy.readBlock(0);
    expect(block.buffer.byteLength).toBe(bombData.length);
    const cut = await roomy.array("x").section([
      [100, 102],
      [0, 3],
    ]);
    expect(Array.from(cut.data as Uint8Array)).toEqual([0, 0, 0, 0, 0, 0]);
  });
});
