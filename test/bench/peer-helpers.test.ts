import { describe, expect, it } from "vitest";
import { fitsHeaders } from "../../bench/peers/fits-walk.js";
import { aheadOfEveryPeer, type Measurement } from "../../bench/table.js";
import { writeFits } from "../../src/fits.js";

describe("the peers' FITS header walk", () => {
  const file = writeFits([
    { data: new Float32Array(720 * 3).fill(1), cards: [{ keyword: "OBJECT", value: "first", comment: "" }] },
    { data: new Int16Array(1440 * 2 + 1), name: "SCI", cards: [{ keyword: "EXPTIME", value: 300, comment: "" }] },
  ]);

  it("finds every HDU's header by skipping each one's data", () => {
    const headers = fitsHeaders(file);
    expect(headers.map((header) => [header.NAXIS1, header.EXTNAME ?? null])).toEqual([
      ["2160", null],
      ["2881", "'SCI     '"],
    ]);
    expect(headers[1]?.EXPTIME).toBe("300");
  });

  it("refuses a file cut inside a header", () => {
    const headerStart = 2880 + 3 * 2880;
    expect(() => fitsHeaders(file.subarray(0, headerStart + 1000))).toThrow(/cut short/);
  });
});

describe("the goal 'skyfs ahead of every peer'", () => {
  const row = (peer: string, seconds?: number, skipped?: string): Measurement => ({ scenario: "s", peer, seconds, skipped });

  it("holds only when every peer is slower, baselines of skyfs aside", () => {
    expect(aheadOfEveryPeer("s", [row("skyfs", 1), row("skyfs baseline", 0.5), row("a", 1.1), row("b", 2)], "g").met).toBe(true);
    expect(aheadOfEveryPeer("s", [row("skyfs", 1), row("a", 1.1), row("b", 0.99)], "g").met).toBe(false);
  });

  it("is unknown when a peer was skipped or skyfs not measured", () => {
    expect(aheadOfEveryPeer("s", [row("skyfs", 1), row("a", 1.1), row("b", undefined, "not installed")], "g").met).toBeUndefined();
    expect(aheadOfEveryPeer("s", [row("a", 1.1)], "g").met).toBeUndefined();
  });
});
