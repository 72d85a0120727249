import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../src/index.js";
import { percentiles, renderPreview } from "../../src/workflows/preview.js";

describe("previews", () => {
  it("stretches between the percentiles, clips outliers and puts row 0 at the bottom", () => {
    const nx = 100;
    const ny = 50;
    const data = new Float32Array(nx * ny);
    for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) data[y * nx + x] = x;
    data[0] = 1e9;
    data[1] = Number.NaN;
    const preview = renderPreview(data, [ny, nx]);
    const png = PNG.sync.read(Buffer.from(preview.png));
    expect([png.width, png.height]).toEqual([100, 50]);
    expect(preview.low).toBeCloseTo(1, 0);
    expect(preview.high).toBeCloseTo(99, 0);
    const pixel = (x: number, y: number): number => png.data[(y * png.width + x) * 4] as number;
    expect(pixel(0, 0)).toBe(0);
    expect(pixel(99, 0)).toBe(255);
    expect(pixel(50, 10)).toBeGreaterThan(120);
    expect(pixel(50, 10)).toBeLessThan(135);
    expect(pixel(0, 49)).toBe(255);
    expect(pixel(1, 49)).toBe(0);
  });

  it("reduces large images by block averaging to the maximum size", () => {
    const data = new Uint16Array(2000 * 1000).fill(7);
    const preview = renderPreview(data, [1, 1000, 2000], { maxSize: 500 });
    expect([preview.width, preview.height]).toEqual([500, 250]);
    const png = PNG.sync.read(Buffer.from(preview.png));
    expect(png.data[0]).toBe(128);
  });

  it("computes percentiles like numpy's linear interpolation", () => {
    expect(percentiles([1, 2, 3, 4, 5], 0, 100)).toEqual([1, 5]);
    expect(percentiles([1, 2, 3, 4], 50, 75)).toEqual([2.5, 3.25]);
    expect(percentiles([Number.NaN, 3, Number.POSITIVE_INFINITY, 1], 0, 100)).toEqual([1, 3]);
  });

  it("refuses arrays that cannot be shown", () => {
    expect(() => renderPreview(new Float32Array(4), [4])).toThrow(InvalidArgumentError);
    expect(() => renderPreview(new Float32Array(3), [2, 2])).toThrow(InvalidArgumentError);
    expect(() => renderPreview(new Float32Array(0), [0, 5])).toThrow(InvalidArgumentError);
  });
});
