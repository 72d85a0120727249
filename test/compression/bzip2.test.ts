import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { concatBytes } from "../../src/core/bytes.js";
import type { Bzip2Block } from "../../src/core/compression/bunzip2.js";
import { DecompressionError, decompressStream, filesystem } from "../../src/index.js";
import { lcgBytes } from "../bytes.js";

/** A FITS primary header of `cards` followed by `data` (a 1-D BITPIX 8 image). */
function fitsLike(data: Uint8Array): Uint8Array {
  const cards = [
    "SIMPLE  =                    T",
    "BITPIX  =                    8",
    "NAXIS   =                    1",
    `NAXIS1  = ${String(data.length).padStart(20)}`,
    "END",
  ];
  const header = new TextEncoder().encode(
    cards
      .map((card) => card.padEnd(80))
      .join("")
      .padEnd(2880),
  );
  return concatBytes([header, data]);
}

/** 230 000 bytes repeating a 251-byte pseudo-random period: no runs, so 100 000 bytes per level-1 block. */
function periodic(length: number, period: number): Uint8Array {
  const cycle = lcgBytes(period, 5);
  return Uint8Array.from({ length }, (_, i) => cycle[i % period]!);
}

const content = fitsLike(periodic(230_000, 251));
// Python's bz2.compress(content, 1) (libbz2 1.0.8): three blocks, made once, since no bzip2
// encoder is among the project's dependencies.
const THREE_BLOCKS = new Uint8Array(
  Buffer.from(
    "QlpoMTFBWSZTWXHqPSoAStZ///o67vVv+/xfP+/87y/ouu/6c3Eqb+yTrkLNB3H92bTeUAX8PVSSRUKqqhVSogaGTTTTEyBpoZGhk00NBphMhiGQGCMRk0A0GCMRgmmjAEMAIyaZNGIGhk000xMgaaGRoZNNDQaYTIYhkBgjEZNANBgjEYJpowBDACMmmTRiBoZNNNMTIGmhkaGTTQ0GmEyGIZAYIxGTQDQYIxGCaaMAQwAjJpk0YJqqpT1NNAB6mg9RoAB6mhoyABoD1BoD1HqAAaDQeoMI2mpo00D1AB5qQNN6RPSBSqopoDahtTJppo0009TTQDQaaPU0D1HogaAAA0Bo0yDQBoMQB5EPUepp6CeoN6idB3cKnkIqacKmP9sKmqhU2UKnnQqa2FTewqcRrYVP9hU/eFTFdFCpwUVMuFTIhU5CFTBCpnQqbiFTShU4+EWnVC69ULx5QtkqF8aoWlCp2cKmiipjDT2FZXO4/a6hXe6msrEjQYXkd7hqypQsI8BULCTDVCyVQa+FTYwqbqFTRRUxIVN9EL2VQtwqFlqhduqF40oWwVCyFQsqULnZQs1ULFM0KmIip17xcMKnLQqcXzG7hU2GVCpj6cKmrhU28KnE/HCpu4hZKoWMqFjqhbqULY+tKFzZoJQsRULLVC6RUL1WuxVRMaFTF0IVMKKmyzIVNT/KKn6QqYIVNyipr4VOphU4UBelKF36oXBVCxte23ubdUL2JQsP6lQsn2pQvzVC0jqtwqFtVQuWVC7D3d7KFspQuCqFiNT1m8kqYuuRUyYVNxCpi/FZsKmcgWnVC3KoWtVC2KoWLKFvIVMiFT8oVM+FT1YVP6hUz4VN7CppIqaMKmdCpoQqZMKmCFTBCp+aKmNCpv0VNVCpuYVMKKnNwqbxULdKhbtULPVC2qoWjlB4MKm6hU/ZFTWIqfMip+qQsqULLVC7hULMVCz5Qs+FTLRU+5FTDCppQqZKBfbKFgVC8xULgShaJULRwqYIVMuFT4IVM+FTq4RdaqFwFQsdULiKheSqFmBUwwqbeFTp4VNiipoIpYFQs5ULbqhYyoXEVC1ioXvKhcZULSqhfSqF4koWvVCzVQsyUL/ZQtyqFkShYqoWBULOVC4soWYqF6UKnhwqcOipowqYIVOfgL+lQsdULhqhdcqFxVQu1hU3kKnBhU30KnARU2aIvnVC/eULbKhbtULPVC/sKnoQqZiKmuhU2aKmbCpv4VM2FTMhU/BFTgIqe5KFgVC48oXGVCwKha5UGshUyIVOFCpySKnfQqatIXLyhaxULOVC46oWQqF7aoXgpiKhapULSShdkqF/5igrJMprPvkunoAHMg///0Zd3q3/eovh/fad5f0XXf9ObiVN/ZJ1yFmg7j+7NpvKALuAAAAAAACDTEaMRpk0yYTBMTTExDAQYmmIwExMBADRgBGCNDIZMIyBpo0BBpiNGI0yaZMJgmJpiYhgIMTTEYCYmAgBowAjBGhkMmEZA00aAg0xGjEaZNMmEwTE0xMQwEGJpiMBMTAQA0YARgjQyGTCMgaaNAE1VVIAGhpoNDQyaGQaGjTRpp6hoAaaA0aMmjRhBpppsp6RkDT0Q9T00xJpjQyaiDTEaMRpk0yYTBMTTExDAQYmmIwExMBADRgBGCNDIZMIyBpo0DAhU2IVOhCp/EKmghU20KmyhU1MKmVCpqQqcyFTHCppoVMwKntwqaiFTrYVMkKmHCpgwqc6FTPwqaKFTVQqbEKmvhU30KnZQqeVCpkBUxAqelCpnoVNdCp38KnowqcCFTjhUzwVOVCpt4VNzCpxIVNXCp7AVPFCprIVMQKnvhUx4VMeFTzAqZcKntwqcGFTYQqZsKmihU+4Km+hU4MKmuhU2UKniQqYIVNqFTogqdTCpxIVNKFTSwqZ+FTHhUy4VMDdwqcgKmLCpkQqYQVMCFTTwqZ0KnwhU8+FTkQqbeFTahU4EKnzBU/qFT6IVNpCp00KnBCpuAqciFT8gqd8FTOhUwYVMKFTDCpv4VN3Cp3gVNaFTehU4MKmkhU/uFTEhU2YVOTCpiQqZUKnOCpkQqYMKnHhU8uFTJhUyYVMUKnYQqZYVOxhU38KnNCpo4VOEFT74VMOFTmBU+OFTQhU30Kn4QqcYKmoCphhUxgqcQKnFCprAqY0KnMCp+8KmwCpwwqc2FTnQqYAVOEFTNhU2cKmSFTr4VNDCpkwqYsKn0wqcOFTVQqaqFTJhU1sKnKhU9mFTFhU5sKm9hU8GFTbhU44VM2FTkQqbgKmmhU5UKmnhUyIVOhCp2cKn+QqbwKmshUx4VMYKnOCp9kKmvCpoIVM0KmVCpmBUxoVNoFT2oVOkCpkQqbqFTu4VOXCprYVOTCp40KmZCpgQqcKFTMhU5UKnPCpuQqYQVOMFTdBU/GFTlhUy4VNsFT6wqePCpghUy4VMuFTChU3kKnFCpzwqY8KmbCpnBU6EKmbCpq4VPChU8CFTOhU0AVPWhU0YVM+FTTwqZUKmdCprwqb2FTq4VNJCpoQqeTCp/5igrJMprIZLBiaAF5q///0Zd3q3/eovh/fad5f0XXf9ObiVN/ZJ1yFmg7j+7NpvKAJOAAAAAAg0xGjEaZNMmEwTE0xMQwEGJpiMBMTAQA0YARgjQyGTCMgaaNAQaYjRiNMmmTCYJiaYmIYCDE0xGAmJgIAaMAIwRoZDJhGQNNGgINMRoxGmTTJhMExNMTEMBBiaYjATEwEANGAEYI0MhkwjIGmjQBNVVSABoaaDQ0MIZBoaNNMmIaANGgNNDJpk000aGmmymRkDT0Qw0wpp6NNGmog0xGjEaZNMmEwTE0xMQwEGJpiMBMTAQA0YARgjQyGTCMgaaNA1yhsah0qh/NQzlQ21Q2VQ01QxlDTVDnKGHUNHUOjUPcqGlUOxUMWocCoYFQylDNqGeqGnqGxqGvUN8odtUNVUMSoYVQ9OoZqoayoeEoelUOCocuoZqoZFQ3ChulDi1DUKGwqHkVDU1DCqHwVDDqGGoa2oZNQ9yocKoezUMuoZ6offUN8ocKoayobKoeOoYFQ2tQ6aodaocVQ0NQ0NQzdQw6hk1Dd1DHqHHqGIoYNQ1qh4NQzKhs6h56hjqG4qG1qHBUNvUP7qG5UNpUOqqHCqH0VDHqH51DwKhmVDAqGDUOBUN/UN2oaOoaqob2ocKoaCof5UMKobOocyoYShjKGVUMSoYChy6hq6hi1DFqHHqHaKGTUO1UN+oc+oZ9Q4dQ/CocCoc6ofGoZ2ob6ofiocqoaWocCocmocWocaoamoclQ51Q/iobCocSoc+oZShrqhw6hl1DZ1DFqHZ1DOqGLUOOocT6lDNVDT1DT1DFqGrUMhQ9pQ49Q59Q+5Q8SobeocuoZdQx1Dc1DR1DIqGkqGJUOlUO3qHIUPsqGpqGGocioZVQ3ihr6hnKhl1DGqHRqHIqG0qHt1DqKhy1DEqHXaKoc2oauocxQ8modFQ11Q4ah0ahkVDoVDdVDBqHKqH01D8qhzahk1DbVDeVDyqhgVDJUMmoYKh9qhxqh0Khh1DLqGZUOkoZdQ1FQ0Sh4dQzFDOVD16hn6hm6hpKhjVDMUNfUN6odfUNBUM7UPMqH/i7kinChIElYIho=",
    "base64",
  ),
);

async function* chunked(data: Uint8Array, size: number, counter?: { bytes: number }): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < data.length; at += size) {
    const chunk = data.slice(at, at + size);
    if (counter) counter.bytes += chunk.length;
    yield chunk;
  }
}

async function decode(data: Uint8Array, chunk = 1000, onBlock?: (block: Bzip2Block) => void): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const part of decompressStream("bz2", chunked(data, chunk), { bzip2: { onBlock } })) parts.push(part);
  return concatBytes(parts);
}

async function failure(promise: Promise<unknown>): Promise<DecompressionError | undefined> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (error !== undefined) expect(error).toBeInstanceOf(DecompressionError);
  return error as DecompressionError | undefined;
}

function flipped(data: Uint8Array, at: number, mask = 0xff): Uint8Array {
  const copy = Uint8Array.from(data);
  copy[at]! ^= mask;
  return copy;
}

/**
 * Decodes `compressed` fed in `chunk`-byte pieces and checks that the decoder streams: output in
 * pieces of at most 64 KiB, each block given out before the input past it is read (at most one
 * input piece ahead). Returns the blocks reported.
 */
async function expectStreaming(compressed: Uint8Array, expected: Uint8Array, chunk: number): Promise<Bzip2Block[]> {
  const read = { bytes: 0 };
  const blocks: Bzip2Block[] = [];
  const readAtBlockEnd: number[] = [];
  const givenAtBlockEnd: number[] = [];
  let given = 0;
  let largest = 0;
  const parts: Uint8Array[] = [];
  const decoded = decompressStream("bz2", chunked(compressed, chunk, read), {
    bzip2: {
      onBlock: (block) => {
        blocks.push(block);
        readAtBlockEnd.push(read.bytes);
        givenAtBlockEnd.push(given);
      },
    },
  });
  for await (const part of decoded) {
    parts.push(part);
    given += part.length;
    largest = Math.max(largest, part.length);
  }
  expect(Buffer.compare(concatBytes(parts), expected)).toBe(0);
  expect(largest).toBeLessThanOrEqual(65_536);
  blocks.forEach((block, k) => {
    const nextStart = k + 1 < blocks.length ? Math.ceil(blocks[k + 1]!.bit / 8) : compressed.length;
    expect(readAtBlockEnd[k]).toBeLessThanOrEqual(nextStart + chunk);
    expect(givenAtBlockEnd[k]).toBe(block.out + block.length);
  });
  return blocks;
}

describe("bzip2, decoded block by block", () => {
  it("reads its input and gives its output block by block", async () => {
    expect((await expectStreaming(THREE_BLOCKS, content, 64)).length).toBe(3);
  });

  it("decodes a three-block stream in any chunking, one block held at a time", async () => {
    for (const chunk of [1, 100, 1 << 20]) {
      const blocks: Bzip2Block[] = [];
      expect(Buffer.compare(await decode(THREE_BLOCKS, chunk, (block) => blocks.push(block)), content)).toBe(0);
      // A level-1 block takes 100 000 - 19 bytes once runs of 4 to 255 are shortened: the
      // header's runs of spaces let the first block take more.
      expect(blocks.map((block) => block.length)).toEqual([102_717, 99_981, 30_182]);
      expect(blocks.map((block) => block.out)).toEqual([0, blocks[0]!.length, blocks[0]!.length + blocks[1]!.length]);
      // A level-1 stream: 100 000 symbols of 4 bytes and a 64 KiB output buffer, for a stream of any length.
      for (const block of blocks) expect(block.held).toBe(400_000 + 65_536);
    }
  });

  it("reads the first 2880 bytes by decoding the start of the first block only", async () => {
    const blocks: Bzip2Block[] = [];
    await decode(THREE_BLOCKS, 1 << 20, (block) => blocks.push(block));
    const secondBlockByte = Math.floor(blocks[1]!.bit / 8);
    const read = { bytes: 0 };
    const reported: Bzip2Block[] = [];
    const decoded = decompressStream("bz2", chunked(THREE_BLOCKS, 64, read), { bzip2: { onBlock: (block) => reported.push(block) } });
    const parts: Uint8Array[] = [];
    let held = 0;
    for await (const part of decoded) {
      parts.push(part);
      held += part.length;
      if (held >= 2880) break;
    }
    expect(concatBytes(parts).subarray(0, 2880)).toEqual(content.subarray(0, 2880));
    expect(held).toBeLessThanOrEqual(65_536);
    expect(reported).toEqual([]);
    expect(read.bytes).toBeLessThanOrEqual(secondBlockByte + 64);
  });

  it("reads concatenated streams, each with its own combined CRC", async () => {
    const twice = concatBytes([THREE_BLOCKS, THREE_BLOCKS]);
    expect(Buffer.compare(await decode(twice, 777), concatBytes([content, content]))).toBe(0);
  });

  it("refuses a block whose CRC, origin or data is altered, and a stream whose combined CRC is altered", async () => {
    // "BZh1", the 48-bit block magic, then the block's CRC at bytes 10 to 13.
    const blockCrc = await failure(decode(flipped(THREE_BLOCKS, 11)));
    expect(blockCrc?.problem).toBe("checksum");
    expect(blockCrc?.message).toMatch(/block CRC/);
    // The 24-bit origin pointer ends at bit 136: flipping its lowest bit rotates the block's output.
    expect((await failure(decode(flipped(THREE_BLOCKS, 16, 0x01))))?.problem).toBe("checksum");
    // The combined CRC's 32 bits end in the last byte, so the byte before it is all CRC.
    const streamCrc = await failure(decode(flipped(THREE_BLOCKS, THREE_BLOCKS.length - 2)));
    expect(streamCrc?.problem).toBe("checksum");
    expect(streamCrc?.message).toMatch(/stream CRC/);
    // Any other damage: an error, or (when the altered bits are ones the decoder does not use, as
    // bzip2 itself accepts at byte 1980) exactly the original bytes, never other bytes.
    for (let at = 40; at < THREE_BLOCKS.length - 20; at += 97) {
      const result = await decode(flipped(THREE_BLOCKS, at)).catch((error: unknown) => error);
      if (result instanceof Uint8Array) expect(Buffer.compare(result, content)).toBe(0);
      else expect(result).toBeInstanceOf(DecompressionError);
    }
  });

  it("refuses truncated streams, other formats and garbage after the last stream", async () => {
    for (const cut of [0, 3, 5, 12, 100, 1500, THREE_BLOCKS.length - 1]) {
      const problem = (await failure(decode(THREE_BLOCKS.subarray(0, cut))))?.problem;
      expect(problem).toBe(cut === 0 ? "not-compressed" : "truncated");
    }
    expect((await failure(decode(content)))?.problem).toBe("not-compressed");
    expect((await failure(decode(concatBytes([THREE_BLOCKS, new Uint8Array([1, 2, 3])]))))?.problem).toBe("corrupt");
    expect((await failure(decode(flipped(THREE_BLOCKS, 3, 0x0f))))?.problem).toBe("corrupt");
  });

  it("decodes an empty stream to nothing", async () => {
    const empty = Uint8Array.of(0x42, 0x5a, 0x68, 0x39, 0x17, 0x72, 0x45, 0x38, 0x50, 0x90, 0, 0, 0, 0);
    expect((await decode(empty)).length).toBe(0);
  });
});

const bzip2Cli = ["/usr/bin/bzip2", "/bin/bzip2"].find((path) => existsSync(path));

describe.skipIf(!bzip2Cli)("bzip2 against the bzip2 command line (when installed)", () => {
  // 12 MB: a header, then a mix of pseudo-random bytes, runs and text, in 900 kB blocks.
  const large = fitsLike(
    concatBytes(
      Array.from({ length: 12 }, (_, i) =>
        i % 3 === 0 ? lcgBytes(1_000_000, i) : i % 3 === 1 ? new Uint8Array(1_000_000).fill(i) : periodic(1_000_000, 1000 + i),
      ),
    ),
  );
  const compressed = new Uint8Array(execFileSync(bzip2Cli as string, ["-9", "-c"], { input: large, maxBuffer: 1 << 26 }));

  it("decodes a large multi-block stream holding one block at a time, and its header from the first block", async () => {
    const blocks = await expectStreaming(compressed, large, 65_536);
    expect(blocks.length).toBeGreaterThan(3);
    for (const block of blocks) expect(block.held).toBe(3_600_000 + 65_536);
    const read = { bytes: 0 };
    for await (const part of decompressStream("bz2", chunked(compressed, 65_536, read))) {
      expect(part.subarray(0, 2880)).toEqual(large.subarray(0, 2880));
      break;
    }
    expect(read.bytes).toBeLessThanOrEqual(Math.floor(blocks[1]!.bit / 8) + 65_536);
  });

  it("get decompresses a .bz2 to a local file, and leaves no file for a damaged one", async () => {
    const folder = await mkdtemp(join(tmpdir(), "skyfs-bz2-"));
    try {
      await writeFile(join(folder, "large.fits.bz2"), compressed);
      await writeFile(join(folder, "bad.fits.bz2"), flipped(compressed, compressed.length - 2));
      const fs = filesystem("file");
      await fs.get(join(folder, "large.fits.bz2"), join(folder, "large.fits"), { compression: "bz2" });
      expect(Buffer.compare(await readFile(join(folder, "large.fits")), large)).toBe(0);
      await expect(fs.get(join(folder, "bad.fits.bz2"), join(folder, "bad.fits"), { compression: "bz2" })).rejects.toBeInstanceOf(
        DecompressionError,
      );
      expect(existsSync(join(folder, "bad.fits"))).toBe(false);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
