import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ImageHdu, openFits, writeFits } from "../../src/fits.js";
import { skyfs } from "../cli/run-cli.js";

describe("the command line on compressed FITS files", () => {
  let folder: string;
  const fits = writeFits([{}, { data: Float32Array.from({ length: 64 * 48 }, (_, i) => (i * 37) % 1000), shape: [48, 64], name: "SCI" }]);

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "skyfs-cli-compressed-"));
    await writeFile(join(folder, "x.fits"), fits);
    await writeFile(join(folder, "x.fits.gz"), gzipSync(fits));
  });

  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  const withoutFilename = (text: string) => text.split("\n").slice(1).join("\n");

  it("info, header, cutout and preview answer for x.fits.gz as for x.fits", async () => {
    const plain = join(folder, "x.fits");
    const gz = join(folder, "x.fits.gz");
    const [infoPlain, infoGz] = await Promise.all([skyfs(["info", plain]), skyfs(["info", gz])]);
    expect(infoGz.code).toBe(0);
    expect(withoutFilename(infoGz.stdout)).toBe(withoutFilename(infoPlain.stdout));
    const headerGz = await skyfs(["header", gz, "--hdu", "SCI"]);
    expect(withoutFilename(headerGz.stdout)).toBe(withoutFilename((await skyfs(["header", plain, "--hdu", "SCI"])).stdout));
    for (const [source, name] of [
      [plain, "a"],
      [gz, "b"],
    ] as const) {
      expect((await skyfs(["cutout", source, "--hdu", "SCI", "--section", "10:20,5:25", "-o", join(folder, `${name}.fits`)])).code).toBe(0);
      expect((await skyfs(["preview", source, "--hdu", "SCI", "-o", join(folder, `${name}.png`)])).code).toBe(0);
    }
    const [cutA, cutB] = await Promise.all(
      ["a", "b"].map(async (name) => (await openFits(join(folder, `${name}.fits`))).hdu(0) as Promise<ImageHdu>),
    );
    const withoutHistory = (hdu: ImageHdu) => hdu.header.cards.filter((card) => card.keyword !== "HISTORY");
    expect(withoutHistory(cutB as ImageHdu)).toEqual(withoutHistory(cutA as ImageHdu));
    expect((await (cutB as ImageHdu).data()).data).toEqual((await (cutA as ImageHdu).data()).data);
    expect(await readFile(join(folder, "b.png"))).toEqual(await readFile(join(folder, "a.png")));
  });

  it("--compression none reads the stored bytes, and cat decompresses only when asked", async () => {
    const gz = join(folder, "x.fits.gz");
    const refused = await skyfs(["--compression", "none", "info", gz]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/FormatError/);
    expect((await skyfs(["cat", gz])).stdoutBytes.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect((await skyfs(["--compression", "infer", "cat", gz])).stdoutBytes).toEqual(Buffer.from(fits));
  });
});
