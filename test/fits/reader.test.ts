import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type BinTableHdu,
  formatCard,
  type GroupsHdu,
  Header,
  type ImageHdu,
  openFits,
  openFitsSource,
  parseCard,
  parseHeaderCards,
  scanHeaders,
  verifyChecksum,
  writeFits,
} from "../../src/fits.js";
import { BytesSource, FormatError } from "../../src/index.js";
import { startHttpServer, type TestHttpServer } from "../servers/http-server.js";
import { CountingSource } from "./counting-source.js";

const card = (text: string) => parseCard(text.padEnd(80));

describe("FITS header cards", () => {
  it("reads every value form of the standard", () => {
    expect(card("OBJECT  = 'it''s M31'  / target").value).toBe("it's M31");
    expect(card("OBJECT  = 'it''s M31'  / target").comment).toBe("target");
    expect(card("EMPTY   = ''").value).toBe("");
    expect(card("PADDED  = '  lead   '").value).toBe("  lead");
    expect(card("FLAG    =                    T").value).toBe(true);
    expect(card("FLAG    =                    F / no").value).toBe(false);
    expect(card("BIG     =  4611686018427387911").value).toBe(4611686018427387911n);
    expect(card("NEG     =           -123456789").value).toBe(-123456789);
    expect(card("FLT     =             1.5D-300").value).toBe(1.5e-300);
    expect(card("FLT     =                 -2E3").value).toBe(-2000);
    expect(card("CPLX    = (1.5, -2.25)").value).toEqual({ re: 1.5, im: -2.25 });
    expect(card("UNDEF   =                      / nothing").value).toBeNull();
    expect(card("HIERARCH ESO DET CHIP NAME = 'CCD-44'").keyword).toBe("ESO DET CHIP NAME");
    expect(card("COMMENT   free text / not a comment").value).toBe("  free text / not a comment");
    expect(card("HISTORY step one").value).toBe("step one");
    expect(card("        blank card text").keyword).toBe("");
  });

  it("refuses malformed cards", () => {
    expect(() => card("BAD     = 'no closing quote")).toThrow(/closing quote/);
    expect(() => card("BAD     = 12abc")).toThrow(/cannot read/);
    expect(() => card("lower   = 1")).toThrow(/invalid keyword/);
    expect(() => parseCard(`OBJECT  = 'caf\u00e9'`.padEnd(80))).toThrow(/ASCII/);
  });

  it("joins CONTINUE cards, finds repeated keywords by index, and round-trips to text", () => {
    const header = new Header([
      { keyword: "LONGSTR", value: `${"A".repeat(100)} and more`, comment: "long string" },
      { keyword: "HISTORY", value: "first", comment: "" },
      { keyword: "HISTORY", value: "second", comment: "" },
      { keyword: "A VERY LONG KEYWORD NAME", value: 42, comment: "" },
      { keyword: "BIGINT", value: 9007199254740993n, comment: "" },
      { keyword: "RATIO", value: 0.25, comment: "" },
    ]);
    const text = header.toString();
    expect(text.length % 2880).toBe(0);
    const count = text.indexOf("END     ") / 80;
    const parsed = parseHeaderCards(text, count);
    expect(parsed.get("LONGSTR")).toBe(`${"A".repeat(100)} and more`);
    expect(parsed.get("HISTORY", 1)).toBe("second");
    expect(parsed.getAll("HISTORY")).toEqual(["first", "second"]);
    expect(parsed.get("A VERY LONG KEYWORD NAME")).toBe(42);
    expect(parsed.get("BIGINT")).toBe(9007199254740993n);
    expect(parsed.get("RATIO")).toBe(0.25);
    expect(parsed.toString()).toBe(text);
    expect(formatCard({ keyword: "X", value: "a".repeat(200), comment: "" }).every((record) => record.length === 80)).toBe(true);
  });
});

describe("FITS images", () => {
  const cube = Float32Array.from({ length: 2 * 5 * 6 * 7 }, (_, i) => i);
  const file = writeFits([
    { cards: [{ keyword: "TELESCOP", value: "HST", comment: "" }] },
    { data: Int16Array.from([-3, 0, 7, 32767]), shape: [2, 2], name: "I16" },
    { data: cube, shape: [2, 5, 6, 7], name: "CUBE" },
    { data: Uint16Array.from([0, 1, 65535]), name: "U16" },
    { data: Uint32Array.from([0, 4294967295]), name: "U32" },
    { data: BigUint64Array.from([0n, 18446744073709551615n]), name: "U64" },
    { data: BigInt64Array.from([-5n, 9007199254740993n]), name: "I64" },
    { data: Int8Array.from([-128, 0, 127]), name: "I8" },
    { data: Float64Array.from([Math.PI, Number.NaN]), name: "F64" },
    { data: Int32Array.from([1, 2, 3]), name: "I32" },
  ]);

  it("walks HDUs reading headers only, lazily", async () => {
    const source = new CountingSource(new BytesSource(file, "memory:cube.fits"));
    const fits = openFitsSource(source);
    expect(source.calls).toHaveLength(0);
    const third = await fits.hdu(2);
    expect(third.name).toBe("CUBE");
    const dataStarts = [1, 2].map(async (i) => (await fits.hdu(i)).layout);
    for (const layout of await Promise.all(dataStarts)) {
      for (const call of source.calls) {
        for (const range of call.ranges) {
          const overlaps = range.offset < layout.dataOffset + layout.dataSize && range.offset + range.length > layout.dataOffset;
          if (layout.dataSize > 2880 * 4) expect(overlaps).toBe(false);
        }
      }
    }
    expect((await fits.hdu("cube")).index).toBe(2);
    await expect(fits.hdu("NOPE")).rejects.toBeInstanceOf(FormatError);
    const info = await fits.info();
    expect(info).toMatch(/No\.\s+Name\s+Ver\s+Type\s+Cards\s+Dimensions\s+Format/);
    expect(info).toMatch(/2\s+CUBE\s+1\s+ImageHDU\s+\d+\s+\(7, 6, 5, 2\)\s+float32/);
  });

  it("returns typed arrays in native order with shapes, applying the unsigned conventions", async () => {
    const fits = openFitsSource(new BytesSource(file));
    const i16 = await ((await fits.hdu("I16")) as ImageHdu).data();
    expect([...i16.data]).toEqual([-3, 0, 7, 32767]);
    expect(i16.shape).toEqual([2, 2]);
    const u16 = await ((await fits.hdu("U16")) as ImageHdu).data();
    expect(u16.data).toBeInstanceOf(Uint16Array);
    expect([...u16.data]).toEqual([0, 1, 65535]);
    const raw = await ((await fits.hdu("U16")) as ImageHdu).data({ raw: true });
    expect([...raw.data]).toEqual([-32768, -32767, 32767]);
    expect([...(await ((await fits.hdu("U32")) as ImageHdu).data()).data]).toEqual([0, 4294967295]);
    const u64 = await ((await fits.hdu("U64")) as ImageHdu).data();
    expect(u64.dtype).toBe("uint64");
    expect([...u64.data]).toEqual([0n, 18446744073709551615n]);
    expect([...(await ((await fits.hdu("I64")) as ImageHdu).data()).data]).toEqual([-5n, 9007199254740993n]);
    expect([...(await ((await fits.hdu("I8")) as ImageHdu).data()).data]).toEqual([-128, 0, 127]);
    const f64 = await ((await fits.hdu("F64")) as ImageHdu).data();
    expect(f64.data[0]).toBe(Math.PI);
    expect(Number.isNaN(f64.data[1])).toBe(true);
    expect((await ((await fits.hdu(0)) as ImageHdu).data()).shape).toEqual([]);
  });

  it("applies BSCALE/BZERO in float32 for BITPIX 16 and turns BLANK into NaN", async () => {
    const header = new Header([
      { keyword: "SIMPLE", value: true, comment: "" },
      { keyword: "BITPIX", value: 16, comment: "" },
      { keyword: "NAXIS", value: 1, comment: "" },
      { keyword: "NAXIS1", value: 4, comment: "" },
      { keyword: "BSCALE", value: 0.1, comment: "" },
      { keyword: "BZERO", value: 10, comment: "" },
      { keyword: "BLANK", value: -1, comment: "" },
    ]);
    const data = Buffer.alloc(2880);
    for (const [i, value] of [0, 1, 2, -1].entries()) data.writeInt16BE(value, i * 2);
    const text = header.toString() + data.toString("latin1");
    const fits = openFitsSource(new BytesSource(new Uint8Array(Buffer.from(text, "latin1"))));
    const image = await ((await fits.hdu(0)) as ImageHdu).data();
    expect(image.dtype).toBe("float32");
    expect(image.data[1]).toBe(Math.fround(Math.fround(1 * Math.fround(0.1)) + 10));
    expect(Number.isNaN(image.data[3])).toBe(true);
  });

  it("plans a cube section as one readMany of exactly the bytes needed", async () => {
    const source = new CountingSource(new BytesSource(file));
    const hdu = (await openFitsSource(source).hdu("CUBE")) as ImageHdu;
    source.calls.length = 0;
    const section = await hdu.section([
      [0, 2],
      [0, 5],
      [2, 4],
      [3, 5],
    ]);
    expect(section.shape).toEqual([2, 5, 2, 2]);
    expect(source.calls).toHaveLength(1);
    expect(source.calls[0]?.kind).toBe("readMany");
    expect(source.bytes).toBe(2 * 5 * 2 * 2 * 4);
    const expected: number[] = [];
    for (let a = 0; a < 2; a++)
      for (let b = 0; b < 5; b++) for (let c = 2; c < 4; c++) for (let d = 3; d < 5; d++) expected.push(((a * 5 + b) * 6 + c) * 7 + d);
    expect([...section.data]).toEqual(expected);
    source.calls.length = 0;
    const rows = await hdu.section([
      [1, 2],
      [2, 3],
    ]);
    expect(rows.shape).toEqual([1, 1, 6, 7]);
    expect(source.calls[0]?.ranges).toHaveLength(1);
    await expect(hdu.section([[0, 3]])).rejects.toBeInstanceOf(FormatError);
  });
});

describe("FITS tables", () => {
  const file = writeFits([
    {},
    {
      kind: "table",
      rows: 4,
      name: "EVENTS",
      columns: [
        { name: "ID", data: Int32Array.from([10, 20, 30, 40]) },
        { name: "FLAG", data: [true, false, true, true] },
        { name: "NAME", data: ["alpha", "b", "gamma", "d"] },
        { name: "VEC", data: Float64Array.from({ length: 8 }, (_, i) => i / 2), repeat: 2 },
        { name: "UNSIGNED", data: Uint16Array.from([1, 2, 3, 65535]) },
      ],
    },
  ]);

  it("reads one column for a row range, fetching only its bytes", async () => {
    const source = new CountingSource(new BytesSource(file));
    const table = (await openFitsSource(source).hdu("EVENTS")) as BinTableHdu;
    expect(table.nrows).toBe(4);
    expect(table.columnNames).toEqual(["ID", "FLAG", "NAME", "VEC", "UNSIGNED"]);
    source.calls.length = 0;
    const ids = await table.column("id", { start: 1, end: 3 });
    expect(ids).toMatchObject({ kind: "numeric", dtype: "int32", shape: [2] });
    expect(ids.kind === "numeric" && [...ids.data]).toEqual([20, 30]);
    expect(source.bytes).toBeLessThanOrEqual(table.rowWidth + 4);
    const vec = await table.column("VEC");
    expect(vec.kind === "numeric" && vec.shape).toEqual([4, 2]);
    const unsigned = await table.column("UNSIGNED");
    expect(unsigned.kind === "numeric" && [...unsigned.data]).toEqual([1, 2, 3, 65535]);
    expect(await table.row(2)).toMatchObject({ ID: 30, FLAG: true, NAME: "gamma" });
    expect(await table.cell(3, "FLAG")).toBe(true);
    await expect(table.column("MISSING")).rejects.toThrow(/no column named/);
    await expect(table.column("ID", { start: 3, end: 9 })).rejects.toBeInstanceOf(FormatError);
  });

  it("refuses a table where an image is asked for with imageHdu", async () => {
    const fits = openFitsSource(new BytesSource(file));
    await expect(fits.imageHdu("EVENTS")).rejects.toThrow(/HDU 1 \(EVENTS\) is a BinTableHDU, not an image/);
    await expect(fits.imageHdu("EVENTS")).rejects.toBeInstanceOf(FormatError);
    expect((await fits.imageHdu(0)).shape).toEqual([]);
  });
});

describe("FITS files that are not what they claim", () => {
  const good = writeFits([{ data: Float32Array.from([1, 2, 3]) }, { data: Int16Array.from([1, 2]), name: "X" }]);
  const open = (bytes: Uint8Array) => openFitsSource(new BytesSource(bytes, "memory:bad.fits")).hdus();

  it("raises FormatError with the HDU and offset for every kind of damage", async () => {
    await expect(open(new Uint8Array(0))).rejects.toBeInstanceOf(FormatError);
    await expect(open(new Uint8Array(Buffer.from("hello".padEnd(2880))))).rejects.toThrow(/not a FITS file/);
    const noEnd = new Uint8Array(
      Buffer.from(
        Buffer.from(good.slice(0, 2880))
          .toString("latin1")
          .replace(/END {77}/, " ".repeat(80)),
        "latin1",
      ),
    );
    await expect(open(noEnd)).rejects.toThrow(/END/);
    // As the corpus's truncated_data.fits: the data are whole but the final padding is missing.
    await expect(open(good.slice(0, good.length - 100))).rejects.toBeInstanceOf(FormatError);
    const truncated = good.slice(0, good.length - 2880 + 3);
    const error = (await open(truncated).catch((caught: unknown) => caught)) as FormatError;
    expect(error).toBeInstanceOf(FormatError);
    expect(error.index).toBe(1);
    expect(error.offset).toBeGreaterThan(2880);
    expect(error.message).toMatch(
      new RegExp(
        `^the file is truncated: HDU 1's data unit, padded to whole blocks as FITS requires, ends at byte ${good.length}; the file has ${good.length - 2880 + 3} bytes`,
      ),
    );
    const absurd = new Uint8Array(
      Buffer.from(
        Buffer.from(good).toString("latin1").replace("NAXIS1  =                    3", "NAXIS1  =         999999999999"),
        "latin1",
      ),
    );
    await expect(open(absurd)).rejects.toBeInstanceOf(FormatError);
    const nonAscii = good.slice();
    nonAscii[85] = 0xe9;
    await expect(open(nonAscii)).rejects.toThrow(/card 2/);
    await expect(openFitsSource(new BytesSource(good), { maxHeaderBytes: 2880 }).hdu(1)).resolves.toBeDefined();
    await expect(((await openFitsSource(new BytesSource(good), { maxArrayBytes: 4 }).hdu(0)) as ImageHdu).data()).rejects.toThrow(
      /maxArrayBytes/,
    );
  });

  it("verifies DATASUM and reports a mismatch", async () => {
    const text = Buffer.from(good)
      .toString("latin1")
      .replace("END     ", `DATASUM = '12345'${" ".repeat(63)}END     `);
    const hdu = await openFitsSource(new BytesSource(new Uint8Array(Buffer.from(text, "latin1")))).hdu(0);
    const report = await verifyChecksum(hdu);
    expect(report.datasumOk).toBe(false);
    expect(report.problems[0]).toMatch(/DATASUM says 12345/);
    const blank = Buffer.from(good)
      .toString("latin1")
      .replace("END     ", `DATASUM = '        '${" ".repeat(60)}END     `);
    const damaged = await openFitsSource(new BytesSource(new Uint8Array(Buffer.from(blank, "latin1")))).hdu(0);
    await expect(verifyChecksum(damaged)).rejects.toThrow(/DATASUM must hold an unsigned decimal integer/);
    await expect(verifyChecksum(damaged)).rejects.toBeInstanceOf(FormatError);
  });

  it("recognises random groups", async () => {
    const text =
      `${"SIMPLE  =                    T".padEnd(80)}${"BITPIX  =                  -32".padEnd(80)}${"NAXIS   =                    2".padEnd(80)}${"NAXIS1  =                    0".padEnd(80)}${"NAXIS2  =                    2".padEnd(80)}${"GROUPS  =                    T".padEnd(80)}${"PCOUNT  =                    1".padEnd(80)}${"GCOUNT  =                    2".padEnd(80)}${"PTYPE1  = 'UU'".padEnd(80)}${"END".padEnd(80)}`.padEnd(
        2880,
      );
    const data = Buffer.alloc(2880);
    for (const [i, value] of [5, 1, 2, 6, 3, 4].entries()) data.writeFloatBE(value, i * 4);
    const groups = (await openFitsSource(new BytesSource(new Uint8Array(Buffer.concat([Buffer.from(text, "latin1"), data]))), {}).hdu(
      0,
    )) as GroupsHdu;
    expect(groups.type).toBe("GroupsHDU");
    expect(groups.params).toEqual(["UU"]);
    const { params, data: arrays } = await groups.read();
    expect([...params]).toEqual([5, 6]);
    expect([...arrays.data]).toEqual([1, 2, 3, 4]);
    expect(arrays.shape).toEqual([2, 2]);
  });
});

describe("FITS over HTTP", () => {
  let folder: string;
  let server: TestHttpServer;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "skyfs-fits-http-"));
    await writeFile(
      join(folder, "img.fits"),
      writeFits([{}, { data: Float32Array.from({ length: 100 * 100 }, (_, i) => i), shape: [100, 100], name: "SCI" }]),
    );
    server = await startHttpServer(folder);
  });

  afterAll(async () => {
    await server.close();
    await rm(folder, { recursive: true, force: true });
  });

  it("opens a URL, scans headers and cuts a section", async () => {
    const names: string[] = [];
    for await (const hdu of scanHeaders(`${server.baseUrl}/img.fits`)) names.push(hdu.name);
    expect(names).toEqual(["PRIMARY", "SCI"]);
    const fits = await openFits(`${server.baseUrl}/img.fits`);
    const sci = await fits.imageHdu("SCI");
    const cut = await sci.section([
      [10, 12],
      [20, 23],
    ]);
    expect([...cut.data]).toEqual([1020, 1021, 1022, 1120, 1121, 1122]);
  });
});
