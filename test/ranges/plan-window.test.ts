import { describe, expect, it } from "vitest";
import { type ByteRange, executePlan, planRanges } from "../../src/index.js";

/** A fetcher over a synthetic object (byte i is i & 255) that counts fetches in flight. */
function countingFetcher(failAt?: number) {
  const state = { started: 0, inFlight: 0, maxInFlight: 0 };
  const fetchSpan = async (span: ByteRange): Promise<Uint8Array> => {
    const number = state.started++;
    state.inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
    await new Promise((resolve) => setImmediate(resolve));
    state.inFlight--;
    if (number === failAt) throw new Error(`fetch ${number} failed`);
    return Uint8Array.from({ length: span.length }, (_, i) => (span.offset + i) & 255);
  };
  return { state, fetchSpan };
}

describe("executePlan", () => {
  it("keeps at most 1,024 spans in flight by default, or as asked, and returns every range exactly", async () => {
    const ranges = Array.from({ length: 5000 }, (_, i) => ({ offset: ((i * 7919) % 5000) * 10, length: 3 }));
    const plan = planRanges(ranges, { mergeGap: 0 });
    expect(plan).toHaveLength(5000);
    const wide = countingFetcher();
    const out = await executePlan(ranges, plan, wide.fetchSpan);
    expect(wide.state.maxInFlight).toBe(1024);
    out.forEach((bytes, i) => {
      const { offset } = ranges[i] as ByteRange;
      expect(Array.from(bytes)).toEqual([offset & 255, (offset + 1) & 255, (offset + 2) & 255]);
    });
    const narrow = countingFetcher();
    await executePlan(ranges, plan, narrow.fetchSpan, 7);
    expect(narrow.state.maxInFlight).toBe(7);
  });

  it("assembles a range split into parts, and gives empty ranges empty arrays", async () => {
    const ranges = [
      { offset: 5, length: 1000 },
      { offset: 20, length: 0 },
      { offset: 990, length: 30 },
    ];
    const plan = planRanges(ranges, { mergeGap: 0, maxPartSize: 64 });
    const { fetchSpan } = countingFetcher();
    const [long, empty, tail] = await executePlan(ranges, plan, fetchSpan, 3);
    expect(Array.from(long as Uint8Array)).toEqual(Array.from({ length: 1000 }, (_, i) => (5 + i) & 255));
    expect(empty).toHaveLength(0);
    expect(Array.from(tail as Uint8Array)).toEqual(Array.from({ length: 30 }, (_, i) => (990 + i) & 255));
  });

  it("rejects with the first failure and starts no span after it", async () => {
    const ranges = Array.from({ length: 100 }, (_, i) => ({ offset: i * 10, length: 2 }));
    const failing = countingFetcher(3);
    await expect(executePlan(ranges, planRanges(ranges, { mergeGap: 0 }), failing.fetchSpan, 4)).rejects.toThrow("fetch 3 failed");
    expect(failing.state.started).toBeLessThanOrEqual(8);
  });
});
