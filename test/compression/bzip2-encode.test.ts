import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { sortRotations } from "../../src/core/compression/bwt.js";
import { bzip2Encode } from "../../src/core/compression/bzip2-encode.js";
import { limitedCodeLengths } from "../../src/core/compression/huffman-lengths.js";
import { decompressStream, InvalidArgumentError } from "../../src/index.js";
import { available, BZIP2_REFERENCE } from "../requirements.js";

const reference = available(import.meta.url, BZIP2_REFERENCE);

/** Seeded pseudo-random bytes (xorshift32). */
function randomBytes(length: number, seed: number): Uint8Array {
  let state = seed;
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out[i] = state >>> 24;
  }
  return out;
}

/** Runs of every length from 1 to `longest` (the edges of bzip2's first run-length stage among them), of changing bytes. */
function runsOfEveryLength(longest: number): Uint8Array {
  const parts: number[] = [];
  for (let length = 1; length <= longest; length++) for (let i = 0; i < length; i++) parts.push(length % 251);
  return Uint8Array.from(parts);
}

/** float32 values like an astronomical image: a smooth background, sources and noise, big-endian as in FITS. */
function imageLike(pixels: number): Uint8Array {
  const bytes = new Uint8Array(pixels * 4);
  const view = new DataView(bytes.buffer);
  const noise = randomBytes(pixels, 99);
  for (let i = 0; i < pixels; i++) view.setFloat32(i * 4, 1000 + 20 * Math.sin(i / 700) + (i % 997 === 0 ? 5000 : 0) + noise[i]! / 32);
  return bytes;
}

const inputs: Record<string, () => Uint8Array> = {
  empty: () => new Uint8Array(0),
  "one byte": () => Uint8Array.of(0x42),
  "two equal bytes": () => Uint8Array.of(9, 9),
  "text with repeats": () => new TextEncoder().encode("banana bandana ".repeat(40)),
  "all byte values": () => Uint8Array.from({ length: 256 }, (_, i) => i),
  "all byte values, each four times": () => Uint8Array.from({ length: 1024 }, (_, i) => i >> 2),
  "runs of every length up to 600": () => runsOfEveryLength(600),
  "a run of 255, 256, 259 and 260": () =>
    Uint8Array.from([...Array(255).fill(1), 2, ...Array(256).fill(3), 4, ...Array(259).fill(5), ...Array(260).fill(6)]),
  "all zeros, 1 MB": () => new Uint8Array(1 << 20),
  "periodic, 1 MB": () => Uint8Array.from({ length: 1 << 20 }, (_, i) => (i * 7) % 13),
  "periodic with a long period, 1 MB": () => {
    const period = randomBytes(4093, 5);
    return Uint8Array.from({ length: 1 << 20 }, (_, i) => period[i % period.length]!);
  },
  "random, 2 MB (three blocks)": () => randomBytes(2 << 20, 1),
  "image-like floats, 1 MB": () => imageLike(1 << 18),
};

const encoded = new Map<string, { data: Uint8Array; stream: Uint8Array }>();
function encodedInput(name: string): { data: Uint8Array; stream: Uint8Array } {
  let pair = encoded.get(name);
  if (!pair) {
    const data = inputs[name]!();
    pair = { data, stream: bzip2Encode(data) };
    encoded.set(name, pair);
  }
  return pair;
}

async function decode(stream: Uint8Array): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const part of decompressStream(
    "bz2",
    (async function* () {
      yield stream;
    })(),
  ))
    parts.push(part);
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Decodes with the `bzip2` tool when there is one, else with Python's bz2 module. */
function referenceDecode(stream: Uint8Array): { status: number | null; output: Buffer; error: string } {
  const run = existsSync("/usr/bin/bzip2")
    ? spawnSync("/usr/bin/bzip2", ["-dc"], { input: stream, maxBuffer: 1 << 28 })
    : spawnSync("/usr/bin/python3", ["-c", "import bz2, sys; sys.stdout.buffer.write(bz2.decompress(sys.stdin.buffer.read()))"], {
        input: stream,
        maxBuffer: 1 << 28,
      });
  return { status: run.status, output: run.stdout, error: String(run.stderr) };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return (
    a.length === b.length &&
    Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.length), Buffer.from(b.buffer, b.byteOffset, b.length)) === 0
  );
}

describe("bzip2Encode", () => {
  for (const name of Object.keys(inputs)) {
    it(`round-trips through skyfs's bzip2 decoder: ${name}`, async () => {
      const { data, stream } = encodedInput(name);
      expect(Array.from(stream.subarray(0, 4))).toEqual([0x42, 0x5a, 0x68, 0x39]);
      expect(sameBytes(await decode(stream), data)).toBe(true);
    });
  }

  it("compresses what repeats: a megabyte of zeros or of a short period takes a few hundred bytes", () => {
    expect(encodedInput("all zeros, 1 MB").stream.length).toBeLessThan(100);
    expect(encodedInput("periodic, 1 MB").stream.length).toBeLessThan(400);
    const random = encodedInput("random, 2 MB (three blocks)");
    expect(random.stream.length).toBeLessThan(random.data.length * 1.01);
  });

  it("writes an empty input as the 14 bytes of a stream without blocks", () => {
    expect(Array.from(bzip2Encode(new Uint8Array(0), { level: 1 }))).toEqual([
      0x42, 0x5a, 0x68, 0x31, 0x17, 0x72, 0x45, 0x38, 0x50, 0x90, 0, 0, 0, 0,
    ]);
  });

  it("cuts blocks at the level's size, with runs on both sides of every cut", async () => {
    // Runs of five bytes (four and a count after the first stage), so cuts fall among runs.
    const data = Uint8Array.from({ length: 450_000 }, (_, i) => (Math.floor(i / 5) * 37) % 256);
    const mixed = new Uint8Array(data.length + 300_000);
    mixed.set(data);
    mixed.set(randomBytes(300_000, 7), data.length);
    for (const level of [1, 2]) {
      const stream = bzip2Encode(mixed, { level });
      expect(stream[3]).toBe(0x30 + level);
      expect(sameBytes(await decode(stream), mixed)).toBe(true);
    }
  });

  it("refuses a level outside 1 to 9", () => {
    expect(() => bzip2Encode(Uint8Array.of(1), { level: 0 })).toThrow(InvalidArgumentError);
    expect(() => bzip2Encode(Uint8Array.of(1), { level: 10 })).toThrow(InvalidArgumentError);
    expect(() => bzip2Encode(Uint8Array.of(1), { level: 2.5 })).toThrow(InvalidArgumentError);
  });

  it.skipIf(!reference)("writes streams the reference bzip2 decoder reads back byte for byte", () => {
    const names = Object.keys(inputs);
    const decoded = names.map((name) => {
      const { data, stream } = encodedInput(name);
      const run = referenceDecode(stream);
      return { name, status: run.status, error: run.error, identical: sameBytes(run.output, data) };
    });
    expect(decoded).toEqual(names.map((name) => ({ name, status: 0, error: "", identical: true })));
    const multiBlock = Uint8Array.from({ length: 250_000 }, (_, i) => (i % 1000 < 500 ? 0 : i & 0xff));
    const run = referenceDecode(bzip2Encode(multiBlock, { level: 1 }));
    expect(run.status).toBe(0);
    expect(sameBytes(run.output, multiBlock)).toBe(true);
  });
});

describe("sortRotations", () => {
  /** The rotations' order by direct comparison, for small blocks. */
  function naive(block: Uint8Array): string[] {
    const n = block.length;
    const rotation = (start: number): string => Array.from({ length: n }, (_, i) => String.fromCharCode(block[(start + i) % n]!)).join("");
    return Array.from({ length: n }, (_, start) => rotation(start)).sort();
  }

  it("sorts cyclic rotations as a direct comparison does, periodic and repetitive blocks included", () => {
    const blocks = [
      Uint8Array.of(5),
      new TextEncoder().encode("banana"),
      new TextEncoder().encode("abababab"),
      new TextEncoder().encode("mississippi"),
      new Uint8Array(64),
      Uint8Array.from({ length: 200 }, (_, i) => (i % 3 === 0 ? 1 : 0)),
      randomBytes(300, 3).map((byte) => byte & 3),
      randomBytes(500, 4),
      Uint8Array.from({ length: 400 }, (_, i) => (i < 100 ? (i * 37) % 11 : i % 50 === 0 ? 1 : 0)),
      new TextEncoder().encode("abracadabra".repeat(30)),
      Uint8Array.from([...randomBytes(2000, 6), ...new Uint8Array(600)]),
    ];
    for (const block of blocks) {
      const order = sortRotations(block);
      const n = block.length;
      const sorted = Array.from(order, (start) =>
        Array.from({ length: n }, (_, i) => String.fromCharCode(block[(start + i) % n]!)).join(""),
      );
      expect(sorted).toEqual(naive(block));
      expect(new Set(order).size).toBe(n);
    }
  });
});

describe("limitedCodeLengths", () => {
  it("keeps codes within the limit on skewed weights, as a complete prefix code", () => {
    const fibonacci = [1, 1];
    while (fibonacci.length < 40) fibonacci.push(fibonacci.at(-1)! + fibonacci.at(-2)!);
    const weights = [...fibonacci, ...Array(218).fill(0)];
    const free = limitedCodeLengths(weights, 64);
    expect(Math.max(...free)).toBeGreaterThan(17);
    const lengths = limitedCodeLengths(weights, 17);
    expect(Math.max(...lengths)).toBeLessThanOrEqual(17);
    expect(Math.min(...lengths)).toBeGreaterThanOrEqual(1);
    expect(lengths.reduce((sum, length) => sum + 2 ** -length, 0)).toBe(1);
  });

  it("gives two symbols one bit each and a single symbol one bit", () => {
    expect(Array.from(limitedCodeLengths([3, 0], 17))).toEqual([1, 1]);
    expect(Array.from(limitedCodeLengths([7], 17))).toEqual([1]);
  });
});
