import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CelestialWcs, type HeaderValue, type ImageHdu, NoCelestialWcsError, openFitsSource, writeFits } from "../../src/fits.js";
import { BytesSource, InvalidArgumentError } from "../../src/index.js";
import { cutoutAt } from "../../src/workflows/index.js";
import { CountingSource } from "../fits/counting-source.js";

interface Expected {
  error?: "NoOverlap" | "PartialOverlap";
  shape: [number, number];
  origin: [number, number];
  position: [number, number];
  crpix: [number, number];
  sipCrpix: [number, number] | null;
  nan: number;
  sum: number;
  first: number | null;
  last: number | null;
}

interface Request {
  image: string;
  request: string;
  ra: number;
  dec: number;
  frame: "icrs" | "fk5";
  size: { height: number; width: number; unit: string };
  partial: Expected;
  strict: Expected;
  trim: Expected;
}

const fixture = JSON.parse(readFileSync(new URL("./fixtures/cutout2d.json", import.meta.url), "utf8")) as {
  images: Array<{ name: string; cards: Array<[string, HeaderValue]> }>;
  cutouts: Request[];
};

function imageFile(cards: Array<[string, HeaderValue]>, integer = false): Uint8Array {
  const nx = cards.find(([k]) => k === "NAXIS1")?.[1] as number;
  const ny = cards.find(([k]) => k === "NAXIS2")?.[1] as number;
  const data = integer ? new Int32Array(nx * ny) : new Float64Array(nx * ny);
  for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) data[y * nx + x] = y * 1000 + x;
  return writeFits([{ data, shape: [ny, nx], cards: cards.map(([keyword, value]) => ({ keyword, value, comment: "" })) }]);
}

async function imageHdu(bytes: Uint8Array): Promise<ImageHdu> {
  return (await openFitsSource(new BytesSource(bytes)).hdu(0)) as ImageHdu;
}

const unitSuffix: Record<string, string> = { pixel: "", arcsec: "arcsec", arcmin: "arcmin", deg: "deg" };

describe("cutoutAt against astropy's Cutout2D", () => {
  for (const request of fixture.cutouts) {
    it(`${request.image} ${request.request}`, async () => {
      const image = fixture.images.find((candidate) => candidate.name === request.image);
      const hdu = await imageHdu(imageFile(image?.cards ?? []));
      const suffix = unitSuffix[request.size.unit] as string;
      const size = { height: `${request.size.height}${suffix}`, width: `${request.size.width}${suffix}` };
      for (const mode of ["partial", "strict", "trim"] as const) {
        const expected = request[mode];
        const attempt = cutoutAt(hdu, { ra: request.ra, dec: request.dec, frame: request.frame }, size, { mode });
        if (expected.error) {
          await expect(attempt).rejects.toThrow(InvalidArgumentError);
          await expect(attempt).rejects.toThrow(expected.error === "NoOverlap" ? /does not overlap/ : /only partially/);
          continue;
        }
        const cutout = await attempt;
        expect(cutout.shape, mode).toEqual(expected.shape);
        expect(cutout.origin, mode).toEqual(expected.origin);
        expect(Math.abs(cutout.position[0] - expected.position[0])).toBeLessThan(1e-3);
        expect(Math.abs(cutout.position[1] - expected.position[1])).toBeLessThan(1e-3);
        expect(cutout.header.get("CRPIX1")).toBeCloseTo(expected.crpix[0], 10);
        expect(cutout.header.get("CRPIX2")).toBeCloseTo(expected.crpix[1], 10);
        if (expected.sipCrpix) expect(cutout.wcs.sip?.crpix).toEqual(expected.sipCrpix);
        const values = Array.from(cutout.data as Float64Array);
        expect(values.filter(Number.isNaN).length).toBe(expected.nan);
        expect(values.filter((v) => !Number.isNaN(v)).reduce((a, b) => a + b, 0)).toBe(expected.sum);
        expect(values[0] ?? null).toEqual(expected.first ?? Number.NaN);
        expect(values[values.length - 1] ?? null).toEqual(expected.last ?? Number.NaN);
        const [x, y] = cutout.wcs.worldToPixel(...cutout.wcs.pixelToWorld(3.25, 4.5));
        expect(Math.abs(x - 3.25) + Math.abs(y - 4.5)).toBeLessThan(1e-6);
      }
    });
  }

  it("places the same sky point on the same pixel value in the cutout as in the image", async () => {
    const image = fixture.images[0] as { cards: Array<[string, HeaderValue]> };
    const hdu = await imageHdu(imageFile(image.cards));
    const cutout = await cutoutAt(hdu, { ra: 53.1, dec: -27.8 }, 15);
    const [ox, oy] = cutout.origin;
    const original = CelestialWcs.fromHeader(hdu.header).worldToPixel(...cutout.wcs.pixelToWorld(7, 7));
    expect(original[0] - ox).toBeCloseTo(7, 8);
    expect(original[1] - oy).toBeCloseTo(7, 8);
    expect((cutout.data as Float64Array)[7 * 15 + 7]).toBe((oy + 7) * 1000 + ox + 7);
  });

  it("fills integer images with BLANK, reads only the rows it needs, and writes a FITS file that reads back", async () => {
    const image = fixture.images[0] as { cards: Array<[string, HeaderValue]> };
    const source = new CountingSource(new BytesSource(imageFile(image.cards, true)));
    const hdu = (await openFitsSource(source).hdu(0)) as ImageHdu;
    const corner = CelestialWcs.fromHeader(hdu.header).pixelToWorld(-2.3, -3.4);
    const before = source.calls.length;
    const cutout = await cutoutAt(hdu, { ra: corner[0], dec: corner[1], frame: "wcs" }, { width: 10, height: "8px" });
    expect(source.calls.slice(before)).toEqual([{ kind: "readMany", ranges: [{ offset: hdu.layout.dataOffset, length: 12 }] }]);
    expect(cutout.shape).toEqual([8, 10]);
    expect(cutout.origin).toEqual([-7, -7]);
    expect(cutout.data).toBeInstanceOf(Int32Array);
    expect(cutout.blank).toBe(-(2 ** 31));
    expect(cutout.header.get("BLANK")).toBe(-(2 ** 31));
    expect(Array.from(cutout.data as Int32Array).filter((v) => v === -(2 ** 31)).length).toBe(80 - 3);
    expect((cutout.data as Int32Array)[7 * 10 + 7]).toBe(0);
    const back = (await openFitsSource(new BytesSource(cutout.toFits())).hdu(0)) as ImageHdu;
    const read = await back.data();
    expect(read.shape).toEqual([8, 10]);
    expect(Number.isNaN((read.data as Float64Array)[0])).toBe(true);
    expect((read.data as Float64Array)[7 * 10 + 9]).toBe(2);
    expect(back.header.get("CRPIX1")).toBe((image.cards.find(([k]) => k === "CRPIX1")?.[1] as number) + 7);
  });

  it("shifts the reference pixel of every description and IRAF's LTV", async () => {
    const image = fixture.images[2] as { cards: Array<[string, HeaderValue]> };
    const cards: Array<[string, HeaderValue]> = [
      ...image.cards,
      ["CTYPE1A", "RA---TAN"],
      ["CTYPE2A", "DEC--TAN"],
      ["CRPIX1A", 10],
      ["CRPIX2A", 20],
      ["LTV1", -5],
      ["CRPIX3", 7],
    ];
    const hdu = await imageHdu(imageFile(cards));
    const cutout = await cutoutAt(hdu, { ra: 300, dec: -60, frame: "wcs" }, { width: 4, height: 6 }, { mode: "trim" });
    const [ox, oy] = cutout.origin;
    expect(cutout.header.get("CRPIX1A")).toBe(10 - ox);
    expect(cutout.header.get("CRPIX2A")).toBe(20 - oy);
    expect(cutout.header.get("LTV1")).toBe(-5 - ox);
    expect(cutout.header.get("CRPIX3")).toBe(7);
    await expect(cutoutAt(hdu, { ra: 300, dec: -60 }, "1000000")).rejects.toThrow(/more than the/);
  });

  it("refuses headers without a celestial WCS, bad sizes and positions off the projection", async () => {
    const plain = await imageHdu(writeFits([{ data: new Float32Array(100), shape: [10, 10] }]));
    await expect(cutoutAt(plain, { ra: 1, dec: 2 }, 5)).rejects.toThrow(NoCelestialWcsError);
    const image = fixture.images[2] as { cards: Array<[string, HeaderValue]> };
    const hdu = await imageHdu(imageFile(image.cards));
    await expect(cutoutAt(hdu, { ra: 300, dec: -60 }, "ten arcsec")).rejects.toThrow(InvalidArgumentError);
    await expect(cutoutAt(hdu, { ra: 300, dec: -60 }, -4)).rejects.toThrow(InvalidArgumentError);
    await expect(cutoutAt(hdu, { ra: 300, dec: -60 }, "0.1arcsec")).rejects.toThrow(/smaller than one pixel/);
    await expect(cutoutAt(hdu, { ra: 120, dec: 60 }, 5)).rejects.toThrow(/outside this image's projection/);
  });
});
