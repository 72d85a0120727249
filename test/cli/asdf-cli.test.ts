import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AsdfFile, AsdfTime, type Quantity, type TaggedValue } from "../../src/asdf.js";
import { BytesSource } from "../../src/index.js";
import { expectedSection, romanFixture } from "../asdf/roman-fixture.js";
import { startHttpServer, type TestHttpServer } from "../servers/http-server.js";
import { skyfs } from "./run-cli.js";

const size = 128;
const fixture = romanFixture({ size, compression: "lz4" });

describe("skyfs on Roman-like ASDF files", () => {
  let folder: string;
  let server: TestHttpServer;
  let url: string;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "skyfs-asdf-cli-"));
    await writeFile(join(folder, "wfi01_cal.asdf"), fixture.bytes);
    server = await startHttpServer(folder);
    url = `${server.baseUrl}/wfi01_cal.asdf`;
  });

  afterAll(async () => {
    await server.close();
    await rm(folder, { recursive: true, force: true });
  });

  it("prints the tree like asdf info: tagged nodes by class, quantities, times and arrays", async () => {
    const info = await skyfs(["info", url, "--max-rows", "400"]);
    expect(info.code, info.stderr).toBe(0);
    const lines = info.stdout.split("\n");
    expect(lines[0]).toBe("root (AsdfObject)");
    expect(lines).toContainEqual(expect.stringMatching(/^└─roman \(WfiImage\)$/));
    expect(lines).toContainEqual(expect.stringMatching(/─exposure_time \(Quantity\): 139\.8 s$/));
    expect(lines).toContainEqual(expect.stringMatching(/─start_time \(Time\): 2027-06-01T04:12:56\.123$/));
    expect(lines).toContainEqual(expect.stringMatching(/─wcs \(Wcs\)$/));
    expect(lines).toContainEqual(expect.stringMatching(/─data \(Quantity\): shape=\(128, 128\), dtype=float32, unit=DN \/ s$/));
    expect(lines).toContainEqual(expect.stringMatching(/─dq \(NDArrayType\): shape=\(128, 128\), dtype=uint32$/));
    const json = JSON.parse((await skyfs(["--json", "info", url])).stdout);
    expect(json.roman.value.meta.exposure.value.exposure_time).toEqual({
      tag: "tag:stsci.edu:asdf/unit/quantity-1.1.0",
      value: 139.8,
      unit: "s",
    });
  });

  it("writes an ASDF cutout of --array roman/data that keeps meta and records its origin", async () => {
    const output = join(folder, "cut.asdf");
    const result = await skyfs(["cutout", url, "--array", "roman/data", "--section", "10:30,50:", "-o", output]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("roman/data, section 10:30,50:128, shape (20, 78)");
    const cut = await AsdfFile.open(new BytesSource(new Uint8Array(await readFile(output)), "memory://cut.asdf"));
    const data = cut.get("roman/data") as Quantity;
    expect(data.unit).toBe("DN / s");
    const values = await cut.array("roman/data").read();
    expect(values.shape).toEqual([20, 78]);
    expect(Array.from(values.data as Float32Array)).toEqual(expectedSection(fixture.arrays.data, size, [10, 30], [50, size]));
    expect(cut.get("roman/cutout")).toEqual({
      source: url,
      array: "roman/data",
      start: [10, 50],
      stop: [30, 128],
      source_shape: [128, 128],
    });
    expect(cut.get("roman/meta/instrument/detector")).toBe("WFI01");
    expect(cut.get("roman/meta/exposure/start_time")).toBeInstanceOf(AsdfTime);
    expect((cut.get("roman/meta/wcs") as TaggedValue).tag).toBe("tag:stsci.edu:gwcs/wcs-1.1.0");
  });

  it("cuts a plain array and previews --array roman/dq by sections", async () => {
    const output = join(folder, "dq.asdf");
    const result = await skyfs(["--json", "cutout", url, "--array", "roman/dq", "--section", ":5,:4", "-o", output]);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      array: "roman/dq",
      shape: [5, 4],
      bounds: [
        [0, 5],
        [0, 4],
      ],
    });
    const cut = await AsdfFile.open(new BytesSource(new Uint8Array(await readFile(output)), "memory://dq.asdf"));
    expect(Array.from((await cut.array("roman/dq").read()).data as Uint32Array)).toEqual(
      expectedSection(fixture.arrays.dq, size, [0, 5], [0, 4]),
    );

    const png = join(folder, "dq.png");
    const preview = await skyfs(["preview", url, "--array", "roman/err", "--section", "0:64,0:32", "-o", png]);
    expect(preview.code, preview.stderr).toBe(0);
    const image = PNG.sync.read(await readFile(png));
    expect([image.width, image.height]).toEqual([32, 64]);
  });

  it("names a missing array in a clear error", async () => {
    const result = await skyfs(["cutout", url, "--array", "roman/nothing", "--section", "0:2,0:2", "-o", join(folder, "x.asdf")]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("no array at roman/nothing");
  });
});
