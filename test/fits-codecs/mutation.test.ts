import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CompImageHdu, openFitsSource } from "../../src/fits.js";
import { BytesSource, FormatError, SkyfsError } from "../../src/index.js";

const corpus = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "shared", "testdata", "generated", "fits");
const haveCorpus = existsSync(corpus);
const LIMITS = { maxHeaderBytes: 256 * 1024, maxArrayBytes: 8 * 1024 * 1024 };
const FILES = ["rice_int16", "hcompress_int16", "plio_int16", "gzip2_int16", "rice_float_dither2", "nocompress_int16"].map(
  (name) => `compressed_${name}.fits`,
);

/** Opens and decodes every HDU; returns the error class name, or "ok". */
async function outcome(bytes: Uint8Array): Promise<string> {
  try {
    const file = openFitsSource(new BytesSource(bytes, "memory://mutated.fits"), LIMITS);
    for (const hdu of await file.hdus()) {
      if (hdu instanceof CompImageHdu) {
        void hdu.imageHeader;
        await hdu.data();
        await hdu.section([[0, 1]]);
      }
    }
    return "ok";
  } catch (error) {
    if (error instanceof SkyfsError) return error.name;
    return `untyped ${(error as Error).name}: ${(error as Error).message}`;
  }
}

/** Replaces the card `keyword` of the file's second header by `card` (unchanged when there is none). */
function setCard(bytes: Uint8Array, keyword: string, card: string): Uint8Array {
  const text = Buffer.from(bytes).toString("latin1");
  const at = text.indexOf(keyword.padEnd(8), 2880);
  if (at < 0 || at % 80 !== 0) return bytes;
  const copy = bytes.slice();
  copy.set(Buffer.from(card.padEnd(80), "latin1"), at);
  return copy;
}

describe.skipIf(!haveCorpus)("tile-compressed images under mutation", () => {
  it("a missing ZNAXIS1 is a FormatError", async () => {
    const bytes = new Uint8Array(await readFile(join(corpus, "compressed_rice_int16.fits")));
    const mutated = setCard(bytes, "ZNAXIS1", "COMMENT   was ZNAXIS1");
    expect(await outcome(mutated)).toBe("FormatError");
    const file = openFitsSource(new BytesSource(mutated));
    const hdu = (await file.hdu(1)) as CompImageHdu;
    expect(() => hdu.shape).toThrow(FormatError);
  });

  it("an HCOMPRESS table whose rows are narrower than their descriptors is a FormatError", async () => {
    const bytes = new Uint8Array(await readFile(join(corpus, "compressed_hcompress_int16.fits")));
    const hdu = (await openFitsSource(new BytesSource(bytes)).hdu(1)) as CompImageHdu;
    const rowWidth = hdu.header.integer("NAXIS1");
    const narrowed = setCard(bytes, "NAXIS1", `NAXIS1  = ${String(rowWidth - 6).padStart(20)}`);
    expect(await outcome(narrowed)).toBe("FormatError");
  });

  it.each(FILES)(
    "gives only typed errors on seeded mutations of %s",
    async (name) => {
      const seed = new Uint8Array(await readFile(join(corpus, name)));
      const results = new Map<string, number>();
      const mutation = fc.record({
        edits: fc.array(fc.tuple(fc.nat({ max: seed.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        digits: fc.array(fc.tuple(fc.nat({ max: 2 * 2880 - 1 }), fc.constantFrom(..."0123456789 -")), { maxLength: 3 }),
        drop: fc.option(fc.constantFrom("ZNAXIS1", "ZNAXIS2", "ZBITPIX", "ZTILE1", "NAXIS1", "TFORM1", "ZCMPTYPE", "PCOUNT"), {
          nil: undefined,
        }),
        cut: fc.option(fc.nat({ max: seed.length }), { nil: undefined, freq: 5 }),
      });
      await fc.assert(
        fc.asyncProperty(mutation, async ({ edits, digits, drop, cut }) => {
          let bytes: Uint8Array = seed.slice(0, cut ?? seed.length);
          for (const [at, value] of edits) if (at < bytes.length) bytes[at] = value;
          for (const [at, char] of digits)
            if (at >= 2880 && at < bytes.length && /[0-9]/.test(String.fromCharCode(bytes[at] as number))) bytes[at] = char.charCodeAt(0);
          if (drop !== undefined && cut === undefined) bytes = setCard(bytes, drop, `COMMENT   dropped ${drop}`);
          const result = await outcome(bytes);
          results.set(result, (results.get(result) ?? 0) + 1);
          expect(result).not.toMatch(/^untyped/);
        }),
        { numRuns: 150, seed: 16 },
      );
      expect(results.get("FormatError") ?? 0).toBeGreaterThan(0);
    },
    60_000,
  );
});
