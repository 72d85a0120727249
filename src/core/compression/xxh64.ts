/**
 * XXH64 (xxHash, 64-bit), computed incrementally, as the xxHash specification defines it: zstd
 * frames end with the low 32 bits of the XXH64 (seed 0) of their content. 64-bit arithmetic is
 * done on pairs of unsigned 32-bit halves, so it runs anywhere without BigInt in the hot loop.
 * @module
 */

const P1_HI = 0x9e3779b1;
const P1_LO = 0x85ebca87;
const P2_HI = 0xc2b2ae3d;
const P2_LO = 0x27d4eb4f;
const P1_L0 = P1_LO & 0xffff;
const P1_L1 = P1_LO >>> 16;
const P2_L0 = P2_LO & 0xffff;
const P2_L1 = P2_LO >>> 16;
const P3_HI = 0x165667b1;
const P3_LO = 0x9e3779f9;
const P4_HI = 0x85ebca77;
const P4_LO = 0xc2b2ae63;
const P5_HI = 0x27d4eb2f;
const P5_LO = 0x165667c5;

/** High half of the last result of {@link mul}, {@link add}, {@link rotl} and {@link round}. */
let high = 0;

/** (ah:al) * (bh:bl) modulo 2^64; returns the low half, the high half in {@link high}. */
function mul(ah: number, al: number, bh: number, bl: number): number {
  const a0 = al & 0xffff;
  const a1 = al >>> 16;
  const b0 = bl & 0xffff;
  const b1 = bl >>> 16;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  high = (a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16) + Math.imul(ah, bl) + Math.imul(al, bh)) >>> 0;
  return (((mid & 0xffff) << 16) | (p00 & 0xffff)) >>> 0;
}

/** (ah:al) + (bh:bl) modulo 2^64; returns the low half, the high half in {@link high}. */
function add(ah: number, al: number, bh: number, bl: number): number {
  const low = al + bl;
  high = (ah + bh + (low > 0xffffffff ? 1 : 0)) >>> 0;
  return low >>> 0;
}

/** (h:l) rotated left by n bits (0 < n < 32); returns the low half, the high half in {@link high}. */
function rotl(h: number, l: number, n: number): number {
  high = ((h << n) | (l >>> (32 - n))) >>> 0;
  return ((l << n) | (h >>> (32 - n))) >>> 0;
}

/** The XXH64 round: rotl(acc + lane * P2, 31) * P1. */
function round(accH: number, accL: number, laneH: number, laneL: number): number {
  let l = mul(laneH, laneL, P2_HI, P2_LO);
  l = add(accH, accL, high, l);
  l = rotl(high, l, 31);
  return mul(high, l, P1_HI, P1_LO);
}

function readLow(bytes: Uint8Array, at: number): number {
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
}

/** XXH64 of a stream of bytes given in any number of pieces. */
export class Xxh64 {
  /** The four accumulators, high half first: v1h, v1l, v2h, v2l, v3h, v3l, v4h, v4l. */
  private readonly v = new Uint32Array(8);
  /** Bytes of an unfinished 32-byte stripe. */
  private readonly stripe = new Uint8Array(32);
  private held = 0;
  private total = 0;

  /** @param seed The 32-bit seed (zstd uses 0). */
  constructor(private readonly seed = 0) {
    const v = this.v;
    const s = seed >>> 0;
    v[1] = add(0, s, P1_HI, P1_LO);
    v[0] = high;
    v[1] = add(v[0]!, v[1]!, P2_HI, P2_LO);
    v[0] = high;
    v[3] = add(0, s, P2_HI, P2_LO);
    v[2] = high;
    v[5] = s;
    // seed - P1 is seed + (2^64 - P1).
    v[7] = add(0, s, ~P1_HI >>> 0, (~P1_LO + 1) >>> 0);
    v[6] = high;
  }

  /** Adds `bytes` to the hashed stream. */
  update(bytes: Uint8Array): this {
    this.total += bytes.length;
    let at = 0;
    if (this.held > 0) {
      const n = Math.min(32 - this.held, bytes.length);
      this.stripe.set(bytes.subarray(0, n), this.held);
      this.held += n;
      at = n;
      if (this.held < 32) return this;
      this.stripes(this.stripe, 0, 32);
      this.held = 0;
    }
    const whole = at + Math.floor((bytes.length - at) / 32) * 32;
    if (whole > at) this.stripes(bytes, at, whole);
    if (whole < bytes.length) {
      this.stripe.set(bytes.subarray(whole), 0);
      this.held = bytes.length - whole;
    }
    return this;
  }

  /** Runs the four accumulators over the 32-byte stripes of `bytes` from `start` to `end`. */
  private stripes(bytes: Uint8Array, start: number, end: number): void {
    const v = this.v;
    for (let i = start; i < end; i += 32) {
      for (let lane = 0; lane < 8; lane += 2) {
        const at = i + lane * 4;
        const laneL = (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
        const laneH = (bytes[at + 4]! | (bytes[at + 5]! << 8) | (bytes[at + 6]! << 16) | (bytes[at + 7]! << 24)) >>> 0;
        // lane * P2
        let a0 = laneL & 0xffff;
        let a1 = laneL >>> 16;
        let p00 = a0 * P2_L0;
        let p01 = a0 * P2_L1;
        let p10 = a1 * P2_L0;
        let mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
        let h = a1 * P2_L1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16) + Math.imul(laneH, P2_LO) + Math.imul(laneL, P2_HI);
        let l = (((mid & 0xffff) << 16) | (p00 & 0xffff)) >>> 0;
        // + acc
        l += v[lane + 1]!;
        h = (h + v[lane]! + (l > 0xffffffff ? 1 : 0)) >>> 0;
        l >>>= 0;
        // rotl 31
        const rh = ((h << 31) | (l >>> 1)) >>> 0;
        const rl = ((l << 31) | (h >>> 1)) >>> 0;
        // * P1
        a0 = rl & 0xffff;
        a1 = rl >>> 16;
        p00 = a0 * P1_L0;
        p01 = a0 * P1_L1;
        p10 = a1 * P1_L0;
        mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
        v[lane] = a1 * P1_L1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16) + Math.imul(rh, P1_LO) + Math.imul(rl, P1_HI);
        v[lane + 1] = ((mid & 0xffff) << 16) | (p00 & 0xffff);
      }
    }
  }

  /** The hash of the bytes given so far (the state is unchanged: more bytes may follow). */
  digest(): bigint {
    let hh: number;
    let hl: number;
    if (this.total >= 32) {
      const v = this.v;
      hl = rotl(v[0]!, v[1]!, 1);
      hh = high;
      for (const [lane, n] of [
        [2, 7],
        [4, 12],
        [6, 18],
      ] as const) {
        const rl = rotl(v[lane]!, v[lane + 1]!, n);
        hl = add(hh, hl, high, rl);
        hh = high;
      }
      for (let lane = 0; lane < 8; lane += 2) {
        const kl = round(0, 0, v[lane]!, v[lane + 1]!);
        hl = mul((hh ^ high) >>> 0, (hl ^ kl) >>> 0, P1_HI, P1_LO);
        hl = add(high, hl, P4_HI, P4_LO);
        hh = high;
      }
    } else {
      hl = add(0, this.seed >>> 0, P5_HI, P5_LO);
      hh = high;
    }
    hl = add(hh, hl, Math.floor(this.total / 2 ** 32) >>> 0, this.total >>> 0);
    hh = high;
    const tail = this.stripe;
    let i = 0;
    for (; i + 8 <= this.held; i += 8) {
      const kl = round(0, 0, readLow(tail, i + 4), readLow(tail, i));
      hh = (hh ^ high) >>> 0;
      hl = (hl ^ kl) >>> 0;
      hl = rotl(hh, hl, 27);
      hl = mul(high, hl, P1_HI, P1_LO);
      hl = add(high, hl, P4_HI, P4_LO);
      hh = high;
    }
    if (i + 4 <= this.held) {
      const kl = mul(0, readLow(tail, i), P1_HI, P1_LO);
      hh = (hh ^ high) >>> 0;
      hl = (hl ^ kl) >>> 0;
      hl = rotl(hh, hl, 23);
      hl = mul(high, hl, P2_HI, P2_LO);
      hl = add(high, hl, P3_HI, P3_LO);
      hh = high;
      i += 4;
    }
    for (; i < this.held; i++) {
      const kl = mul(0, tail[i]!, P5_HI, P5_LO);
      hh = (hh ^ high) >>> 0;
      hl = (hl ^ kl) >>> 0;
      hl = rotl(hh, hl, 11);
      hl = mul(high, hl, P1_HI, P1_LO);
      hh = high;
    }
    // Avalanche: h ^= h >> 33; h *= P2; h ^= h >> 29; h *= P3; h ^= h >> 32.
    hl = (hl ^ (hh >>> 1)) >>> 0;
    hl = mul(hh, hl, P2_HI, P2_LO);
    hh = high;
    hl = (hl ^ ((hh << 3) | (hl >>> 29))) >>> 0;
    hh = (hh ^ (hh >>> 29)) >>> 0;
    hl = mul(hh, hl, P3_HI, P3_LO);
    hh = high;
    hl = (hl ^ hh) >>> 0;
    return (BigInt(hh) << 32n) | BigInt(hl);
  }
}

/** XXH64 of `bytes` in one call. */
export function xxh64(bytes: Uint8Array, seed = 0): bigint {
  return new Xxh64(seed).update(bytes).digest();
}
