import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AsdfFile, type NdArray } from "../../src/asdf.js";
import { BytesSource, SkyfsError } from "../../src/index.js";
import { bytesOf, TREE_START, writeAsdf } from "../asdf/asdf-writer.js";

const seed = writeAsdf(
  `${TREE_START}a: !core/ndarray-1.0.0 {source: 0, datatype: int16, byteorder: big, shape: [10, 4]}
b: !core/ndarray-1.0.0 {source: 1, datatype: float64, shape: [50]}
c: !core/ndarray-1.0.0 {source: 0, datatype: int16, byteorder: big, shape: [4], offset: 2, strides: [8]}
meta: {name: fuzz, values: [1, 2.5, yes, !custom/tag-1.0 {x: 1}]}
...
`,
  [
    {
      data: bytesOf(
        Array.from({ length: 40 }, (_, i) => i),
        "int16",
        "big",
      ),
    },
    {
      data: bytesOf(
        Array.from({ length: 50 }, (_, i) => i / 3),
        "float64",
        "little",
      ),
      compression: "zlib",
    },
  ],
);

let opened = 0;

/** Opens and reads every array; only typed errors may come out. */
async function readEverything(bytes: Uint8Array): Promise<void> {
  let file: AsdfFile;
  try {
    file = await AsdfFile.open(new BytesSource(bytes, "memory://fuzz/x.asdf"), { maxArrayBytes: 1 << 20, maxTreeBytes: 1 << 20 });
    opened++;
  } catch (error) {
    if (!(error instanceof SkyfsError)) throw error;
    return;
  }
  file.info();
  file.toJSON();
  for (const path of file.arrays()) {
    try {
      await (file.get(path) as NdArray).read();
    } catch (error) {
      if (!(error instanceof SkyfsError)) throw error;
    }
  }
}

describe("ASDF reader against mutated and random files", () => {
  it("gives only typed errors on mutated trees, blocks and indexes", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat({ max: seed.length - 1 }), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        fc.option(fc.nat({ max: seed.length }), { nil: undefined, freq: 4 }),
        async (edits, cut) => {
          const bytes = seed.slice(0, cut ?? seed.length);
          for (const [at, value] of edits) if (at < bytes.length) bytes[at] = value;
          await readEverything(bytes);
        },
      ),
      { numRuns: 300, seed: 11 },
    );
    expect(opened).toBeGreaterThan(60);
  });

  it("gives only typed errors on random bytes after a valid header", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4000 }), async (tail) => {
        const head = new TextEncoder().encode(`#ASDF 1.0.0\n${TREE_START}x: 1\n...\n`);
        const bytes = new Uint8Array(head.length + tail.length);
        bytes.set(head);
        bytes.set(tail, head.length);
        await readEverything(bytes);
        await readEverything(tail);
      }),
      { numRuns: 200, seed: 5 },
    );
  });
});
