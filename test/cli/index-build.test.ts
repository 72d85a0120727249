import { access, copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FitsIndex, writeFits } from "../../src/fits.js";
import { skyfs } from "./run-cli.js";

const corpus = join("..", "shared", "testdata", "generated", "fits", "invalid");

describe("skyfs index build", () => {
  let folder: string;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "skyfs-index-build-"));
    const good = writeFits([{ data: new Float32Array(6), shape: [2, 3] }]);
    await writeFile(join(folder, "a.fits"), good);
    await writeFile(join(folder, "c.fits"), good);
    await writeFile(join(folder, "b.fits"), good.subarray(0, 1000));
    await copyFile(join(corpus, "not_fits.fits"), join(folder, "d.fits"));
  });

  afterAll(() => rm(folder, { recursive: true, force: true }));

  it("skips the files it cannot index, says which at the end, and stops at them with --strict", async () => {
    const output = join(folder, "index.json");
    const result = await skyfs(["index", "build", folder, "-o", output]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe(`${output}: 2 files, 2 HDUs; skipped 2 files that could not be indexed (listed above)`);
    const skippedLines = result.stderr.trim().split("\n");
    expect(skippedLines).toHaveLength(2);
    expect(skippedLines.join("\n")).toMatch(/^skipped file:\/\/.*\/b\.fits: FormatError: /m);
    expect(skippedLines.join("\n")).toMatch(/^skipped file:\/\/.*\/d\.fits: FormatError: /m);
    const index = JSON.parse(await readFile(output, "utf8")) as FitsIndex;
    expect(index.files.map((file) => file.url.split("/").pop())).toEqual(["a.fits", "c.fits"]);

    const json = JSON.parse((await skyfs(["--json", "index", "build", folder, "-o", output])).stdout);
    expect(json.skipped.map((skip: { url: string }) => skip.url.split("/").pop())).toEqual(["b.fits", "d.fits"]);

    const strictOutput = join(folder, "strict.json");
    const strict = await skyfs(["index", "build", folder, "--strict", "-o", strictOutput]);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/^skyfs: FormatError: .*[bd]\.fits/);
    await expect(access(strictOutput)).rejects.toThrow();
  });

  it("records a single file under --data-url itself, or below it when it ends with /", async () => {
    const output = join(folder, "one.json");
    for (const [dataUrl, expected] of [
      ["https://archive.example/data/a.fits", "https://archive.example/data/a.fits"],
      ["https://archive.example/data/", "https://archive.example/data/a.fits"],
    ]) {
      const result = await skyfs(["index", "build", join(folder, "a.fits"), "--data-url", dataUrl as string, "-o", output]);
      expect(result.code, result.stderr).toBe(0);
      expect(((JSON.parse(await readFile(output, "utf8")) as FitsIndex).files[0] as { url: string }).url).toBe(expected);
    }
  });

  it("fails when a pattern or folder holds no FITS file, writing nothing", async () => {
    const output = join(folder, "none.json");
    const pattern = await skyfs(["index", "build", join(folder, "*.fts"), "-o", output]);
    expect(pattern.code).toBe(1);
    expect(pattern.stderr).toMatch(/^skyfs: NotFoundError: no file matches the pattern/);
    const empty = await mkdtemp(join(tmpdir(), "skyfs-index-empty-"));
    try {
      const none = await skyfs(["index", "build", empty, "-o", output]);
      expect(none.code).toBe(1);
      expect(none.stderr).toMatch(/^skyfs: NotFoundError: no FITS file here: nothing at this URL, or a folder without FITS files/);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
    await expect(access(output)).rejects.toThrow();
  });
});
