import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CompImageHdu, hcompressDecode, openFitsSource, plioDecode, riceDecode, unshuffle } from "../../src/fits.js";
import { BytesSource, FormatError, NotSupportedError } from "../../src/index.js";
import { CountingSource } from "../fits/counting-source.js";
import { available, CORPUS, CORPUS_FOLDER } from "../requirements.js";
import { plioEncode, riceEncode } from "./encoders.js";

const corpus = CORPUS_FOLDER;
const haveCorpus = available(import.meta.url, CORPUS);

/**
 * SHA-256 of each compressed image's values as little-endian float64, and its dtype, as astropy
 * 5.2 (cfitsio) decompresses them; computed once with astropy and recorded here.
 */
const ASTROPY: Array<[string, string, string]> = [
  ["fits/astropy/comp.fits", "e1e3557a603a4f4e1518e2e7ecb5c910fa71c1499bdd7d1766e01deda04de71a", "int16"],
  ["fits/astropy/compressed_float_bzero.fits", "a68de4b5e96a60c8ceb3c7b7ef93461725bdbbff3516b136585a743b5c0ec664", "uint16"],
  ["fits/astropy/compressed_image.fits", "df8192236b254cb79863a567b0e09945eeaa480ef73239e8383d7a9db693a822", "int16"],
  ["fits/astropy/double_ext.fits", "6d9c54dee5660c46886f32d80e57e9dd0ffa57ee0cd2a762b036d9c8e0c3a33a", "uint16"],
  ["generated/fits/compressed_gzip1_float_nodither.fits", "327855b1cb1753a2730136006d18706aff3f88913ce3b7969403db3b3996eef6", "float32"],
  ["generated/fits/compressed_gzip1_int16.fits", "001bb8097a80bb6fb98d65f7812ef3936c05cd1efcb46854f262be6dcc8aeaf5", "int16"],
  ["generated/fits/compressed_gzip2_float_lossless.fits", "756e42cd36496844c2961e1763fe69a1fcda1b414ecf002de875263310c2fd65", "float32"],
  ["generated/fits/compressed_gzip2_int16.fits", "001bb8097a80bb6fb98d65f7812ef3936c05cd1efcb46854f262be6dcc8aeaf5", "int16"],
  ["generated/fits/compressed_hcompress_int16.fits", "001bb8097a80bb6fb98d65f7812ef3936c05cd1efcb46854f262be6dcc8aeaf5", "int16"],
  ["generated/fits/compressed_nocompress_int16.fits", "001bb8097a80bb6fb98d65f7812ef3936c05cd1efcb46854f262be6dcc8aeaf5", "int16"],
  ["generated/fits/compressed_plio_int16.fits", "16107c6b27bf9278fbe62406e8b76a9e252c2f4988979608e9de95ca07f2da8f", "int16"],
  ["generated/fits/compressed_rice_float_dither1.fits", "e7f9891885eee6e15edfe9643c5a26cf2f0da9fc3e1ae775615b766b5e432537", "float32"],
  ["generated/fits/compressed_rice_float_dither2.fits", "5be6054701e3293d060121553267af1093eec526a20311126137442cd32de5ff", "float32"],
  ["generated/fits/compressed_rice_int16.fits", "001bb8097a80bb6fb98d65f7812ef3936c05cd1efcb46854f262be6dcc8aeaf5", "int16"],
  ["generated/fits/compressed_rice_tiled_int32.fits", "8dc52dda0c16b8836958e066edd22adab5115d0fe6e9f26b45f6d40bf5cf073d", "int32"],
];

const float64Sha = (values: ArrayLike<number | bigint>): string =>
  createHash("sha256")
    .update(new Uint8Array(Float64Array.from(values as ArrayLike<number>, Number).buffer))
    .digest("hex");

async function compressedHdu(path: string, source?: (bytes: Uint8Array) => BytesSource | CountingSource): Promise<CompImageHdu> {
  const bytes = new Uint8Array(await readFile(join(corpus, path)));
  const hdu = await openFitsSource(source ? source(bytes) : new BytesSource(bytes, `memory://corpus/${path}`)).imageHdu(1);
  expect(hdu).toBeInstanceOf(CompImageHdu);
  return hdu as CompImageHdu;
}

describe.skipIf(!haveCorpus)("tile-compressed images of the corpus", () => {
  it.each(ASTROPY)("decompresses %s exactly as astropy does", async (path, sha, dtype) => {
    const hdu = await compressedHdu(path);
    const image = await hdu.data();
    expect(image.dtype).toBe(dtype);
    expect(float64Sha(image.data)).toBe(sha);
  });

  it("reads a section from the tiles it touches only, all in two batches", async () => {
    let counting: CountingSource | undefined;
    const hdu = await compressedHdu("generated/fits/compressed_rice_tiled_int32.fits", (bytes) => {
      counting = new CountingSource(new BytesSource(bytes));
      return counting;
    });
    const whole = await hdu.data();
    const before = counting?.calls.length ?? 0;
    const section = await hdu.section([
      [20, 30],
      [18, 40],
    ]);
    const calls = counting?.calls.slice(before) ?? [];
    expect(calls.map((call) => call.kind)).toEqual(["readMany", "readMany"]);
    expect(calls[0]?.ranges).toHaveLength(2);
    expect(calls[1]?.ranges).toHaveLength(2);
    expect(section.shape).toEqual([10, 22]);
    const expected = [];
    for (let y = 20; y < 30; y++) for (let x = 18; x < 40; x++) expected.push(whole.data[y * 70 + x]);
    expect(Array.from(section.data as Int32Array)).toEqual(expected);
  });

  it("presents the image header and name as astropy does", async () => {
    const hdu = await compressedHdu("fits/astropy/double_ext.fits");
    expect(hdu.name).toBe("ccd00");
    expect(hdu.imageHeader.cards.slice(0, 4).map((card) => [card.keyword, card.value])).toEqual([
      ["XTENSION", "IMAGE"],
      ["BITPIX", 16],
      ["NAXIS", 2],
      ["NAXIS1", 5],
    ]);
    expect(hdu.imageHeader.has("ZCMPTYPE")).toBe(false);
    expect(hdu.shape).toEqual([5, 5]);
  });

  it("refuses smoothed HCOMPRESS tiles clearly", async () => {
    const bytes = new Uint8Array(await readFile(join(corpus, "generated/fits/compressed_hcompress_int16.fits")));
    const text = Buffer.from(bytes).toString("latin1");
    const at = text.indexOf("ZVAL2   =");
    expect(text.slice(at - 80, at)).toMatch(/^ZNAME2 {2}= 'SMOOTH/);
    bytes.set(Buffer.from("ZVAL2   =                    1", "latin1"), at);
    const hdu = await openFitsSource(new BytesSource(bytes)).hdu(1);
    await expect((hdu as CompImageHdu).data()).rejects.toBeInstanceOf(NotSupportedError);
  });

  it("raises FormatError on damaged tiles and descriptors", async () => {
    const path = "generated/fits/compressed_rice_int16.fits";
    const bytes = new Uint8Array(await readFile(join(corpus, path)));
    const hdu = await openFitsSource(new BytesSource(bytes)).hdu(1);
    const heapStart = hdu.layout.dataOffset + 64 * 8;
    const garbled = bytes.slice();
    garbled.fill(0xff, heapStart, heapStart + 40);
    await expect(((await openFitsSource(new BytesSource(garbled)).hdu(1)) as CompImageHdu).data()).rejects.toBeInstanceOf(FormatError);
    const lying = bytes.slice();
    new DataView(lying.buffer).setInt32(hdu.layout.dataOffset, 1 << 30);
    await expect(((await openFitsSource(new BytesSource(lying)).hdu(1)) as CompImageHdu).data()).rejects.toThrow(/outside the heap/);
  });
});

describe("tile codecs", () => {
  it("decodes a hand-made Rice stream with a block of zero differences and a coded block", () => {
    // 16-bit values, block size 2: first value 100; block 1 all zero differences (code 0);
    // block 2 with code 2 (fs = 1): +1 (zigzag 2: one zero, the stop bit, low bit 0) and -1
    // (zigzag 1: the stop bit, low bit 1).
    const bits = ["0000000001100100", "0000", "0010", "010", "11"].join("");
    const padded = bits.padEnd(Math.ceil(bits.length / 8) * 8, "0");
    const stream = Uint8Array.from({ length: padded.length / 8 }, (_, i) => Number.parseInt(padded.slice(i * 8, i * 8 + 8), 2));
    expect(Array.from(riceDecode(stream, 4, 2, 2))).toEqual([100, 100, 101, 100]);
    expect(() => riceDecode(stream.subarray(0, 3), 40, 2, 2)).toThrow(FormatError);
    expect(() => riceDecode(stream, 4, 3, 2)).toThrow(/BYTEPIX/);
  });

  it("decodes a PLIO line list and refuses a truncated one", () => {
    // header [0, 7, 7 (length), ...]: zero run of 2, set value 5 (opcode 1 with high word 0), a run of 3 at that value.
    const words = bigEndianWords(0, 7, 7, 2, (1 << 12) | 5, 0, (4 << 12) | 3);
    expect(Array.from(plioDecode(words, 6))).toEqual([0, 0, 5, 5, 5, 0]);
    expect(() => plioDecode(bigEndianWords(0, 7, 9, 2), 6)).toThrow(FormatError);
    expect(() => plioDecode(words.subarray(0, 5), 6)).toThrow(/whole 16-bit words/);
  });

  it("round-trips Rice streams of every width, coded and raw blocks", () => {
    const random = seeded(3);
    for (const bytepix of [1, 2, 4] as const) {
      const span = 2 ** (bytepix * 8 - 1);
      const values = Int32Array.from({ length: 301 }, (_, i) => (i % 50 < 10 ? 7 : Math.floor(random() * span) - span / 2));
      for (const choice of ["best", "raw"] as const) {
        expect(Array.from(riceDecode(riceEncode(values, bytepix, 32, choice), values.length, bytepix, 32))).toEqual(Array.from(values));
      }
    }
  });

  it("refuses a Rice block code past the largest one", () => {
    // 32-bit values: a first value of 0, then the 5-bit block code 31 (codes above 26, the raw-block escape, are undefined).
    const stream = Uint8Array.of(0, 0, 0, 0, 0b1111_1000, 0, 0, 0);
    expect(() => riceDecode(stream, 4, 4, 4)).toThrow(/block code 31/);
  });

  it("round-trips PLIO line lists", () => {
    const values = Int32Array.from({ length: 500 }, (_, i) => (i % 37 < 12 ? 0 : i % 91 < 40 ? 3 : (i * 7919) % 5000));
    expect(Array.from(plioDecode(plioEncode(values), values.length))).toEqual(Array.from(values));
  });

  it("refuses an HCOMPRESS stream whose dimensions differ from the tile's", () => {
    const header = Uint8Array.of(0xdd, 0x99, 0, 0, 0, 4, 0, 0, 0, 5, 0, 0, 0, 0);
    expect(() => hcompressDecode(header, 5, 4)).toThrow(FormatError);
    expect(() => hcompressDecode(header, 4, 5)).toThrow(/4 x 5/);
    expect(() => hcompressDecode(Uint8Array.of(1, 2), 1, 1)).toThrow(/magic/);
  });

  it("undoes GZIP_2's byte shuffle", () => {
    expect(Array.from(unshuffle(Uint8Array.of(1, 2, 3, 10, 20, 30), 2))).toEqual([1, 10, 2, 20, 3, 30]);
  });
});

function bigEndianWords(...words: number[]): Uint8Array {
  const out = new Uint8Array(words.length * 2);
  const view = new DataView(out.buffer);
  for (const [i, word] of words.entries()) view.setInt16(i * 2, word);
  return out;
}

/** A small seeded generator (mulberry32). */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
