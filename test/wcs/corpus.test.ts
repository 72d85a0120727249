import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CelestialWcs, type Header, type ImageHdu, openFits } from "../../src/fits.js";
import { cutoutAt } from "../../src/workflows/index.js";
import { available, CORPUS, CORPUS_FOLDER } from "../requirements.js";

const corpus = CORPUS_FOLDER;
const haveCorpus = available(import.meta.url, CORPUS);

interface CorpusCase {
  file: string;
  hdu: number;
  samples: Array<{ pixel: [number, number]; world: [number | null, number | null] }>;
  cutout: { ra: number; dec: number; shape: number[]; origin: [number, number]; crpix: [number, number]; sum: number; nan: number };
}

const fixture = JSON.parse(readFileSync(new URL("./fixtures/corpus.json", import.meta.url), "utf8")) as { files: CorpusCase[] };

describe.skipIf(!haveCorpus)("real headers of the corpus against astropy", () => {
  it("has the corpus files the fixture was made from", () => {
    expect(fixture.files.length).toBeGreaterThanOrEqual(6);
  });

  for (const testCase of fixture.files) {
    it(`${testCase.file} HDU ${testCase.hdu}: world within 1e-9 deg, Cutout2D's cutout`, async () => {
      const hdu = (await (await openFits(join(corpus, testCase.file))).hdu(testCase.hdu)) as ImageHdu & { imageHeader?: Header };
      const wcs = CelestialWcs.fromHeader(hdu.imageHeader ?? hdu.header);
      for (const sample of testCase.samples) {
        const [lng, lat] = wcs.pixelToWorld(...sample.pixel);
        const [ra, dec] = sample.world as [number, number];
        const d = Math.abs(lng - ra) % 360;
        expect(Math.min(d, 360 - d)).toBeLessThan(1e-9);
        expect(Math.abs(lat - dec)).toBeLessThan(1e-9);
        const [x, y] = wcs.worldToPixel(lng, lat);
        expect(Math.abs(x - sample.pixel[0]) + Math.abs(y - sample.pixel[1])).toBeLessThan(1e-6);
      }
      const expected = testCase.cutout;
      const cutout = await cutoutAt(hdu, { ra: expected.ra, dec: expected.dec, frame: "wcs" }, { width: 9, height: 7 });
      expect(cutout.shape).toEqual(expected.shape);
      expect(cutout.origin).toEqual(expected.origin);
      expect(cutout.header.get("CRPIX1")).toBeCloseTo(expected.crpix[0], 10);
      expect(cutout.header.get("CRPIX2")).toBeCloseTo(expected.crpix[1], 10);
      const values = Array.from(cutout.data as ArrayLike<number>, Number);
      expect(values.filter(Number.isNaN).length).toBe(expected.nan);
      expect(values.reduce((sum, value) => sum + value, 0)).toBeCloseTo(expected.sum, 6);
    });
  }
});
