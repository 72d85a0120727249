import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BinTableHdu, CelestialWcs, type ImageHdu, openFits, writeFits } from "../../src/fits.js";
import { fixtureWcs, writeTessCube } from "../tess/cube-fixture.js";
import { headerOf } from "../wcs/header-of.js";
import { skyfs } from "./run-cli.js";

const imageCards: Array<[string, number | string]> = [
  ["CTYPE1", "RA---TAN"],
  ["CTYPE2", "DEC--TAN"],
  ["CRVAL1", 150.1],
  ["CRVAL2", 2.2],
  ["CRPIX1", 60.5],
  ["CRPIX2", 40.5],
  ["CDELT1", -1 / 3600],
  ["CDELT2", 1 / 3600],
];

describe("skyfs cutout by sky position", () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "skyfs-cli-sky-"));
    const pixels = Float32Array.from({ length: 80 * 120 }, (_, i) => i);
    await writeFile(
      join(folder, "image.fits"),
      writeFits([{ data: pixels, shape: [80, 120], cards: imageCards.map(([keyword, value]) => ({ keyword, value, comment: "" })) }]),
    );
    await writeFile(join(folder, "cube.fits"), writeTessCube({ rows: 20, columns: 20, frames: 8 }));
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it("cuts 30 arcsec around RA/Dec with the reference pixel shifted", async () => {
    const output = join(folder, "sky.fits");
    const result = await skyfs([
      "--json",
      "cutout",
      join(folder, "image.fits"),
      "--ra",
      "150.1",
      "--dec",
      "2.2",
      "--size",
      "30arcsec",
      "-o",
      output,
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ shape: [30, 30], origin: [45, 25] });
    const hdu = (await (await openFits(output)).hdu(0)) as ImageHdu;
    expect(hdu.shape).toEqual([30, 30]);
    expect(hdu.header.get("CRPIX1")).toBe(15.5);
    expect(hdu.header.get("CRPIX2")).toBe(15.5);
    expect((await hdu.data()).data[0]).toBe(25 * 120 + 45);
  });

  it("fills the part off the image, or refuses it with --mode strict", async () => {
    const wcs = CelestialWcs.fromHeader(headerOf(imageCards));
    const [ra, dec] = wcs.pixelToWorld(2.2, 3.3);
    const output = join(folder, "edge.fits");
    const partial = await skyfs([
      "--json",
      "cutout",
      join(folder, "image.fits"),
      "--ra",
      `${ra}`,
      "--dec",
      `${dec}`,
      "--size",
      "10x6",
      "-o",
      output,
    ]);
    expect(partial.code, partial.stderr).toBe(0);
    expect(JSON.parse(partial.stdout)).toMatchObject({ shape: [6, 10], origin: [-2, 1] });
    const strict = await skyfs([
      "cutout",
      join(folder, "image.fits"),
      "--ra",
      `${ra}`,
      "--dec",
      `${dec}`,
      "--size",
      "10x6",
      "--mode",
      "strict",
      "-o",
      output,
    ]);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/only partially/);
  });

  it("writes a target pixel file from a TESS cube with --cube", async () => {
    const wcs = CelestialWcs.fromHeader(headerOf(fixtureWcs({ rows: 20, columns: 20, frames: 8 }, 4)));
    const [ra, dec] = wcs.pixelToWorld(9.6, 10.2);
    const output = join(folder, "tpf.fits");
    const result = await skyfs([
      "cutout",
      join(folder, "cube.fits"),
      "--cube",
      "--ra",
      `${ra}`,
      "--dec",
      `${dec}`,
      "--size",
      "4",
      "-o",
      output,
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/8 frames of 4x4 pixels from column 8, row 8/);
    const table = (await (await openFits(output)).hdu("PIXELS")) as BinTableHdu;
    expect(table.nrows).toBe(8);
  });

  it("explains what is missing or wrong", async () => {
    const image = join(folder, "image.fits");
    const out = join(folder, "x.fits");
    const cases: Array<[string[], RegExp]> = [
      [["cutout", image, "-o", out], /needs --section, or --ra, --dec and --size/],
      [["cutout", image, "--ra", "150.1", "--dec", "2.2", "-o", out], /needs --size/],
      [["cutout", image, "--ra", "east", "--dec", "2.2", "--size", "5", "-o", out], /--ra takes degrees/],
      [["cutout", image, "--ra", "150.1", "--dec", "2.2", "--size", "5", "--frame", "galactic", "-o", out], /--frame is icrs, fk5 or wcs/],
      [["cutout", image, "--ra", "10", "--dec", "-50", "--size", "5", "-o", out], /outside this image's projection|does not overlap/],
    ];
    for (const [args, message] of cases) {
      const result = await skyfs(args);
      expect(result.code, args.join(" ")).toBe(1);
      expect(result.stderr).toMatch(message);
    }
  });
});
