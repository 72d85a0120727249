import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BinTableHdu, openFitsSource } from "../../src/fits.js";
import { BytesSource, SkyfsError } from "../../src/index.js";
import { card, EMPTY_PRIMARY, fitsBytes, headerBlock } from "../fits/hostile-files.js";

/** Small limits, so that any success is cheap and any overrun is refused. */
const LIMITS = { maxHeaderBytes: 64 * 1024, maxArrayBytes: 4 * 1024 * 1024, maxColumnBytes: 4 * 1024 * 1024 };
const ELEMENTS = ["B", "I", "J", "K", "E", "D", "L", "X", "A", "C", "M"] as const;

/** A binary table with a fixed column, a P column and a Q column over a shared heap, all fields chosen by the fuzzer. */
const table = fc.record({
  rows: fc.integer({ min: 0, max: 40 }),
  heap: fc.oneof({ weight: 3, arbitrary: fc.constant(1024) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 4096 }) }),
  pElement: fc.constantFrom(...ELEMENTS),
  qElement: fc.constantFrom(...ELEMENTS),
  fixedRepeat: fc.integer({ min: 0, max: 4 }),
  descriptors: fc.oneof(
    {
      weight: 3,
      arbitrary: fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 200 })), { minLength: 40, maxLength: 40 }),
    },
    {
      weight: 1,
      arbitrary: fc.array(fc.tuple(fc.integer({ min: -5, max: 5000 }), fc.integer({ min: -5, max: 5000 })), {
        minLength: 40,
        maxLength: 40,
      }),
    },
  ),
  wide: fc.oneof(
    {
      weight: 3,
      arbitrary: fc.array(fc.tuple(fc.bigInt({ min: 0n, max: 40n }), fc.bigInt({ min: 0n, max: 200n })), { minLength: 40, maxLength: 40 }),
    },
    {
      weight: 1,
      arbitrary: fc.array(fc.tuple(fc.bigInt({ min: -5n, max: 2n ** 62n }), fc.bigInt({ min: -5n, max: 2n ** 62n })), {
        minLength: 40,
        maxLength: 40,
      }),
    },
  ),
  naxis1Delta: fc.constantFrom(0, 0, 0, 0, -8, -1, 1, 8),
  naxis2Delta: fc.constantFrom(0, 0, 0, 0, -2, -1, 1, 2),
  pcountDelta: fc.constantFrom(0, 0, 0, 0, -5000, -1, 1, 5000),
  theap: fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.integer({ min: -100, max: 10_000 }) }),
  gcount: fc.constantFrom(1, 1, 1, 1, 1, 0, -1, 2),
  cut: fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.nat({ max: 20_000 }) }),
});

function build(spec: TableSpec): Uint8Array {
  const width = 4 * spec.fixedRepeat + 8 + 16;
  const data = new Uint8Array(spec.rows * width + spec.heap);
  const view = new DataView(data.buffer);
  for (let row = 0; row < spec.rows; row++) {
    const at = row * width + 4 * spec.fixedRepeat;
    const [count, offset] = spec.descriptors[row] as [number, number];
    view.setInt32(at, count);
    view.setInt32(at + 4, offset);
    const [wideCount, wideOffset] = spec.wide[row] as [bigint, bigint];
    view.setBigInt64(at + 8, wideCount);
    view.setBigInt64(at + 16, wideOffset);
  }
  for (let i = 0; i < spec.heap; i++) data[spec.rows * width + i] = (i * 37) & 255;
  const header = headerBlock([
    "XTENSION= 'BINTABLE'",
    card("BITPIX", 8),
    card("NAXIS", 2),
    card("NAXIS1", width + spec.naxis1Delta),
    card("NAXIS2", spec.rows + spec.naxis2Delta),
    card("PCOUNT", spec.heap + spec.pcountDelta),
    card("GCOUNT", spec.gcount),
    card("TFIELDS", 3),
    "TTYPE1  = 'FIXED'",
    `TFORM1  = '${spec.fixedRepeat}J'`,
    "TTYPE2  = 'PCOL'",
    `TFORM2  = '1P${spec.pElement}(100)'`,
    "TTYPE3  = 'QCOL'",
    `TFORM3  = '1Q${spec.qElement}(100)'`,
    ...(spec.theap === undefined ? [] : [card("THEAP", spec.theap)]),
  ]);
  const bytes = fitsBytes([{ header: EMPTY_PRIMARY }, { header, data }]);
  return spec.cut === undefined ? bytes : bytes.subarray(0, spec.cut);
}

type TableSpec = typeof table extends fc.Arbitrary<infer T> ? T : never;

describe("FITS tables and heaps against fuzzed descriptors and sizes", () => {
  it("gives only typed errors, and never more bytes than the limits allow", async () => {
    let read = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(table, async (spec) => {
        const file = openFitsSource(new BytesSource(build(spec), "memory://fuzz/table.fits"), LIMITS);
        try {
          const hdu = await file.hdu(1);
          if (!(hdu instanceof BinTableHdu)) return;
          for (const name of ["FIXED", "PCOL", "QCOL"]) {
            const values = await hdu.column(name);
            const arrays =
              values.kind === "vla" ? new Set(values.rows.map((row) => row.data)) : new Set(values.kind === "numeric" ? [values.data] : []);
            const produced = [...arrays].reduce((sum, data) => sum + data.byteLength, 0);
            expect(produced).toBeLessThanOrEqual(LIMITS.maxColumnBytes * 8);
          }
          await hdu.row(0).catch((error: unknown) => {
            if (!(error instanceof SkyfsError)) throw error;
          });
          read++;
        } catch (error) {
          if (!(error instanceof SkyfsError)) throw error;
          refused++;
        }
      }),
      { numRuns: 500, seed: 2026 },
    );
    expect(read).toBeGreaterThan(10);
    expect(refused).toBeGreaterThan(10);
  }, 120_000);
});
