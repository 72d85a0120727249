import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type AnyHdu, AsciiTableHdu, BinTableHdu, GroupsHdu, ImageHdu, openFitsSource, verifyChecksum, writeFits } from "../../src/fits.js";
import { BytesSource, SkyfsError } from "../../src/index.js";

const LIMITS = { maxHeaderBytes: 256 * 1024, maxArrayBytes: 8 * 1024 * 1024 };

const seed = writeFits([
  { cards: [{ keyword: "OBJECT", value: "fuzz", comment: "" }] },
  {
    data: Int16Array.from({ length: 24 * 16 }, (_, i) => i - 100),
    shape: [24, 16],
    name: "SCI",
    cards: [{ keyword: "BSCALE", value: 2, comment: "" }],
  },
  {
    kind: "table",
    rows: 5,
    name: "CAT",
    columns: [
      { name: "ID", data: Int32Array.of(1, 2, 3, 4, 5) },
      { name: "NAME", data: ["a", "bb", "ccc", "dddd", "e"] },
      { name: "FLAG", data: [true, false, true, false, true] },
    ],
  },
]);

let opened = 0;

/** Reads everything a user could ask of a file; only typed errors may come out. */
async function readEverything(bytes: Uint8Array): Promise<void> {
  const file = openFitsSource(new BytesSource(bytes, "memory://fuzz/x.fits"), LIMITS);
  let hdus: AnyHdu[];
  try {
    hdus = await file.hdus();
    await file.info();
    opened++;
  } catch (error) {
    if (!(error instanceof SkyfsError)) throw error;
    return;
  }
  for (const hdu of hdus) {
    const attempts: Array<() => Promise<unknown>> = [() => verifyChecksum(hdu)];
    if (hdu instanceof ImageHdu)
      attempts.push(
        () => hdu.data(),
        () => hdu.section([[0, 2]]),
      );
    if (hdu instanceof GroupsHdu) attempts.push(() => hdu.read());
    if (hdu instanceof BinTableHdu || hdu instanceof AsciiTableHdu) {
      for (const column of hdu.columns.map((_, i) => i)) attempts.push(() => hdu.column(column));
      attempts.push(() => hdu.row(0));
    }
    for (const attempt of attempts) {
      try {
        await attempt();
      } catch (error) {
        if (!(error instanceof SkyfsError)) throw error;
      }
    }
  }
}

const HEADER_DIGITS = /[0-9]/;

describe("FITS reader against random and mutated files", () => {
  it("gives only typed errors on mutated headers and data", async () => {
    const mutation = fc.record({
      edits: fc.array(fc.tuple(fc.nat({ max: seed.length - 1 }), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }),
      digitEdits: fc.array(fc.tuple(fc.nat({ max: seed.length - 1 }), fc.constantFrom(..."0123456789 -.E+'")), { maxLength: 4 }),
      cut: fc.option(fc.nat({ max: seed.length }), { nil: undefined, freq: 4 }),
    });
    await fc.assert(
      fc.asyncProperty(mutation, async ({ edits, digitEdits, cut }) => {
        const bytes = seed.slice(0, cut ?? seed.length);
        for (const [at, value] of edits) if (at < bytes.length) bytes[at] = value;
        for (const [at, char] of digitEdits) {
          if (at < bytes.length && HEADER_DIGITS.test(String.fromCharCode(bytes[at] as number))) bytes[at] = char.charCodeAt(0);
        }
        await readEverything(bytes);
      }),
      { numRuns: 400, seed: 42 },
    );
    expect(opened).toBeGreaterThan(60);
  });

  it("gives only typed errors on random bytes and random headers", async () => {
    const card = fc
      .tuple(
        fc.constantFrom(
          "SIMPLE",
          "BITPIX",
          "NAXIS",
          "NAXIS1",
          "NAXIS2",
          "EXTEND",
          "XTENSION",
          "TFIELDS",
          "TFORM1",
          "PCOUNT",
          "GCOUNT",
          "GROUPS",
          "END",
        ),
        fc.string({ maxLength: 30 }),
      )
      .map(([keyword, value]) => `${keyword.padEnd(8)}= ${value}`.padEnd(80).slice(0, 80));
    const header = fc
      .array(card, { maxLength: 40 })
      .map((cards) => new TextEncoder().encode(`${"SIMPLE  =                    T".padEnd(80)}${cards.join("")}`.padEnd(2880 * 2)));
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 9000 }), header), async (bytes) => {
        await readEverything(bytes);
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it("refuses absurd sizes before allocating", async () => {
    const huge = new TextEncoder().encode(
      [
        "SIMPLE  =                    T",
        "BITPIX  =                  -64",
        "NAXIS   =                    2",
        "NAXIS1  =              1000000",
        "NAXIS2  =              1000000",
        "END",
      ]
        .map((line) => line.padEnd(80))
        .join("")
        .padEnd(2880),
    );
    const file = openFitsSource(new BytesSource(huge), LIMITS);
    await expect(file.hdu(0)).rejects.toThrow(/the file is truncated/);
  });
});
