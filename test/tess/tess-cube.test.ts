import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BinTableHdu, CelestialWcs, type ImageHdu, openFitsSource, writeFits } from "../../src/fits.js";
import { BytesSource, FormatError, filesystem, InvalidArgumentError } from "../../src/index.js";
import { tessCutout } from "../../src/workflows/index.js";
import { CountingSource } from "../fits/counting-source.js";
import { startHttpServer, type TestHttpServer } from "../servers/http-server.js";
import { headerOf } from "../wcs/header-of.js";
import { fixtureCrval1, fixtureError, fixtureFlux, fixtureStart, fixtureWcs, writeTessCube } from "./cube-fixture.js";

const options = { rows: 30, columns: 40, frames: 24 };
const cube = writeTessCube(options);
const middleWcs = CelestialWcs.fromHeader(headerOf(fixtureWcs(options, 12)));

describe("TESS cube cutouts", () => {
  it("reads only the wanted pixels' time series, as one readMany, and returns them frame by frame", async () => {
    const source = new CountingSource(new BytesSource(cube));
    const [ra, dec] = middleWcs.pixelToWorld(17.3, 11.6);
    const cutout = await tessCutout(source, { ra, dec }, 5);
    expect(cutout.shape).toEqual([24, 5, 5]);
    expect(cutout.origin).toEqual([15, 9]);
    expect(cutout.position[0]).toBeCloseTo(17.3, 9);
    expect(cutout.position[1]).toBeCloseTo(11.6, 9);
    const pixelReads = source.calls.filter((call) => call.ranges.some((range) => range.length === 5 * 24 * 2 * 4));
    expect(pixelReads).toHaveLength(1);
    expect(pixelReads[0]?.kind).toBe("readMany");
    expect(pixelReads[0]?.ranges).toHaveLength(5);
    const file = openFitsSource(new BytesSource(cube));
    const image = (await file.hdu(1)) as ImageHdu;
    const rowBytes = 40 * 24 * 2 * 4;
    expect(pixelReads[0]?.ranges.map((range) => range.offset - image.layout.dataOffset)).toEqual(
      [9, 10, 11, 12, 13].map((row) => row * rowBytes + 15 * 24 * 8),
    );
    for (const [t, y, x] of [
      [0, 0, 0],
      [23, 4, 4],
      [7, 2, 3],
    ] as const) {
      expect(cutout.flux[t * 25 + y * 5 + x]).toBe(fixtureFlux(9 + y, 15 + x, t));
      expect(cutout.fluxErr[t * 25 + y * 5 + x]).toBe(fixtureError(9 + y, 15 + x, t));
    }
    expect(Array.from(cutout.aperture).every((value) => value === 1)).toBe(true);
    expect(cutout.wcsHeader.get("CRVAL1")).toBe(fixtureCrval1(84.2, 12));
    expect(cutout.wcsHeader.get("CRPIX1")).toBe(40 / 2 + 0.5 - 15);
    const [cx, cy] = cutout.wcs.worldToPixel(ra, dec);
    expect(cx).toBeCloseTo(17.3 - 15, 9);
    expect(cy).toBeCloseTo(11.6 - 9, 9);
  });

  it("pads with NaN and aperture 0 off the detector, with sizes in arcsec", async () => {
    const [ra, dec] = middleWcs.pixelToWorld(1.2, 28.7);
    const cutout = await tessCutout(new BytesSource(cube), { ra, dec }, { width: "84arcsec", height: 6 });
    expect(cutout.shape).toEqual([24, 6, 4]);
    expect(cutout.origin).toEqual([-1, 26]);
    const aperture = Array.from(cutout.aperture);
    expect(aperture).toEqual([0, 1, 1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(Number.isNaN(cutout.flux[0])).toBe(true);
    expect(cutout.flux[1]).toBe(fixtureFlux(26, 0, 0));
    expect(Number.isNaN(cutout.fluxErr[23 * 24 + 5 * 4 + 3])).toBe(true);
  });

  it("writes a target pixel file laid out as astrocut's", async () => {
    const [ra, dec] = middleWcs.pixelToWorld(20.2, 14.3);
    const cutout = await tessCutout(new BytesSource(cube), { ra, dec }, { width: 3, height: 4 });
    const tpf = openFitsSource(new BytesSource(cutout.toFits()));
    const hdus = await tpf.hdus();
    expect(hdus.map((hdu) => [hdu.type, hdu.name])).toEqual([
      ["PrimaryHDU", "PRIMARY"],
      ["BinTableHDU", "PIXELS"],
      ["ImageHDU", "APERTURE"],
    ]);
    expect(hdus[0]?.header.get("RA_OBJ")).toBe(ra);
    expect(hdus[0]?.header.get("SECTOR")).toBe(12);
    expect(hdus[0]?.header.has("CRVAL1")).toBe(false);
    const table = hdus[1] as BinTableHdu;
    expect(table.columnNames).toEqual([
      "TIME",
      "TIMECORR",
      "CADENCENO",
      "RAW_CNTS",
      "FLUX",
      "FLUX_ERR",
      "FLUX_BKG",
      "FLUX_BKG_ERR",
      "QUALITY",
      "POS_CORR1",
      "POS_CORR2",
      "FFI_FILE",
    ]);
    expect(table.nrows).toBe(24);
    const time = await table.column("TIME");
    expect((time as { data: Float64Array }).data[5]).toBeCloseTo(fixtureStart(5) + 1 / 300, 12);
    const flux = await table.column("FLUX");
    expect(flux.kind === "numeric" && flux.shape).toEqual([24, 4, 3]);
    expect((flux as { data: Float32Array }).data[6 * 12 + 2 * 3 + 1]).toBe(fixtureFlux(12 + 2, 19 + 1, 6));
    const quality = await table.column("QUALITY");
    expect(Array.from((quality as { data: Int32Array }).data.slice(0, 2))).toEqual([128, 0]);
    expect(table.header.get("TDIM5")).toBe("(3,4)");
    expect(table.header.get("1CRV5P")).toBe(20);
    const aperture = hdus[2] as ImageHdu;
    expect(aperture.shape).toEqual([4, 3]);
    expect(aperture.header.get("CRPIX1")).toBe(20.5 - 19);
    expect(aperture.header.get("CRVAL2P")).toBe(13);
    const apertureWcs = CelestialWcs.fromHeader(aperture.header);
    expect(apertureWcs.distortion).toBe("SIP");
    const [x, y] = apertureWcs.worldToPixel(ra, dec);
    expect(x).toBeCloseTo(1.2, 9);
    expect(y).toBeCloseTo(2.3, 9);
  });

  it("refuses positions off the cube, files that are not cubes, and truncated cubes", async () => {
    const [ra, dec] = middleWcs.pixelToWorld(-40, 10);
    await expect(tessCutout(new BytesSource(cube), { ra, dec }, 5)).rejects.toThrow(InvalidArgumentError);
    await expect(tessCutout(new BytesSource(cube), { ra, dec }, "big")).rejects.toThrow(InvalidArgumentError);
    const notCube = writeFits([
      { cards: [] },
      { data: new Float32Array(12), shape: [3, 4] },
      { kind: "table", rows: 1, columns: [{ name: "A", data: new Int32Array(1) }] },
    ]);
    await expect(tessCutout(new BytesSource(notCube), { ra, dec }, 5)).rejects.toThrow(FormatError);
    const [inside, insideDec] = middleWcs.pixelToWorld(10, 10);
    await expect(tessCutout(new BytesSource(cube.subarray(0, cube.length - 2880 * 3)), { ra: inside, dec: insideDec }, 5)).rejects.toThrow(
      FormatError,
    );
  });

  describe("over HTTP", () => {
    let root: string;
    let server: TestHttpServer;
    beforeAll(async () => {
      root = await mkdtemp(join(tmpdir(), "skyfs-tess-"));
      await writeFile(join(root, "cube.fits"), cube);
      server = await startHttpServer(root);
    });
    afterAll(async () => {
      await server.close();
      await rm(root, { recursive: true, force: true });
    });

    it("moves the pixels' bytes, the frame table and the headers, not the cube", async () => {
      const fs = filesystem("http");
      const source = await fs.open(`${server.baseUrl}/cube.fits`, { cache: "none" });
      fs.resetStats();
      const [ra, dec] = middleWcs.pixelToWorld(20, 15);
      const cutout = await tessCutout(source, { ra, dec }, 10);
      expect(cutout.shape).toEqual([24, 10, 10]);
      const stats = fs.stats();
      const pixelBytes = 10 * 10 * 24 * 2 * 4;
      const file = openFitsSource(new BytesSource(cube));
      const table = (await file.hdu(2)) as BinTableHdu;
      const tableBytes = table.nrows * table.rowWidth;
      expect(stats.bytesReceived).toBeGreaterThanOrEqual(pixelBytes + tableBytes);
      expect(stats.bytesReceived).toBeLessThan(pixelBytes + tableBytes + 4 * 4 * 2880);
      const ranges = server.requests.map((request) => request.headers.range).filter((range): range is string => range !== undefined);
      const pixelRanges = ranges.filter((range) => {
        const [start, end] = range.replace("bytes=", "").split("-").map(Number) as [number, number];
        return end - start + 1 === 10 * 24 * 2 * 4;
      });
      expect(pixelRanges).toHaveLength(10);
      expect(ranges.length).toBeLessThanOrEqual(10 + 4);
      expect(stats.bytesReceived).toBeLessThan(cube.length / 4);
    });
  });
});
