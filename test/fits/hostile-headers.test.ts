import { describe, expect, it } from "vitest";
import { type BinTableHdu, openFitsSource } from "../../src/fits.js";
import { BytesSource, FormatError } from "../../src/index.js";
import { card, EMPTY_PRIMARY, fitsBytes, headerBlock, vlaTable } from "./hostile-files.js";

const image = (cards: string[], dataBytes = 0): Uint8Array =>
  fitsBytes([{ header: EMPTY_PRIMARY }, { header: headerBlock(["XTENSION= 'IMAGE   '", ...cards]), data: new Uint8Array(dataBytes) }]);

describe("header values that feed offset arithmetic", () => {
  const cases: Array<[string, string[]]> = [
    ["GCOUNT = -1", [card("BITPIX", 8), card("NAXIS", 1), card("NAXIS1", 2880), card("PCOUNT", 0), card("GCOUNT", -1)]],
    ["PCOUNT = -2880", [card("BITPIX", 8), card("NAXIS", 1), card("NAXIS1", 0), card("PCOUNT", -2880), card("GCOUNT", 1)]],
    ["NAXIS2 = -5", [card("BITPIX", 16), card("NAXIS", 2), card("NAXIS1", 10), card("NAXIS2", -5)]],
    [
      "a product past 2^53",
      [card("BITPIX", -64), card("NAXIS", 3), card("NAXIS1", 2 ** 26), card("NAXIS2", 2 ** 26), card("NAXIS3", 2 ** 10)],
    ],
    ["NAXIS1 past 2^53", [card("BITPIX", 8), card("NAXIS", 1), card("NAXIS1", "18014398509481984")]],
    ["PCOUNT past 2^53", [card("BITPIX", 8), card("NAXIS", 1), card("NAXIS1", 1), card("PCOUNT", "9007199254740993")]],
    ["BITPIX = 7", [card("BITPIX", 7), card("NAXIS", 1), card("NAXIS1", 1)]],
  ];

  it.each(cases)(
    "refuses %s with a FormatError, and the walk ends",
    async (_name, cards) => {
      const file = openFitsSource(new BytesSource(image(cards, 2880)));
      const error = await file.hdus().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(FormatError);
      expect((error as FormatError).index).toBe(1);
    },
    10_000,
  );

  it("reads a valid file after the same checks", async () => {
    const file = openFitsSource(
      new BytesSource(image([card("BITPIX", 8), card("NAXIS", 1), card("NAXIS1", 10), card("PCOUNT", 0), card("GCOUNT", 1)], 10)),
    );
    const hdus = await file.hdus();
    expect(hdus.map((hdu) => hdu.layout.dataSize)).toEqual([0, 10]);
  });
});

describe("variable-length arrays that repeat or overlap heap ranges", () => {
  it("shares one array between rows whose descriptors repeat, instead of copying it per row", async () => {
    const heap = 1024 * 1024;
    const bytes = vlaTable(
      Array.from({ length: 3000 }, () => [heap, 0] as const),
      heap,
    );
    const hdu = (await openFitsSource(new BytesSource(bytes)).hdu(1)) as BinTableHdu;
    const values = await hdu.column("SPECTRUM");
    if (values.kind !== "vla") throw new Error("not a VLA column");
    expect(values.rows).toHaveLength(3000);
    expect(new Set(values.rows.map((row) => row.data)).size).toBe(1);
    expect(values.rows[2999]?.data.length).toBe(heap);
    expect(values.rows[0]?.data[1000]).toBe(1000 % 251);
  });

  it("refuses distinct overlapping ranges whose total passes maxColumnBytes", async () => {
    const heap = 64 * 1024;
    const bytes = vlaTable(
      Array.from({ length: 2000 }, (_, row) => [heap - row, row] as const),
      heap,
    );
    const file = openFitsSource(new BytesSource(bytes), { maxColumnBytes: 16 * 1024 * 1024 });
    const hdu = (await file.hdu(1)) as BinTableHdu;
    await expect(hdu.column("SPECTRUM")).rejects.toThrow(/maxColumnBytes/);
    const small = (await openFitsSource(new BytesSource(bytes), { maxColumnBytes: 256 * 1024 * 1024 }).hdu(1)) as BinTableHdu;
    const values = await small.column("SPECTRUM", { start: 1990, end: 2000 });
    expect(values.kind === "vla" && values.rows.map((row) => row.data.length)).toEqual(
      Array.from({ length: 10 }, (_, i) => heap - 1990 - i),
    );
  });

  it("refuses a THEAP outside the data unit", async () => {
    const bytes = vlaTable([[4, 0]], 16, [card("THEAP", -8)]);
    const hdu = (await openFitsSource(new BytesSource(bytes)).hdu(1)) as BinTableHdu;
    await expect(hdu.column(0)).rejects.toBeInstanceOf(FormatError);
  });
});

describe("long strings on CONTINUE cards", () => {
  it("parses a 16 MiB header of one continued string, linear in its size", async () => {
    const pieces = 200_000;
    const cards = ["SIMPLE  =                    T", card("BITPIX", 8), card("NAXIS", 0), "LONGSTR = 'start&'"];
    for (let i = 0; i < pieces; i++) cards.push(`CONTINUE  '${String(i % 1000).padStart(3, "0")}${"x".repeat(64)}&'`);
    cards.push("CONTINUE  'end'");
    const bytes = new Uint8Array(Buffer.from(headerBlock(cards), "latin1"));
    expect(bytes.length).toBeGreaterThan(16 * 1000 * 1000);
    const hdu = await openFitsSource(new BytesSource(bytes)).hdu(0);
    const value = hdu.header.get("LONGSTR") as string;
    expect(value.length).toBe(5 + pieces * 67 + 3);
    expect(value.slice(0, 9)).toBe("start000x");
    expect(value.slice(5 + 67, 5 + 67 + 4)).toBe("001x");
    expect(value.slice(-6)).toBe("xxxend");
    expect(hdu.header.cards).toHaveLength(4);
  }, 60_000);
});
