import { constants, deflateRawSync, gzipSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DecompressionError, decompressStream, type GzipCheckpoint } from "../../src/index.js";
import { problemOf } from "./problem.js";

/** Deterministic bytes that compress somewhat: runs, text-like repeats and noise. */
function sample(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    out[i] = i % 5 === 0 ? state >>> 24 : (i >> 9) & 0xff;
  }
  return out;
}

async function* chunked(data: Uint8Array, size: number, from = 0): AsyncGenerator<Uint8Array> {
  for (let at = from; at < data.length; at += size) yield data.slice(at, at + size);
}

async function decode(gz: Uint8Array, chunkSize = 4093, checkpoints?: GzipCheckpoint[], spacing?: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const onCheckpoint = checkpoints ? (c: GzipCheckpoint) => checkpoints.push(c) : undefined;
  for await (const part of decompressStream("gzip", chunked(gz, chunkSize), { gzip: { onCheckpoint, spacing } })) parts.push(part);
  return Buffer.concat(parts);
}

describe("gzip decoding with skyfs's own inflate", () => {
  it.each([
    ["stored blocks (level 0)", { level: 0 }],
    ["fixed Huffman codes", { strategy: constants.Z_FIXED }],
    ["Huffman only", { strategy: constants.Z_HUFFMAN_ONLY }],
    ["run-length matches", { strategy: constants.Z_RLE }],
    ["dynamic codes, level 9", { level: 9 }],
  ])("decodes %s exactly, whatever the chunking", async (_name, options) => {
    const data = sample(300_000, 7);
    const gz = gzipSync(data, options);
    for (const size of [1, 7, 4096, gz.length]) {
      if (size === 1 && gz.length > 50_000) continue;
      expect(Buffer.compare(await decode(gz, size), Buffer.from(data))).toBe(0);
    }
  });

  it("decodes long runs of one byte (matches overlapping themselves) and the empty stream", async () => {
    const runs = new Uint8Array(1_000_000).fill(42);
    expect(Buffer.compare(await decode(gzipSync(runs)), Buffer.from(runs))).toBe(0);
    expect((await decode(gzipSync(new Uint8Array(0)))).length).toBe(0);
  });

  it("agrees with zlib on arbitrary inputs", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 5000 }),
        fc.integer({ min: 0, max: 9 }),
        fc.integer({ min: 1, max: 600 }),
        async (data, level, size) => {
          const decoded = await decode(gzipSync(data, { level }), size);
          expect(Buffer.compare(decoded, Buffer.from(data))).toBe(0);
        },
      ),
      { numRuns: 60, seed: 20 },
    );
  });

  it("decodes concatenated members as one stream, and accepts zero padding after the last", async () => {
    const a = sample(70_000, 1);
    const b = sample(50_000, 2);
    const joined = Buffer.concat([gzipSync(a), gzipSync(b), new Uint8Array(16)]);
    expect(Buffer.compare(await decode(joined), Buffer.concat([a, b]))).toBe(0);
  });

  it("resumes from every checkpoint it records and gives exactly the bytes from there on", async () => {
    const data = sample(1_500_000, 3);
    const gz = Buffer.concat([gzipSync(data.subarray(0, 900_000)), gzipSync(data.subarray(900_000))]);
    const checkpoints: GzipCheckpoint[] = [];
    await decode(gz, 65_536, checkpoints, 100_000);
    expect(checkpoints.length).toBeGreaterThan(8);
    for (const checkpoint of checkpoints) {
      const parts: Uint8Array[] = [];
      const input = chunked(gz, 10_000, Math.floor(checkpoint.bit / 8));
      for await (const part of decompressStream("gzip", input, { gzip: { from: checkpoint } })) parts.push(part);
      expect(Buffer.compare(Buffer.concat(parts), Buffer.from(data.subarray(checkpoint.out)))).toBe(0);
    }
  });

  it("refuses what is not gzip, a cut stream at every length, a wrong CRC and a wrong length", async () => {
    expect(await problemOf(decode(new TextEncoder().encode("SIMPLE  =                    T")))).toBe("not-compressed");
    expect(await problemOf(decode(new Uint8Array(0)))).toBe("not-compressed");
    const data = sample(3000, 4);
    const gz = gzipSync(data);
    for (let cut = 2; cut < gz.length; cut++) expect(await problemOf(decode(gz.subarray(0, cut), 100))).toBe("truncated");
    const badCrc = Buffer.from(gz);
    badCrc[gz.length - 6]! ^= 1;
    expect(await problemOf(decode(badCrc))).toBe("checksum");
    const badLength = Buffer.from(gz);
    badLength[gz.length - 2]! ^= 1;
    expect(await problemOf(decode(badLength))).toBe("size");
    const garbage = Buffer.concat([gz, Buffer.from("junk")]);
    expect(await problemOf(decode(garbage))).toBe("corrupt");
  });

  it("never returns wrong bytes for a damaged stream: flipping any bit gives the data or a DecompressionError", async () => {
    const data = sample(2000, 5);
    const gz = gzipSync(data);
    for (let bit = 80; bit < (gz.length - 8) * 8; bit += 7) {
      const damaged = Buffer.from(gz);
      damaged[bit >> 3]! ^= 1 << (bit & 7);
      const outcome = await decode(damaged).then(
        (bytes) => (Buffer.compare(bytes, Buffer.from(data)) === 0 ? "same" : "wrong"),
        (error) => (error instanceof DecompressionError ? "refused" : `crashed: ${error}`),
      );
      expect(outcome === "same" || outcome === "refused", `bit ${bit}: ${outcome}`).toBe(true);
    }
  });

  it("refuses a raw deflate block with an invalid type", async () => {
    const header = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
    const body = Buffer.from(deflateRawSync(sample(100, 6)));
    body[0] = (body[0]! & ~6) | 6;
    expect(await problemOf(decode(Buffer.concat([header, body, new Uint8Array(8)])))).toBe("corrupt");
  });
});
