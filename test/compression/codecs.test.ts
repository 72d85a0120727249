import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { openAsdf } from "../../src/asdf.js";
import { type Compression, compressionOfName, DecompressionError, decompressStream, stripCompressionSuffix } from "../../src/index.js";

const corpus = join("..", "shared", "testdata-compressed");
const originals = join("..", "shared", "testdata", "generated", "fits");
const present = existsSync(corpus) && existsSync(originals);

async function* chunked(data: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < data.length; at += size) yield data.slice(at, at + size);
}

async function decode(compression: Compression, data: Uint8Array, chunk = 1000): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const part of decompressStream(compression, chunked(data, chunk))) parts.push(part);
  return Buffer.concat(parts);
}

describe("file names", () => {
  it("tell the compression by suffix, .Z by its capital only", () => {
    expect(compressionOfName("a/x.fits.gz")).toBe("gzip");
    expect(compressionOfName("https://h/x.fits.BZ2?sig=1")).toBe("bz2");
    expect(compressionOfName("x.fits.xz")).toBe("xz");
    expect(compressionOfName("x.fits.zst")).toBe("zstd");
    expect(compressionOfName("x.fits.Z")).toBe("compress");
    expect(compressionOfName("x.fits.z")).toBeUndefined();
    expect(compressionOfName("x.fits")).toBeUndefined();
    expect(stripCompressionSuffix("dir/x.fits.Z")).toBe("dir/x.fits");
  });
});

describe.skipIf(!present)("every codec on the compressed corpus", () => {
  const cases: Array<[string, Compression]> = [
    ["image_int16.fits.gz", "gzip"],
    ["image_int16.fits.bz2", "bz2"],
    ["image_int16.fits.xz", "xz"],
    ["image_int16.fits.zst", "zstd"],
    ["image_int16.fits.Z", "compress"],
    ["bintable_all_tforms.fits.Z", "compress"],
    ["compressed_rice_int16.fits.Z", "compress"],
  ];

  it.each(cases)("%s decodes to its twin in any chunking", async (name, compression) => {
    const data = new Uint8Array(await readFile(join(corpus, name)));
    const twin = await readFile(join(originals, stripCompressionSuffix(name)));
    for (const chunk of [1, 13, 100_000]) expect(Buffer.compare(await decode(compression, data, chunk), twin)).toBe(0);
  });

  it.each(cases.filter(([, compression]) => compression !== "compress"))(
    "%s cut short is refused with a DecompressionError",
    async (name, compression) => {
      const data = new Uint8Array(await readFile(join(corpus, name)));
      for (const cut of [0, 5, Math.floor(data.length / 2), data.length - 1]) {
        await expect(decode(compression, data.subarray(0, cut))).rejects.toBeInstanceOf(DecompressionError);
      }
    },
  );

  it.each(cases)("%s is refused when the bytes are another format", async (_name, compression) => {
    const fits = new Uint8Array(await readFile(join(originals, "image_int16.fits")));
    const error = await decode(compression, fits).catch((caught) => caught);
    expect(error).toBeInstanceOf(DecompressionError);
    expect((error as DecompressionError).problem).toBe("not-compressed");
  });
});

const asdfFile = join("..", "shared", "testdata", "asdf", "reference", "1.1.0", "float.asdf");

describe.skipIf(!existsSync(asdfFile))("ASDF through the public open path", () => {
  it("openAsdf with compression infer reads a .asdf.gz like the file itself", async () => {
    const folder = await mkdtemp(join(tmpdir(), "skyfs-asdf-gz-"));
    try {
      await writeFile(join(folder, "float.asdf.gz"), gzipSync(await readFile(asdfFile)));
      const plain = await openAsdf(asdfFile);
      const compressed = await openAsdf(join(folder, "float.asdf.gz"), { compression: "infer" });
      expect(JSON.stringify(compressed.tree, (_k, v) => (typeof v === "bigint" ? v.toString() : v))).toBe(
        JSON.stringify(plain.tree, (_k, v) => (typeof v === "bigint" ? v.toString() : v)),
      );
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
