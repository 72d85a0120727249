import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ImageHdu, openFits, writeFits } from "../../src/fits.js";
import { skyfs } from "./run-cli.js";

const corpus = join("..", "shared", "testdata", "fits", "astropy");
const NY = 6;
const NX = 8;
const CADENCES = 5;

/** A TESS-like cube, numpy shape (rows, columns, cadences, 2): the value is 100 x cadence + pixel number, the error -1. */
function tessCube(): Float32Array {
  const data = new Float32Array(NY * NX * CADENCES * 2);
  for (let y = 0; y < NY; y++)
    for (let x = 0; x < NX; x++)
      for (let t = 0; t < CADENCES; t++) {
        const at = ((y * NX + x) * CADENCES + t) * 2;
        data[at] = 100 * t + y * NX + x;
        data[at + 1] = -1;
      }
  return data;
}

describe("the format commands as an astronomer uses them", () => {
  let folder: string;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "skyfs-cli-formats-"));
    const primary = [
      { keyword: "TELESCOP", value: "HST", comment: "telescope" },
      { keyword: "INSTRUME", value: "ACS", comment: "" },
      { keyword: "FILTER", value: "F814W", comment: "" },
      { keyword: "DATE-OBS", value: "2004-01-20", comment: "" },
      { keyword: "NEXTEND", value: 2, comment: "" },
    ];
    const science = (version: number, offset: number) => ({
      data: Float32Array.from({ length: 20 * 30 }, (_, i) => offset + i),
      shape: [20, 30],
      name: "SCI",
      cards: [
        { keyword: "EXTVER", value: version, comment: "" },
        { keyword: "CRPIX1", value: 15, comment: "" },
        { keyword: "FILTER", value: "F814W-EXT", comment: "" },
      ],
    });
    await writeFile(join(folder, "flt.fits"), writeFits([{ cards: primary }, science(1, 0), science(2, 10_000)]));
    await writeFile(join(folder, "tess-cube.fits"), writeFits([{}, { data: tessCube(), shape: [NY, NX, CADENCES, 2] }]));
    await writeFile(
      join(folder, "frames.fits"),
      writeFits([
        {
          data: Float32Array.from({ length: 3 * NY * NX }, (_, i) => Math.floor(i / (NY * NX)) * 1000 + (i % (NY * NX)) * 0.1),
          shape: [3, NY, NX],
        },
      ]),
    );
  });

  afterAll(() => rm(folder, { recursive: true, force: true }));

  it("shows the dimensions and format of a tile-compressed image as astropy does", async () => {
    const result = await skyfs(["info", join(corpus, "comp.fits")]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim().split("\n")[3]).toMatch(/^1\s+COMPRESSED_IMAGE\s+1\s+CompImageHDU\s+\d+\s+\(440, 300\)\s+int16$/);
  });

  it("takes --hdu EXTNAME,EXTVER and one keyword per -k", async () => {
    const url = join(folder, "flt.fits");
    const result = await skyfs(["header", "-k", "EXTVER", url, "--hdu", "SCI,2", "-k", "NAXIS1"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim().split("\n")).toEqual([
      `# HDU 2 in ${url}:`,
      expect.stringMatching(/^NAXIS1 {2}=\s+30$/),
      expect.stringMatching(/^EXTVER {2}=\s+2$/),
    ]);
    const missing = await skyfs(["header", url, "--hdu", "SCI,3"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no HDU named SCI version 3/);
  });

  it("carries EXTNAME and the primary header into a cutout, with a HISTORY card, and takes negative bounds", async () => {
    const output = join(folder, "cut.fits");
    const result = await skyfs(["cutout", join(folder, "flt.fits"), "--hdu", "SCI,2", "--section", "-5:,-10:-4", "-o", output]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/HDU 2, section 15:20,20:26, shape \(5, 6\)/);
    const hdu = (await (await openFits(output)).hdu(0)) as ImageHdu;
    expect(hdu.shape).toEqual([5, 6]);
    expect((await hdu.data()).data[0]).toBe(10_000 + 15 * 30 + 20);
    const header = hdu.header;
    expect([header.get("EXTNAME"), header.get("EXTVER"), header.get("TELESCOP"), header.get("INSTRUME"), header.get("DATE-OBS")]).toEqual([
      "SCI",
      2,
      "HST",
      "ACS",
      "2004-01-20",
    ]);
    expect(header.get("FILTER")).toBe("F814W-EXT");
    expect(header.get("NEXTEND")).toBeUndefined();
    expect(header.get("CRPIX1")).toBe(-5);
    const history = header.cards.filter((card) => card.keyword === "HISTORY").map((card) => String(card.value));
    expect(history.join("")).toMatch(/^skyfs cutout \[15:20,20:26\] of HDU 2 of .*flt\.fits$/);
  });

  it("refuses a section with more axes than the image, or an empty one", async () => {
    for (const section of ["0:10,0:10,0:1", "5:5,0:10", "-1:-3,:"]) {
      const result = await skyfs(["cutout", join(folder, "flt.fits"), "--section", section, "-o", join(folder, "bad.fits")]);
      expect(result.code, section).toBe(1);
      expect(result.stderr, section).toMatch(/^skyfs: InvalidArgumentError: the section (has 3 axes, the image 2|.* is empty)/);
    }
  });

  it("previews the image plane of a TESS-like cube, another one with --plane, and rounds the stretch it prints", async () => {
    const output = join(folder, "cube.png");
    const first = JSON.parse((await skyfs(["--json", "preview", join(folder, "tess-cube.fits"), "-o", output])).stdout);
    expect([first.width, first.height]).toEqual([NX, NY]);
    expect(first.low).toBeGreaterThanOrEqual(0);
    expect(first.high).toBeLessThanOrEqual(NY * NX - 1);
    const png = PNG.sync.read(await readFile(output));
    expect([png.width, png.height]).toEqual([NX, NY]);
    const third = JSON.parse((await skyfs(["--json", "preview", join(folder, "tess-cube.fits"), "--plane", "3", "-o", output])).stdout);
    expect(third.low).toBeGreaterThanOrEqual(300);
    expect(third.high).toBeLessThanOrEqual(300 + NY * NX - 1);
    const frames = await skyfs(["preview", join(folder, "frames.fits"), "--plane", "2", "-o", output]);
    expect(frames.code, frames.stderr).toBe(0);
    const [, low, high] = /stretch (\S+) \.\. (\S+)$/.exec(frames.stdout.trim()) ?? [];
    expect(frames.stdout).toMatch(/: 8x6, plane 2 of 3, stretch /);
    for (const value of [low, high]) expect(value?.replace(/[-.]/g, "").length).toBeLessThanOrEqual(6);
    expect(Number(low)).toBeGreaterThanOrEqual(2000);
    const beyond = await skyfs(["preview", join(folder, "frames.fits"), "--plane", "3", "-o", output]);
    expect(beyond.code).toBe(1);
    expect(beyond.stderr).toMatch(/plane 3 does not exist: the image .* has 3 planes \(0 to 2\)/);
  });
});
