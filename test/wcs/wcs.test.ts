import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CelestialWcs, type Header, type HeaderValue, NoCelestialWcsError, toWcsFrame, WcsError, wcsKeys } from "../../src/fits.js";
import { FormatError } from "../../src/index.js";
import { headerOf } from "./header-of.js";

interface Sample {
  pixel: [number, number];
  world: [number | null, number | null];
  pixelBack?: [number | null, number | null];
}

interface WcsCase {
  name: string;
  key: string;
  cards: Array<[string, HeaderValue]>;
  lngAxis: number;
  latAxis: number;
  radesys: string | null;
  equinox: number | null;
  lonpole: number;
  latpole: number;
  samples: Sample[];
}

const fixture = JSON.parse(readFileSync(new URL("./fixtures/wcs.json", import.meta.url), "utf8")) as { cases: WcsCase[] };

function angleDifference(a: number, b: number): number {
  const d = Math.abs(a - b) % 360;
  return Math.min(d, 360 - d);
}

describe("celestial WCS against astropy.wcs", () => {
  it("covers every projection, with and without distortion", () => {
    const codes = new Set(fixture.cases.map((c) => /-([A-Z]{3})/.exec(c.cards.find(([k]) => k === "CTYPE1")?.[1] as string)?.[1]));
    for (const code of ["TAN", "SIN", "ARC", "STG", "ZEA", "CAR", "AIT", "MOL", "TPV"]) expect(codes).toContain(code);
    expect(fixture.cases.some((c) => c.cards.some(([k]) => k === "AP_ORDER"))).toBe(true);
  });

  for (const testCase of fixture.cases) {
    it(`${testCase.name}: world within 1e-9 deg, pixel -> world -> pixel within 1e-6 px`, () => {
      const wcs = CelestialWcs.fromHeader(headerOf(testCase.cards), { key: testCase.key });
      expect(wcs.lngAxis).toBe(testCase.lngAxis);
      expect(wcs.latAxis).toBe(testCase.latAxis);
      if (testCase.radesys) expect(wcs.frame.system).toBe(testCase.radesys);
      if (testCase.equinox !== null) expect(wcs.frame.equinox).toBe(testCase.equinox);
      let compared = 0;
      let worst = 0;
      let worstBack = 0;
      for (const sample of testCase.samples) {
        const [x, y] = sample.pixel;
        const [lng, lat] = wcs.pixelToWorld(x, y);
        if (sample.world[0] === null || sample.world[1] === null) {
          expect([x, y, lng, lat]).toEqual([x, y, Number.NaN, Number.NaN]);
          continue;
        }
        worst = Math.max(worst, angleDifference(lng, sample.world[0]), Math.abs(lat - sample.world[1]));
        const [bx, by] = wcs.worldToPixel(lng, lat);
        worstBack = Math.max(worstBack, Math.abs(bx - x), Math.abs(by - y));
        compared++;
      }
      expect(compared).toBeGreaterThan(20);
      expect(worst).toBeLessThan(1e-9);
      expect(worstBack).toBeLessThan(1e-6);
    });
  }

  it("world -> pixel agrees with astropy's all_world2pix (iterated to 1e-12) on distorted headers", () => {
    for (const testCase of fixture.cases.filter((c) => c.cards.some(([k]) => k === "A_ORDER"))) {
      const wcs = CelestialWcs.fromHeader(headerOf(testCase.cards));
      expect(wcs.distortion).toBe("SIP");
      for (const sample of testCase.samples) {
        if (!sample.pixelBack || sample.world[0] === null || sample.world[1] === null) continue;
        const [x, y] = wcs.worldToPixel(sample.world[0], sample.world[1]);
        expect(Math.abs(x - (sample.pixelBack[0] as number))).toBeLessThan(1e-6);
        expect(Math.abs(y - (sample.pixelBack[1] as number))).toBeLessThan(1e-6);
      }
    }
  });
});

describe("ICRS and FK5 (J2000)", () => {
  const frames = JSON.parse(readFileSync(new URL("./fixtures/frames.json", import.meta.url), "utf8")) as {
    points: Array<{ radec: [number, number]; icrsToFk5: [number, number]; fk5ToIcrs: [number, number] }>;
  };
  it("converts positions as astropy's SkyCoord.transform_to does, within 1e-9 degrees", () => {
    const fk5 = { system: "FK5", equinox: 2000 };
    const icrs = { system: "ICRS", equinox: undefined };
    for (const point of frames.points) {
      const [ra, dec] = point.radec;
      const toFk5 = toWcsFrame(ra, dec, "icrs", fk5);
      const toIcrs = toWcsFrame(ra, dec, "fk5", icrs);
      expect(angleDifference(toFk5[0], point.icrsToFk5[0]) * Math.cos((dec * Math.PI) / 180)).toBeLessThan(1e-9);
      expect(Math.abs(toFk5[1] - point.icrsToFk5[1])).toBeLessThan(1e-9);
      expect(angleDifference(toIcrs[0], point.fk5ToIcrs[0]) * Math.cos((dec * Math.PI) / 180)).toBeLessThan(1e-9);
      expect(Math.abs(toIcrs[1] - point.fk5ToIcrs[1])).toBeLessThan(1e-9);
      expect(toWcsFrame(ra, dec, "icrs", icrs)).toEqual([ra, dec]);
    }
    expect(() => toWcsFrame(1, 2, "icrs", { system: "FK5", equinox: 1975 })).toThrow(WcsError);
    expect(() => toWcsFrame(1, 2, "icrs", { system: "GALACTIC", equinox: undefined })).toThrow(/give them in its own frame/);
  });
});

describe("malformed and missing WCS", () => {
  const good: Array<[string, HeaderValue]> = [
    ["NAXIS", 2],
    ["NAXIS1", 10],
    ["NAXIS2", 10],
    ["CTYPE1", "RA---TAN"],
    ["CTYPE2", "DEC--TAN"],
    ["CRVAL1", 10],
    ["CRVAL2", 20],
    ["CDELT1", -0.001],
    ["CDELT2", 0.001],
  ];
  const withCards = (changes: Record<string, HeaderValue | undefined>): Header => {
    const cards = good.filter(([keyword]) => !(keyword in changes));
    for (const [keyword, value] of Object.entries(changes)) if (value !== undefined) cards.push([keyword, value]);
    return headerOf(cards);
  };
  const failure = (header: Header, key?: string): Error => {
    try {
      CelestialWcs.fromHeader(header, { key });
    } catch (error) {
      return error as Error;
    }
    throw new Error("no error was raised");
  };

  it("says so when a header has no celestial axes", () => {
    const error = failure(
      headerOf([
        ["NAXIS", 1],
        ["CTYPE1", "FREQ"],
        ["CRVAL1", 1.4e9],
      ]),
    );
    expect(error).toBeInstanceOf(NoCelestialWcsError);
    expect(error).toBeInstanceOf(FormatError);
    expect(error.message).toMatch(/no celestial WCS.*FREQ/);
    expect(failure(headerOf([["NAXIS", 2]]))).toBeInstanceOf(NoCelestialWcsError);
    expect(failure(withCards({}), "B")).toBeInstanceOf(NoCelestialWcsError);
  });

  it("gives a typed error for every malformed description", () => {
    const cases: Array<[Header, RegExp, string?]> = [
      [withCards({ CTYPE2: "FREQ" }), /not paired/],
      [withCards({ CTYPE2: "GLAT-TAN" }), /do not pair/],
      [withCards({ CTYPE2: "DEC--SIN" }), /different projections/],
      [withCards({ CTYPE1: "RA---ZPN", CTYPE2: "DEC--ZPN" }), /ZPN projection is not supported/],
      [withCards({ CTYPE1: "RA---TAN-XYZ", CTYPE2: "DEC--TAN-XYZ" }), /suffix/],
      [withCards({ CRVAL1: "ten" }), /CRVAL1 must be a finite number/],
      [withCards({ CDELT1: 0 }), /singular/],
      [withCards({ CD1_1: 1, CD1_2: 2, CD2_1: 2, CD2_2: 4, CDELT1: undefined }), /singular/],
      [withCards({ CUNIT1: "parsec" }), /CUNIT1 = 'parsec'/],
      [withCards({ A_ORDER: 2, A_2_0: 1e-5 }), /A_ORDER is given without B_ORDER/],
      [withCards({ BP_ORDER: 3 }), /BP_ORDER is given without AP_ORDER/],
      [withCards({ A_ORDER: 2, B_ORDER: "two" }), /B_ORDER must be an integer/],
      [withCards({ PV2_1: 0.5 }), /TAN with parameter PV_1/],
      [withCards({ WCSAXES: 1000 }), /WCSAXES = 1000/],
      [withCards({ CRVAL2: 95 }), /CRVAL2 = 95 is not a latitude/],
      [withCards({ LONPOLE: 90, CTYPE1: "RA---CAR", CTYPE2: "DEC--CAR" }), /lat0 must be 0/],
      [withCards({ PC1_2: 0.5, CTYPE3: "FREQ", NAXIS: 3, PC1_3: 0.1 }), /coupled to axis 3/],
      [withCards({}), /one letter/, "AB"],
    ];
    for (const [header, message, key] of cases) {
      const error = failure(header, key);
      expect(error, String(message)).toBeInstanceOf(WcsError);
      expect(error.message).toMatch(message);
    }
  });

  it("reads RADESYS and EQUINOX with the standard's defaults", () => {
    expect(CelestialWcs.fromHeader(withCards({})).frame).toEqual({ system: "ICRS", equinox: undefined });
    expect(CelestialWcs.fromHeader(withCards({ EQUINOX: 2000 })).frame).toEqual({ system: "FK5", equinox: 2000 });
    expect(CelestialWcs.fromHeader(withCards({ EQUINOX: 1950 })).frame).toEqual({ system: "FK4", equinox: 1950 });
    expect(CelestialWcs.fromHeader(withCards({ RADESYS: "FK5" })).frame).toEqual({ system: "FK5", equinox: 2000 });
    expect(CelestialWcs.fromHeader(withCards({ CTYPE1: "GLON-CAR", CTYPE2: "GLAT-CAR" })).frame.system).toBe("GALACTIC");
    expect(failure(withCards({ RADESYS: "B1950" }))).toBeInstanceOf(WcsError);
  });

  it("lists the descriptions of a header", () => {
    const alternate = fixture.cases.find((c) => c.key === "A") as WcsCase;
    expect(wcsKeys(headerOf(alternate.cards))).toEqual(["", "A"]);
    expect(CelestialWcs.fromHeader(headerOf(alternate.cards), { key: "a" }).projection).toBe("SIN");
  });

  it("names lookup-table distortions it does not apply", () => {
    expect(CelestialWcs.fromHeader(withCards({ CPDIS1: "Lookup", D2IMDIS2: "Lookup" })).ignored).toEqual(["CPDIS1", "D2IMDIS2"]);
  });
});
