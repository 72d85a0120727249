/** The portable byte helpers every format reader relies on, with every byte value. */
import { describe, expect, it } from "vitest";
import { fromBase64, latin1Decode, latin1Encode, toBase64 } from "../../src/core/bytes.js";

const everyByte = Uint8Array.from({ length: 256 }, (_, i) => i);
const isoText = Array.from(everyByte, (byte) => String.fromCharCode(byte)).join("");

describe("portable byte helpers", () => {
  it("decodes every byte as its ISO-8859-1 character, 0x80-0x9F included (not windows-1252's)", () => {
    expect(latin1Decode(everyByte)).toBe(isoText);
    expect(latin1Decode(new Uint8Array([0x80, 0x9f]))).toBe("\u0080\u009f");
    expect(latin1Decode(new TextEncoder().encode("SIMPLE  =                    T"))).toBe("SIMPLE  =                    T");
    expect(latin1Decode(new Uint8Array(0))).toBe("");
    const long = Uint8Array.from({ length: 100_000 }, (_, i) => i % 256);
    expect(latin1Decode(long)).toBe(isoText.repeat(Math.ceil(100_000 / 256)).slice(0, 100_000));
  });

  it("encodes ISO-8859-1 back to the same bytes, and base64 both ways", () => {
    expect(Array.from(latin1Encode(isoText))).toEqual(Array.from(everyByte));
    expect(toBase64(everyByte)).toBe(Buffer.from(everyByte).toString("base64"));
    expect(Array.from(fromBase64(toBase64(everyByte)) ?? [])).toEqual(Array.from(everyByte));
    expect(fromBase64("not base64!")).toBeUndefined();
  });
});
