import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeFits } from "../../src/fits.js";
import { startHttpServer, type TestHttpServer } from "../servers/http-server.js";
import { skyfs } from "./run-cli.js";

describe("every command given bad input", () => {
  let folder: string;
  let server: TestHttpServer;
  let base: string;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "skyfs-cli-bad-"));
    await writeFile(join(folder, "img.fits"), writeFits([{ data: Float32Array.from({ length: 12 }, (_, i) => i), shape: [3, 4] }]));
    await writeFile(join(folder, "plain"), "a file, not a folder");
    server = await startHttpServer(folder);
    base = server.baseUrl;
  });

  afterAll(async () => {
    await server.close();
    await rm(folder, { recursive: true, force: true });
  });

  it("refuses numeric options that are not numbers in range, as usage errors, before doing anything", async () => {
    const target = join(folder, "out");
    const cases: Array<[string[], RegExp]> = [
      [["get", `${base}/img.fits`, target, "--concurrency", "abc"], /--concurrency takes a positive whole number/],
      [["get", `${base}/img.fits`, target, "--concurrency", "0"], /--concurrency takes a positive whole number/],
      [["find", `${base}/`, "--max-depth", "x"], /--max-depth takes a positive whole number/],
      [["preview", `${base}/img.fits`, "-o", target, "--max-size", "-3"], /--max-size takes a positive whole number/],
      [["preview", `${base}/img.fits`, "-o", target, "--low", "150"], /--low takes a percentile from 0 to 100/],
      [["preview", `${base}/img.fits`, "-o", target, "--plane", "-1"], /--plane takes a whole number \(0 or more\)/],
      [["info", `${base}/img.fits`, "--max-rows", "many"], /--max-rows takes a positive whole number/],
    ];
    for (const [args, message] of cases) {
      const result = await skyfs(args);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr, args.join(" ")).toMatch(message);
    }
    expect((await readdir(folder)).sort()).toEqual(["img.fits", "plain"]);
  });

  it("says when find, du or glob find nothing at all", async () => {
    for (const args of [
      ["find", `${base}/nosuch/`],
      ["du", `${base}/nosuch/`],
      ["du", join(folder, "nosuch")],
    ]) {
      const result = await skyfs(args);
      expect(result.code, args.join(" ")).toBe(1);
      expect(result.stderr, args.join(" ")).toMatch(/^skyfs: NotFoundError: /);
    }
    const glob = await skyfs(["glob", `${base}/*.nothing`]);
    expect(glob.code).toBe(1);
    expect(glob.stderr).toMatch(/^skyfs: NotFoundError: nothing matches the pattern/);
  });

  it("reports local write errors of every command as skyfs errors with the path", async () => {
    const missing = join(folder, "no", "such", "folder");
    for (const args of [
      ["cutout", `${base}/img.fits`, "--section", "0:2,0:2", "-o", join(missing, "cut.fits")],
      ["preview", `${base}/img.fits`, "-o", join(missing, "p.png")],
      ["mast", "resolve", "-f", join(missing, "uris.txt")],
    ]) {
      const result = await skyfs(args);
      expect(result.code, args.join(" ")).toBe(1);
      expect(result.stderr, args.join(" ")).toMatch(/^skyfs: NotFoundError: no such file or directory \(.*no\/such\/folder/);
    }
    const underFile = await skyfs(["get", `${base}/img.fits`, join(folder, "plain", "img.fits")]);
    expect(underFile.stderr).toMatch(/^skyfs: NotADirectoryError: cannot create this folder: a file is in the way \(.*plain\)/);
  });

  it("refuses a bad endpoint, an empty URI list, and a missing HDU, in plain words", async () => {
    const endpoint = await skyfs(["--endpoint", "notaurl", "ls", "s3://bucket/"]);
    expect(endpoint.stderr).toMatch(/^skyfs: InvalidUrlError: --endpoint takes an http:\/\/ or https:\/\/ URL \(notaurl\)/);
    const none = await skyfs(["mast", "resolve"]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/^skyfs: InvalidArgumentError: no MAST data URIs/);
    const hdu = await skyfs(["header", `${base}/img.fits`, "--hdu", "9"]);
    expect(hdu.stderr).toMatch(/the file has 1 HDU, no HDU 9/);
    const asdf = await skyfs(["header", "../shared/testdata/generated/asdf/inline.asdf"]);
    expect(asdf.stderr).toMatch(/^skyfs: InvalidArgumentError: this is an ASDF file: this command reads FITS files/);
  });
});
