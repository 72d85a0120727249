import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type ByteRange, executePlan, planRanges } from "../../src/index.js";

const SIZE = 50_000;
const data = Uint8Array.from({ length: SIZE }, (_, i) => (i * 7 + (i >> 8)) & 255);

const rangeArbitrary = fc
  .tuple(fc.integer({ min: 0, max: SIZE - 1 }), fc.integer({ min: 0, max: 6000 }))
  .map(([offset, length]): ByteRange => ({ offset, length: Math.min(length, SIZE - offset) }));

describe("range planning", () => {
  it("gives every caller exactly its bytes, whatever the ranges, gap and part size", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(rangeArbitrary, { maxLength: 40 }),
        fc.integer({ min: 0, max: 5000 }),
        fc.integer({ min: 1, max: 20_000 }),
        async (ranges, mergeGap, maxPartSize) => {
          const plan = planRanges(ranges, { mergeGap, maxPartSize });
          expect(plan.filter((fetch) => fetch.span.length > maxPartSize)).toEqual([]);
          const results = await executePlan(ranges, plan, async (span) => data.slice(span.offset, span.offset + span.length));
          expect(results).toHaveLength(ranges.length);
          const wrong = ranges.filter(
            (range, i) => !Buffer.from(results[i] as Uint8Array).equals(data.subarray(range.offset, range.offset + range.length)),
          );
          expect(wrong).toEqual([]);
        },
      ),
      { numRuns: 300, seed: 17 },
    );
  });

  it("merges ranges whose gap is at most the threshold and keeps the others apart", () => {
    const rows = Array.from({ length: 100 }, (_, i): ByteRange => ({ offset: i * 16_384, length: 400 }));
    expect(planRanges(rows, { mergeGap: 8192 })).toHaveLength(100);
    const merged = planRanges(rows, { mergeGap: 16_384 });
    expect(merged).toHaveLength(1);
    expect(merged[0]?.span).toEqual({ offset: 0, length: 99 * 16_384 + 400 });
    expect(
      planRanges(
        [
          { offset: 0, length: 10 },
          { offset: 5, length: 10 },
          { offset: 100, length: 0 },
        ],
        { mergeGap: 0 },
      ),
    ).toEqual([{ span: { offset: 0, length: 15 }, serves: [0, 1] }]);
  });

  it("orders ranges given out of order by offset, ties in their given order, skipping empty ones", () => {
    const ranges: ByteRange[] = [
      { offset: 300, length: 10 },
      { offset: 0, length: 0 },
      { offset: 100, length: 5 },
      { offset: 100, length: 20 },
      { offset: 50, length: 10 },
    ];
    expect(planRanges(ranges, { mergeGap: 0 })).toEqual([
      { span: { offset: 50, length: 10 }, serves: [4] },
      { span: { offset: 100, length: 20 }, serves: [2, 3] },
      { span: { offset: 300, length: 10 }, serves: [0] },
    ]);
  });

  it("splits a huge range into parts that cover it exactly", () => {
    const plan = planRanges([{ offset: 10, length: 25 }], { maxPartSize: 10 });
    expect(plan.map((fetch) => fetch.span)).toEqual([
      { offset: 10, length: 10 },
      { offset: 20, length: 10 },
      { offset: 30, length: 5 },
    ]);
  });
});
