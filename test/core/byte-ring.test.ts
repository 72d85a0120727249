import { describe, expect, it } from "vitest";
import { ByteRing } from "../../src/core/byte-ring.js";

describe("ByteRing", () => {
  it("takes pieces one after another and refuses one that does not fit", () => {
    const ring = new ByteRing(100);
    expect(ring.take(40)).toBe(0);
    expect(ring.take(40)).toBe(40);
    expect(ring.take(30)).toBeUndefined();
    expect(ring.take(20)).toBe(80);
    expect(ring.take(1)).toBeUndefined();
    expect(ring.take(101)).toBeUndefined();
  });

  it("wraps to the start once the oldest pieces are given back, never over a piece in use", () => {
    const ring = new ByteRing(100);
    ring.take(40);
    ring.take(40);
    ring.giveBack();
    expect(ring.take(30)).toBe(0);
    expect(ring.take(11)).toBeUndefined();
    expect(ring.take(10)).toBe(30);
    ring.giveBack();
    expect(ring.take(50)).toBe(40);
    expect(ring.take(20)).toBeUndefined();
    ring.giveBack();
    expect(ring.take(20)).toBe(0);
  });

  it("starts again from offset 0 once every piece is given back", () => {
    const ring = new ByteRing(100);
    for (let round = 0; round < 3; round++) {
      expect(ring.take(60)).toBe(0);
      expect(ring.take(40)).toBe(60);
      ring.giveBack();
      ring.giveBack();
    }
    expect(ring.take(100)).toBe(0);
  });

  it("keeps its place through thousands of pieces given back in order", () => {
    const ring = new ByteRing(1000);
    const taken: number[] = [];
    for (let i = 0; i < 5000; i++) {
      let at = ring.take(7);
      if (at === undefined) {
        ring.giveBack();
        const freed = taken.shift() as number;
        at = ring.take(7);
        expect(at).toBeDefined();
        expect(freed).toBeGreaterThanOrEqual(0);
      }
      const overlapping = taken.filter((other) => Math.abs((at as number) - other) < 7);
      if (overlapping.length > 0) throw new Error(`piece ${i} at ${at} overlaps pieces at ${overlapping.join(", ")}`);
      taken.push(at as number);
    }
    expect(taken.length).toBeGreaterThan(100);
  });
});
