import { describe, expect, it } from "vitest";
import { ReusedArrays } from "../../src/core/reused-arrays.js";

describe("ReusedArrays", () => {
  it("hands out arrays of exactly the length asked, and reuses one given back for the next of its size class", () => {
    const arrays = new ReusedArrays(256 * 1024);
    const first = arrays.take(10_240);
    expect(first.length).toBe(10_240);
    expect(first.buffer.byteLength).toBe(16_384);
    first.fill(7);
    arrays.giveBack(first);
    const second = arrays.take(9_000);
    expect(second.length).toBe(9_000);
    expect(second.buffer).toBe(first.buffer);
    expect(arrays.take(9_000).buffer).not.toBe(first.buffer);
  });

  it("keeps one page as the smallest class and never reuses arrays longer than its largest", () => {
    const arrays = new ReusedArrays(8192);
    const tiny = arrays.take(1);
    expect(tiny.buffer.byteLength).toBe(4096);
    arrays.giveBack(tiny);
    expect(arrays.take(4096).buffer).toBe(tiny.buffer);
    const large = arrays.take(8193);
    expect(large.buffer.byteLength).toBe(8193);
    arrays.giveBack(large);
    expect(arrays.take(8193).buffer).not.toBe(large.buffer);
    expect(arrays.take(0).length).toBe(0);
  });

  it("takes back only what it handed out, and each array once", () => {
    const arrays = new ReusedArrays(65_536);
    const foreign = new Uint8Array(new ArrayBuffer(4096), 0, 100);
    arrays.giveBack(foreign);
    expect(arrays.take(100).buffer).not.toBe(foreign.buffer);
    const mine = arrays.take(100);
    arrays.giveBack(mine);
    arrays.giveBack(mine);
    const a = arrays.take(100);
    const b = arrays.take(100);
    expect(a.buffer).toBe(mine.buffer);
    expect(b.buffer).not.toBe(mine.buffer);
  });
});
