/**
 * Test-only encoders for RICE_1 and PLIO_1, written from the tiled-image convention, to round
 * trip the library's decoders.
 * @module
 */

/** Appends bits most significant first. */
class BitWriter {
  private readonly bits: number[] = [];

  write(value: number, width: number): void {
    for (let i = width - 1; i >= 0; i--) this.bits.push(Math.floor(value / 2 ** i) % 2);
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(Math.ceil(this.bits.length / 8));
    this.bits.forEach((bit, i) => {
      out[i >> 3] = (out[i >> 3] as number) | (bit << (7 - (i & 7)));
    });
    return out;
  }
}

/** How a block is to be coded: the cheapest way, or forced raw. */
export type RiceBlockChoice = "best" | "raw";

/** Rice-encodes integers of `bytepix` bytes in blocks of `blockSize`. */
export function riceEncode(values: ArrayLike<number>, bytepix: 1 | 2 | 4, blockSize: number, choice: RiceBlockChoice = "best"): Uint8Array {
  const width = bytepix * 8;
  const fsBits = { 1: 3, 2: 4, 4: 5 }[bytepix];
  const fsMax = { 1: 6, 2: 14, 4: 25 }[bytepix];
  const modulus = 2 ** width;
  const out = new BitWriter();
  if (values.length === 0) return out.bytes();
  const first = (((values[0] as number) % modulus) + modulus) % modulus;
  out.write(first, width);
  let last = values[0] as number;
  for (let start = 0; start < values.length; start += blockSize) {
    const mapped: number[] = [];
    for (let i = start; i < Math.min(values.length, start + blockSize); i++) {
      let diff = ((((values[i] as number) - last) % modulus) + modulus) % modulus;
      if (diff >= modulus / 2) diff -= modulus;
      mapped.push(diff >= 0 ? 2 * diff : -2 * diff - 1);
      last = values[i] as number;
    }
    if (choice === "best" && mapped.every((value) => value === 0)) {
      out.write(0, fsBits);
      continue;
    }
    let bestFs = -1;
    let bestCost = mapped.length * width;
    if (choice === "best") {
      for (let fs = 0; fs < fsMax; fs++) {
        const cost = mapped.reduce((sum, value) => sum + Math.floor(value / 2 ** fs) + 1 + fs, 0);
        if (cost < bestCost) {
          bestCost = cost;
          bestFs = fs;
        }
      }
    }
    if (bestFs < 0) {
      out.write(fsMax + 1, fsBits);
      for (const value of mapped) out.write(value, width);
    } else {
      out.write(bestFs + 1, fsBits);
      for (const value of mapped) {
        const top = Math.floor(value / 2 ** bestFs);
        out.write(0, top);
        out.write(1, 1);
        out.write(value % 2 ** bestFs, bestFs);
      }
    }
  }
  return out.bytes();
}

/** PLIO-encodes non-negative integers below 2^24 as a line list of big-endian 16-bit words. */
export function plioEncode(values: ArrayLike<number>): Uint8Array {
  const words: number[] = [0, 7, 0];
  let current = 1;
  let i = 0;
  while (i < values.length) {
    const value = values[i] as number;
    let run = 1;
    while (i + run < values.length && values[i + run] === value && run < 4095) run++;
    if (value === 0) {
      const next = values[i + run];
      if (next !== undefined && next === current && run < 4095) {
        words.push((5 << 12) | (run + 1));
        i += run + 1;
        continue;
      }
      words.push(run);
    } else if (run === 1 && Math.abs(value - current) < 4096) {
      words.push(value >= current ? (6 << 12) | (value - current) : (7 << 12) | (current - value));
      current = value;
    } else {
      if (value !== current) {
        words.push((1 << 12) | (value & 4095), value >> 12);
        current = value;
      }
      words.push((4 << 12) | run);
    }
    i += run;
  }
  words[2] = words.length;
  const out = new Uint8Array(words.length * 2);
  const view = new DataView(out.buffer);
  for (const [at, word] of words.entries()) view.setUint16(at * 2, word);
  return out;
}
