/**
 * Fuzzing the ASDF YAML layer: generated trees of flow-style YAML with anchors, aliases (also
 * dangling and cyclic), the tags skyfs understands (with wrong bodies as often as right ones)
 * and unknown tags, over a real block; and random plain trees written by `writeAsdf` and read
 * back. Only typed errors may come out, summaries never fail, and what is written is what is read.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AsdfFile, type NdArray, writeAsdf } from "../../src/asdf.js";
import { BytesSource, SkyfsError } from "../../src/index.js";
import { bytesOf, TREE_START, writeAsdf as writeRaw } from "../asdf/asdf-writer.js";

const TAGS = [
  "!core/ndarray-1.0.0",
  "!unit/quantity-1.1.0",
  "!unit/unit-1.0.0",
  "!time/time-1.1.0",
  "!core/complex-1.0.0",
  "!core/externalarray-1.0.0",
  "!<tag:example.org:custom/thing-1.0.0>",
  "!<asdf://stsci.edu/datamodels/roman/tags/wfi_image-1.0.0>",
  "!!str",
  "!!int",
  "!!float",
  "!!map",
  "!!seq",
];

const SCALARS = [
  "0",
  "-1",
  "3",
  "200000000",
  "9223372036854775807",
  "1.5e300",
  ".nan",
  "-.inf",
  "yes",
  "off",
  "~",
  "null",
  "''",
  '"quoted \\u00e9"',
  "(1+2j)",
  "int16",
  "float32",
  "big",
  "little",
  "[ucs4, 3]",
  "'*'",
  "DN / s",
  "2027-06-01T00:00:00",
];

const KEYS = [
  "source",
  "data",
  "datatype",
  "byteorder",
  "shape",
  "strides",
  "offset",
  "mask",
  "value",
  "unit",
  "format",
  "scale",
  "target",
  "x",
];

/** An ndarray over the block, well formed or nearly: shapes, strides and offsets of every sign. */
const ndarray: fc.Arbitrary<string> = fc
  .record({
    datatype: fc.constantFrom("int16", "uint8", "float32", "int32", "float64", "[ucs4, 2]", "[ascii, 3]", "bool8", "complex64"),
    byteorder: fc.constantFrom("big", "little"),
    shape: fc.array(fc.oneof(fc.integer({ min: 0, max: 40 }), fc.constant("'*'")), { minLength: 0, maxLength: 3 }),
    strides: fc.option(fc.array(fc.integer({ min: -20, max: 20 }), { minLength: 0, maxLength: 3 })),
    offset: fc.option(fc.integer({ min: -4, max: 130 })),
    source: fc.constantFrom("0", "0", "0", "-1", "1"),
  })
  .map(
    ({ datatype, byteorder, shape, strides, offset, source }) =>
      `!core/ndarray-1.0.0 {source: ${source}, datatype: ${datatype}, byteorder: ${byteorder}, shape: [${shape.join(", ")}]${
        strides ? `, strides: [${strides.join(", ")}]` : ""
      }${offset === null ? "" : `, offset: ${offset}`}}`,
  );

/** A flow-style YAML node, with anchors `a0`..`a3` and aliases to them. */
const node: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom(...SCALARS),
    fc.constantFrom("*a0", "*a1", "*a2", "*a3"),
    ndarray,
    fc.tuple(fc.constantFrom(...TAGS), tie("node")).map(([tag, inner]) => `${tag} ${inner}`),
    fc.tuple(fc.constantFrom("a0", "a1", "a2", "a3"), tie("node")).map(([anchor, inner]) => `&${anchor} ${inner}`),
    fc.array(tie("node"), { maxLength: 4 }).map((items) => `[${items.join(", ")}]`),
    fc
      .array(fc.tuple(fc.constantFrom(...KEYS), tie("node")), { maxLength: 5 })
      .map((pairs) => `{${pairs.map(([key, value]) => `${key}: ${value}`).join(", ")}}`),
  ),
})).node;

const block = bytesOf(
  Array.from({ length: 64 }, (_, i) => i),
  "int16",
  "big",
);

let parsed = 0;
let arraysRead = 0;

async function exercise(yaml: string, slices: Array<[number | null, number | null]>): Promise<void> {
  const bytes = writeRaw(yaml, [{ data: block }]);
  let file: AsdfFile;
  try {
    file = await AsdfFile.open(new BytesSource(bytes, "memory://fuzz/yaml.asdf"), {
      maxArrayBytes: 1 << 20,
      maxYamlAliases: 50,
      maxYamlAliasNodes: 5000,
    });
    parsed++;
  } catch (error) {
    if (!(error instanceof SkyfsError)) throw error;
    return;
  }
  file.info();
  JSON.stringify(file.toJSON(), (_key, value) => (typeof value === "bigint" ? value.toString() : value));
  for (const path of file.arrays()) {
    const array = file.get(path) as NdArray;
    for (const read of [() => array.read(), () => array.section(slices)]) {
      try {
        await read();
        arraysRead++;
      } catch (error) {
        if (!(error instanceof SkyfsError)) throw error;
      }
    }
  }
}

describe("ASDF YAML layer under generated trees", () => {
  it("gives only typed errors and summaries that never fail, for anchors, aliases and tags of every kind", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom("a", "b", "meta", "arr"), node), { minLength: 1, maxLength: 4 }),
        fc.array(fc.tuple(fc.option(fc.integer({ min: -70, max: 70 })), fc.option(fc.integer({ min: -70, max: 70 }))), { maxLength: 3 }),
        async (entries, slices) => {
          const yaml = `${TREE_START}${entries.map(([key, value]) => `${key}: ${value}`).join("\n")}\n...\n`;
          await exercise(yaml, slices);
        },
      ),
      { numRuns: 400, seed: 21 },
    );
    expect(parsed).toBeGreaterThan(100);
    expect(arraysRead).toBeGreaterThan(50);
  }, 120_000);

  it("reads back exactly what writeAsdf wrote, for random plain trees", async () => {
    const text = fc.string({ unit: "grapheme", maxLength: 12 });
    const key = fc.oneof(text, fc.constantFrom("yes", "null", "1", "__proto__", "a: b", "-", "#", "&x", "*y", "!t"));
    const leaf = fc.oneof(
      fc.integer(),
      fc.double({ noNaN: true }),
      fc.boolean(),
      fc.constant(null),
      text,
      fc.string({ unit: "binary", maxLength: 8 }),
      fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
      fc.date({ min: new Date("1000-01-01T00:00:00Z"), max: new Date("9999-12-31T23:59:59Z"), noInvalidDate: true }),
    );
    const tree = fc.letrec<{ value: unknown }>((tie) => ({
      value: fc.oneof(
        { depthSize: "small" },
        leaf,
        fc.array(tie("value"), { maxLength: 5 }),
        fc.dictionary(key, tie("value"), { maxKeys: 5 }),
      ),
    })).value;
    const normal = (value: unknown): unknown => {
      if (typeof value === "number" && Object.is(value, -0)) return 0;
      if (typeof value === "bigint" && value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER))
        return Number(value);
      if (Array.isArray(value)) return value.map(normal);
      if (value !== null && typeof value === "object") {
        const out: Record<string, unknown> = {};
        for (const [name, item] of Object.entries(value)) Object.defineProperty(out, name, { value: normal(item), enumerable: true });
        return out;
      }
      return value;
    };
    await fc.assert(
      fc.asyncProperty(tree, async (payload) => {
        const bytes = writeAsdf({ payload });
        const file = await AsdfFile.open(new BytesSource(bytes, "memory://fuzz/roundtrip.asdf"));
        expect(normal(file.get("payload"))).toEqual(normal(payload));
      }),
      { numRuns: 300, seed: 8 },
    );
  }, 120_000);
});
