import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { concatBytes } from "../../src/core/bytes.js";
import { Xxh64, xxh64 } from "../../src/core/compression/xxh64.js";
import { createMemoryStore, decompressStream, filesystem } from "../../src/index.js";
import { lcgBytes } from "../bytes.js";
import { problemOf } from "./problem.js";

function textBytes(lines: number): Uint8Array {
  let text = "";
  for (let i = 0; i < lines; i++) text += `row ${String(i).padStart(4, "0")} flux ${(Math.sin(i) * 1000).toFixed(3)}\n`;
  return new TextEncoder().encode(text);
}

function fromBase64(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, "base64"));
}

// Frames made by the zstd 1.5.4 command line from the generated inputs below (there is no zstd
// encoder in JavaScript among the project's dependencies):
// `zstd -19 --check` of textBytes(120): one compressed block, content checksum.
const TEXT_FRAME = fromBase64(
  "KLUv/WSDCTUUACb+eBWgJYU2PxrHIlU1ikyR3ZtlIbXigyN3AHEAcABm4Y0zrrYbWv1cxdpZa9iR8hUrTtHSaKRMh1oZbSxFZ+XRM09y8Rl1vg/FfhPnucHsMspKwhg/nQmjNHNFm2r8/C/SIFGFEBFW6K7hfZ9PK7sS4q9GPV2vhml1gaJCIZl7+XjliEIWQUQwBgUGABgYREQMCAQQEGOfM/u7TGhDJ1WUllUd/9d9dFWg6lmfcY3m9y3jTOqGtUbF1HHqryptFzxXnMrZR4kbxRnlahxPqO4o42mLJi/V6JIgI8KiC4r6cey/De21pzhk9zvKbxNCl0KNg29R5fw/V6JU1ROkIOkE7ccEjXECFgzz/WGNLabU5yJOb3ZBOwkVF84ckQ1tn7ccmdrma3Kb84djREhE4b5zpBwt/j+H0KysPp6njITlU+9oZ2Gm5lRbFZS6yM25i4vykUTunndHi1U+qQr2mlaXNRg9WQ3PZMTCz9UiNLuImBQTwsJztAIKoty8dYpv33hbODGjTa2GWPQKn+SjWngf+3lXqkhmGSqJQogMHU38i2m96yNZbkh4Paspxr1ao3QC3WdrczXpbzTYIjEbWlSEXJT/Xw/nKvhh/M3ZdbuVY6tXWVSqS9PHjPi7UPusELmfc8fjAYDwqBGgERIQRrt3sF0DIELMPhwCsQMelZtruuvvrZ6dv2ralInNZ2VlZEocJA6BgXhCspPH6/dSZ7IXzJ1tW6573n2pU620g7mzbf1rfzI9JP1g8Lm1gQmYP+XMXzVtGi6XldXxob+nTWd1NN5ZX7vZ/tu5n7Zc97zTbPpWK+34MTA6dXUunvIrpmUy+NzawGRUfsJPPVTLw3RpU8DlVAUEDUYa",
);
// `zstd --check` of lcgBytes(300, 7): one raw block (its header at byte 7, its content at bytes 10 to 309), checksum.
const RAW_FRAME = fromBase64(
  "KLUv/WQsAGEJAD3pnO0M21wNEfv5iHOMmsfHa3naXHsXv9VbLfsfdHQbHZ/FFZvtRJdaUIO2TyjfoGH/fC1A65Z+LG8tALHCJYu94l9oo9SAe8n1U+I1RvO3NQ1L08I1gsFqVFo03jSts3BEhlYZYnfA3MY7r5UTvtKQ2g6/b/7pMkjZz/zzB+I9+z3s1aWPXy8GAiLDFl19/jCNgWiJDq08cS6/v24d6RWWJ9hfo3ZEV65NA8mPmcOISTT0ygdThA+G6G3rAf0+bu8/IvEjVAiKLq7sbw/edASDvkplkdz5nxsCMvCVz7G7KKg5DeiOXt7TkAFo1OnJSfkA+jyH32qkutl7Q0JhY7bXaB65aqnOLOLDdmtWGE9yOrER1vm1CJvdLMlbWibOXQNqZ33WULQTj3mZMW8neuo=",
);
// `zstd --no-check` of lcgBytes(200, 11): one raw block, no checksum (descriptor bit 2 clear).
const UNCHECKED_FRAME = fromBase64(
  "KLUv/SDIQQYAPUZZE7fYFbcaNslFW1qEpGR6q2Ygu8UJTSCTDFzszrr3DFzGCDbcLUjfwPC5J3aXkmlAnnQMwiMJsWaVR/4kKgqER1K7gzOKMZ5iJhGy+wZBXsxXUfmNs9gIpWEpYuV89Z3pOpt0G65UPIWqepznoI0Zxra8LW5cEQAPF5TrbmLta+fDZiamfF8kU4SAaaGYQ39+o6y1xMBAFbefjU6xEtkjufbOGPvZOWdH/SKBJqfkmBbJDgL+iCRqBSaNJjRGVSGso3stU7A=",
);

/** A skippable frame (magic 0x184D2A53) holding `content`. */
function skippable(content: Uint8Array): Uint8Array {
  const frame = new Uint8Array(8 + content.length);
  new DataView(frame.buffer).setUint32(0, 0x184d2a53, true);
  new DataView(frame.buffer).setUint32(4, content.length, true);
  frame.set(content, 8);
  return frame;
}

async function* chunked(data: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < data.length; at += size) yield data.slice(at, at + size);
}

async function decode(data: Uint8Array, chunk = 1000): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const part of decompressStream("zstd", chunked(data, chunk))) parts.push(part);
  return Buffer.concat(parts);
}

function flipped(data: Uint8Array, at: number): Uint8Array {
  const copy = Uint8Array.from(data);
  copy[at]! ^= 0x5a;
  return copy;
}

const text = textBytes(120);
const raw = lcgBytes(300, 7);
const unchecked = lcgBytes(200, 11);

describe("XXH64", () => {
  // Reference values from the xxHash library (libxxhash 0.8.1).
  const data = lcgBytes(100, 3);
  const vectors: Array<[number, bigint]> = [
    [1, 0x022545933f06bf0dn],
    [3, 0x3271d887c23bf8ffn],
    [4, 0x1f611c4cdce9a572n],
    [7, 0x4dda3415d512a441n],
    [8, 0xb3f3fe795d14bc83n],
    [12, 0xa024b76ab0a054e9n],
    [31, 0xf1bc2992ed09a6a2n],
    [32, 0xaea762c0085ff4f4n],
    [33, 0xaba1c305a76ec83fn],
    [63, 0x05f4ee39a7a428cbn],
    [64, 0x08ca8fe1b78383a5n],
    [65, 0xf8fe4bd56dbff41cn],
    [100, 0xbf90d8ebe17e203en],
  ];

  it("matches the reference for the empty input, short strings and every tail length", () => {
    expect(xxh64(new Uint8Array(0))).toBe(0xef46db3751d8e999n);
    expect(xxh64(new TextEncoder().encode("abc"))).toBe(0x44bc2cf5ad770999n);
    for (const [length, expected] of vectors) expect(xxh64(data.subarray(0, length))).toBe(expected);
    expect(xxh64(data, 0x9e3779b1)).toBe(0x44e3a2dae6a64a1dn);
  });

  it("gives the same hash whatever pieces the input comes in", () => {
    const long = lcgBytes(5000, 9);
    const whole = xxh64(long);
    for (const piece of [1, 5, 31, 32, 33, 1000]) {
      const hash = new Xxh64();
      for (let at = 0; at < long.length; at += piece) hash.update(long.subarray(at, at + piece));
      expect(hash.digest()).toBe(whole);
    }
  });
});

describe("zstd content checksums", () => {
  const stream = concatBytes([TEXT_FRAME, skippable(new Uint8Array([1, 2, 3, 4, 5])), RAW_FRAME, UNCHECKED_FRAME]);
  const expected = Buffer.from(concatBytes([text, raw, unchecked]));

  it("the fixtures are what they say: checksum flags set, cleared, a raw block", () => {
    expect((TEXT_FRAME[4]! >> 2) & 1).toBe(1);
    expect((RAW_FRAME[4]! >> 2) & 1).toBe(1);
    expect((UNCHECKED_FRAME[4]! >> 2) & 1).toBe(0);
    expect((RAW_FRAME[7]! >> 1) & 3).toBe(0);
    expect(RAW_FRAME.subarray(10, 310)).toEqual(raw);
  });

  it("decodes several frames and a skippable one, checksums verified, in any chunking", async () => {
    for (const chunk of [1, 7, 100_000]) expect(Buffer.compare(await decode(stream, chunk), expected)).toBe(0);
  });

  it("refuses a frame whose raw content has a flipped byte (structurally valid) with a checksum error", async () => {
    expect(await problemOf(decode(flipped(RAW_FRAME, 10 + 150)))).toBe("checksum");
    const at = TEXT_FRAME.length + 13 + 10 + 42;
    expect(await problemOf(decode(flipped(stream, at), 64))).toBe("checksum");
  });

  it("refuses a frame whose recorded checksum is altered", async () => {
    expect(await problemOf(decode(flipped(RAW_FRAME, RAW_FRAME.length - 1)))).toBe("checksum");
    expect(await problemOf(decode(flipped(stream, TEXT_FRAME.length - 2)))).toBe("checksum");
  });

  it("decodes a frame without a checksum, and does not take its last bytes for one", async () => {
    expect(Buffer.compare(await decode(UNCHECKED_FRAME, 3), Buffer.from(unchecked))).toBe(0);
  });

  it("refuses truncated frames, garbage after the last frame, reserved bits and reserved block types", async () => {
    expect(await problemOf(decode(stream.subarray(0, stream.length - 1)))).toBe("truncated");
    expect(await problemOf(decode(RAW_FRAME.subarray(0, RAW_FRAME.length - 2)))).toBe("truncated");
    expect(await problemOf(decode(concatBytes([RAW_FRAME, new Uint8Array([1, 2, 3, 4, 5])])))).toBe("corrupt");
    expect(await problemOf(decode(flipped(RAW_FRAME, 4)))).toBe("corrupt");
    const reservedBlock = Uint8Array.from(RAW_FRAME);
    reservedBlock[7] = reservedBlock[7]! | 0b110;
    expect(await problemOf(decode(reservedBlock))).toBe("corrupt");
    expect(await problemOf(decode(skippable(new Uint8Array(3)).subarray(0, 9)))).toBe("truncated");
  });
});

const zstdCli = ["/usr/bin/zstd", "/usr/local/bin/zstd"].find((path) => existsSync(path));

describe.skipIf(!zstdCli)("zstd checksums against the zstd command line (when installed)", () => {
  const content = new Uint8Array(3_000_000);
  for (let i = 0; i < content.length; i++) content[i] = (i % 4096 < 2048 ? i >> 7 : Math.imul(i, 2654435761) >>> 27) & 0xff;
  const compressed = new Uint8Array(execFileSync(zstdCli as string, ["-q", "-3", "--check", "-c"], { input: content, maxBuffer: 1 << 26 }));

  it("decodes a multi-block frame and refuses it once any of a sample of its bytes is altered", async () => {
    expect(Buffer.compare(await decode(compressed, 65536), Buffer.from(content))).toBe(0);
    let checked = 0;
    for (let at = 20; at < compressed.length; at += Math.floor(compressed.length / 16)) {
      const problem = await problemOf(decode(flipped(compressed, at), 65536));
      expect(problem).not.toBe("none");
      if (problem === "checksum") checked++;
    }
    expect(await problemOf(decode(flipped(compressed, compressed.length - 3), 65536))).toBe("checksum");
    expect(checked).toBeGreaterThan(0);
  });
});

describe("zstd checksums through the public API", () => {
  it("cat and open refuse a .zst whose content checksum disagrees, and read a good one", async () => {
    const fs = filesystem("memory", { store: createMemoryStore() });
    await fs.pipe("memory://bucket/good.txt.zst", RAW_FRAME);
    await fs.pipe("memory://bucket/bad.txt.zst", flipped(RAW_FRAME, 10 + 150));
    expect(await fs.cat("memory://bucket/good.txt.zst", { compression: "infer" })).toEqual(raw);
    expect(await problemOf(fs.cat("memory://bucket/bad.txt.zst", { compression: "infer" }))).toBe("checksum");
    // An object this small is decoded whole at open, so the open itself is refused.
    expect(await problemOf(fs.open("memory://bucket/bad.txt.zst", { compression: "zstd" }))).toBe("checksum");
  });
});
