import { describe, expect, it } from "vitest";
import { parseContentRange, parseUnsatisfiedRange } from "../../src/backends/content-range.js";

describe("Content-Range values", () => {
  it("reads a satisfied range, with or without its total", () => {
    expect(parseContentRange("bytes 0-99/1000")).toEqual({ start: 0, end: 99, total: 1000 });
    expect(parseContentRange(" bytes 5-9/* ")).toEqual({ start: 5, end: 9, total: undefined });
    expect(parseContentRange("bytes */1000")).toBeUndefined();
    expect(parseContentRange("items 0-9/10")).toBeUndefined();
    expect(parseContentRange(undefined)).toBeUndefined();
  });

  it("reads the size a 416 reply gives, and nothing else", () => {
    expect(parseUnsatisfiedRange("bytes */1000")).toBe(1000);
    expect(parseUnsatisfiedRange(" bytes */0 ")).toBe(0);
    expect(parseUnsatisfiedRange("bytes 0-9/10")).toBeUndefined();
    expect(parseUnsatisfiedRange("bytes */*")).toBeUndefined();
    expect(parseUnsatisfiedRange(undefined)).toBeUndefined();
  });
});
