/**
 * HCOMPRESS_1 decoding: the H-transform coefficients of a tile, coded as quadtrees of bit
 * planes per quadrant with a small Huffman code, then sign bits; decoding rebuilds the
 * coefficients, multiplies them by the scale, and inverts the H-transform level by level.
 * Smoothing (ZVAL SMOOTH != 0) is not applied; the caller refuses such tiles. Arithmetic is
 * 32-bit, as the reference decoder does it for 8- and 16-bit images.
 * @module
 */
import { FormatError } from "../../../core/errors.js";

/** Reads bits and bytes of a stream, most significant bit first. */
class BitReader {
  private position = 0;
  private buffer = 0;
  private bitsLeft = 0;

  constructor(private readonly bytes: Uint8Array) {}

  byte(): number {
    if (this.position >= this.bytes.length) throw new FormatError("the HCOMPRESS stream ends early");
    return this.bytes[this.position++] as number;
  }

  int32(): number {
    return (this.byte() << 24) | (this.byte() << 16) | (this.byte() << 8) | this.byte() | 0;
  }

  int64(): number {
    const high = this.int32();
    const low = this.int32() >>> 0;
    return high * 2 ** 32 + low;
  }

  restartBits(): void {
    this.bitsLeft = 0;
    this.buffer = 0;
  }

  bit(): number {
    if (this.bitsLeft === 0) {
      this.buffer = this.byte();
      this.bitsLeft = 8;
    }
    this.bitsLeft--;
    return (this.buffer >> this.bitsLeft) & 1;
  }

  bits(count: number): number {
    let value = 0;
    for (let i = 0; i < count; i++) value = (value << 1) | this.bit();
    return value;
  }

  /** The code of one 4-bit quadtree value. */
  huffman(): number {
    let code = this.bits(3);
    if (code < 4) return 1 << code;
    code = (code << 1) | this.bit();
    const four: Record<number, number> = { 8: 3, 9: 5, 10: 10, 11: 12, 12: 15 };
    if (code < 13) return four[code] as number;
    code = (code << 1) | this.bit();
    const five: Record<number, number> = { 26: 6, 27: 7, 28: 9, 29: 11, 30: 13 };
    if (code < 31) return five[code] as number;
    code = (code << 1) | this.bit();
    return code === 62 ? 0 : 14;
  }
}

/**
 * HCOMPRESS_1 decode of one tile; `nx` and `ny` are the tile's dimensions (`ny` the slow
 * axis), which the stream must repeat. The scale factor is read from the stream itself.
 * Throws {@link FormatError} on a damaged or mismatched stream.
 */
export function hcompressDecode(bytes: Uint8Array, nx: number, ny: number): Int32Array {
  const input = new BitReader(bytes);
  if (input.byte() !== 0xdd || input.byte() !== 0x99) throw new FormatError("no HCOMPRESS magic");
  const rows = input.int32();
  const columns = input.int32();
  const scale = input.int32();
  if (rows !== ny || columns !== nx) throw new FormatError(`the HCOMPRESS stream is ${columns} x ${rows}, the tile is ${nx} x ${ny}`);
  if (nx <= 0 || ny <= 0) throw new FormatError(`an HCOMPRESS tile of ${nx} x ${ny} is empty`);
  const sum = input.int64();
  const planes = [input.byte(), input.byte(), input.byte()];
  if (planes.some((count) => count > 32)) throw new FormatError("an HCOMPRESS bit plane count is absurd");
  const a = new Int32Array(rows * columns);
  const half = (rows + 1) >> 1;
  const halfColumns = (columns + 1) >> 1;
  input.restartBits();
  decodeQuadrant(input, a, 0, columns, half, halfColumns, planes[0] as number);
  decodeQuadrant(input, a, halfColumns, columns, half, columns >> 1, planes[1] as number);
  decodeQuadrant(input, a, columns * half, columns, rows >> 1, halfColumns, planes[1] as number);
  decodeQuadrant(input, a, columns * half + halfColumns, columns, rows >> 1, columns >> 1, planes[2] as number);
  if (input.bits(4) !== 0) throw new FormatError("bad HCOMPRESS bit plane values");
  input.restartBits();
  for (let i = 0; i < a.length; i++) if (a[i] !== 0 && input.bit()) a[i] = -(a[i] as number);
  a[0] = sum;
  if (scale > 1) for (let i = 0; i < a.length; i++) a[i] = Math.imul(a[i] as number, scale);
  inverseTransform(a, rows, columns);
  return a;
}

function log2Ceil(value: number): number {
  let log = Math.round(Math.log(value) / Math.LN2);
  if (value > 1 << log) log++;
  return log;
}

/** Decodes the bit planes of one quadrant (nqx x nqy values at `start`, rows `n` apart). */
function decodeQuadrant(input: BitReader, a: Int32Array, start: number, n: number, nqx: number, nqy: number, planes: number): void {
  const log2n = log2Ceil(Math.max(nqx, nqy, 1));
  const scratch = new Uint8Array(Math.max(1, ((nqx + 1) >> 1) * ((nqy + 1) >> 1)) * 4);
  for (let bit = planes - 1; bit >= 0; bit--) {
    const format = input.bits(4);
    if (format === 0) {
      for (let i = 0; i < ((nqx + 1) >> 1) * ((nqy + 1) >> 1); i++) scratch[i] = input.bits(4);
    } else if (format === 0xf) {
      scratch[0] = input.huffman();
      let nx = 1;
      let ny = 1;
      let nfx = nqx;
      let nfy = nqy;
      let c = 1 << log2n;
      for (let k = 1; k < log2n; k++) {
        c >>= 1;
        nx <<= 1;
        ny <<= 1;
        if (nfx <= c) nx -= 1;
        else nfx -= c;
        if (nfy <= c) ny -= 1;
        else nfy -= c;
        expand(input, scratch, nx, ny);
      }
    } else {
      throw new FormatError(`bad HCOMPRESS bit plane format ${format}`);
    }
    insertBits(scratch, nqx, nqy, a, start, n, bit);
  }
}

/** Expands 4-bit values of a (nx+1)/2 x (ny+1)/2 grid to single bits of an nx x ny grid, then reads new codes for the non-zero ones. */
function expand(input: BitReader, b: Uint8Array, nx: number, ny: number): void {
  const nx2 = (nx + 1) >> 1;
  const ny2 = (ny + 1) >> 1;
  let k = ny2 * (nx2 - 1) + ny2 - 1;
  for (let i = nx2 - 1; i >= 0; i--) {
    let s00 = 2 * (ny * i + ny2 - 1);
    for (let j = ny2 - 1; j >= 0; j--) {
      b[s00] = b[k] as number;
      k--;
      s00 -= 2;
    }
  }
  let i = 0;
  for (; i < nx - 1; i += 2) {
    let s00 = ny * i;
    let j = 0;
    for (; j < ny - 1; j += 2) {
      const value = b[s00] as number;
      b[s00 + ny + 1] = value & 1;
      b[s00 + ny] = (value >> 1) & 1;
      b[s00 + 1] = (value >> 2) & 1;
      b[s00] = (value >> 3) & 1;
      s00 += 2;
    }
    if (j < ny) {
      const value = b[s00] as number;
      b[s00 + ny] = (value >> 1) & 1;
      b[s00] = (value >> 3) & 1;
    }
  }
  if (i < nx) {
    let s00 = ny * i;
    let j = 0;
    for (; j < ny - 1; j += 2) {
      const value = b[s00] as number;
      b[s00 + 1] = (value >> 2) & 1;
      b[s00] = (value >> 3) & 1;
      s00 += 2;
    }
    if (j < ny) b[s00] = ((b[s00] as number) >> 3) & 1;
  }
  for (let index = nx * ny - 1; index >= 0; index--) if (b[index]) b[index] = input.huffman();
}

/** ORs bit plane `bit` of a quadrant, given as 4-bit codes of 2x2 blocks, into the coefficients. */
function insertBits(codes: Uint8Array, nx: number, ny: number, a: Int32Array, start: number, n: number, bit: number): void {
  const plane = 1 << bit;
  let k = 0;
  let i = 0;
  for (; i < nx - 1; i += 2) {
    let s00 = start + n * i;
    let j = 0;
    for (; j < ny - 1; j += 2) {
      const value = codes[k++] as number;
      if (value & 1) a[s00 + n + 1] = (a[s00 + n + 1] as number) | plane;
      if (value & 2) a[s00 + n] = (a[s00 + n] as number) | plane;
      if (value & 4) a[s00 + 1] = (a[s00 + 1] as number) | plane;
      if (value & 8) a[s00] = (a[s00] as number) | plane;
      s00 += 2;
    }
    if (j < ny) {
      const value = codes[k++] as number;
      if (value & 2) a[s00 + n] = (a[s00 + n] as number) | plane;
      if (value & 8) a[s00] = (a[s00] as number) | plane;
    }
  }
  if (i < nx) {
    let s00 = start + n * i;
    let j = 0;
    for (; j < ny - 1; j += 2) {
      const value = codes[k++] as number;
      if (value & 4) a[s00 + 1] = (a[s00 + 1] as number) | plane;
      if (value & 8) a[s00] = (a[s00] as number) | plane;
      s00 += 2;
    }
    if (j < ny) {
      const value = codes[k++] as number;
      if (value & 8) a[s00] = (a[s00] as number) | plane;
    }
  }
}

/** Interleaves the two halves of `count` values `stride` apart (low half to even, high half to odd positions). */
function unshuffle(a: Int32Array, start: number, count: number, stride: number, tmp: Int32Array): void {
  const half = (count + 1) >> 1;
  for (let i = half, t = 0; i < count; i++, t++) tmp[t] = a[start + stride * i] as number;
  for (let i = half - 1; i >= 0; i--) a[start + 2 * stride * i] = a[start + stride * i] as number;
  for (let i = 1, t = 0; i < count; i += 2, t++) a[start + stride * i] = tmp[t] as number;
}

/** Inverts the H-transform in place (nx rows of ny values). */
function inverseTransform(a: Int32Array, nx: number, ny: number): void {
  const nmax = Math.max(nx, ny);
  const log2n = log2Ceil(nmax);
  const tmp = new Int32Array((nmax + 1) >> 1);
  let shift = 1;
  let bit0 = log2n > 0 ? 1 << (log2n - 1) : 0;
  let bit1 = bit0 << 1;
  let bit2 = bit0 << 2;
  let mask0 = -bit0;
  let mask1 = mask0 << 1;
  const mask2 = mask0 << 2;
  let prnd0 = bit0 >> 1;
  let prnd1 = bit1 >> 1;
  const prnd2 = bit2 >> 1;
  let nrnd0 = prnd0 - 1;
  let nrnd1 = prnd1 - 1;
  const nrnd2 = prnd2 - 1;
  a[0] = ((a[0] as number) + ((a[0] as number) >= 0 ? prnd2 : nrnd2)) & mask2;
  let nxtop = 1;
  let nytop = 1;
  let nxf = nx;
  let nyf = ny;
  let c = 1 << log2n;
  for (let k = log2n - 1; k >= 0; k--) {
    c >>= 1;
    nxtop <<= 1;
    nytop <<= 1;
    if (nxf <= c) nxtop -= 1;
    else nxf -= c;
    if (nyf <= c) nytop -= 1;
    else nyf -= c;
    if (k === 0) {
      nrnd0 = 0;
      shift = 2;
    }
    for (let i = 0; i < nxtop; i++) unshuffle(a, ny * i, nytop, 1, tmp);
    for (let j = 0; j < nytop; j++) unshuffle(a, j, nxtop, ny, tmp);
    const oddx = nxtop % 2;
    const oddy = nytop % 2;
    let i = 0;
    for (; i < nxtop - oddx; i += 2) {
      let s00 = ny * i;
      let s10 = s00 + ny;
      let j = 0;
      for (; j < nytop - oddy; j += 2) {
        let h0 = a[s00] as number;
        let hx = a[s10] as number;
        let hy = a[s00 + 1] as number;
        let hc = a[s10 + 1] as number;
        hx = (hx + (hx >= 0 ? prnd1 : nrnd1)) & mask1;
        hy = (hy + (hy >= 0 ? prnd1 : nrnd1)) & mask1;
        hc = (hc + (hc >= 0 ? prnd0 : nrnd0)) & mask0;
        const lowbit0 = hc & bit0;
        hx = hx >= 0 ? hx - lowbit0 : hx + lowbit0;
        hy = hy >= 0 ? hy - lowbit0 : hy + lowbit0;
        const lowbit1 = (hc ^ hx ^ hy) & bit1;
        h0 = h0 >= 0 ? h0 + lowbit0 - lowbit1 : h0 + (lowbit0 === 0 ? lowbit1 : lowbit0 - lowbit1);
        a[s10 + 1] = (h0 + hx + hy + hc) >> shift;
        a[s10] = (h0 + hx - hy - hc) >> shift;
        a[s00 + 1] = (h0 - hx + hy - hc) >> shift;
        a[s00] = (h0 - hx - hy + hc) >> shift;
        s00 += 2;
        s10 += 2;
      }
      if (oddy) {
        let h0 = a[s00] as number;
        let hx = a[s10] as number;
        hx = (hx >= 0 ? hx + prnd1 : hx + nrnd1) & mask1;
        const lowbit1 = hx & bit1;
        h0 = h0 >= 0 ? h0 - lowbit1 : h0 + lowbit1;
        a[s10] = (h0 + hx) >> shift;
        a[s00] = (h0 - hx) >> shift;
      }
    }
    if (oddx) {
      let s00 = ny * i;
      let j = 0;
      for (; j < nytop - oddy; j += 2) {
        let h0 = a[s00] as number;
        let hy = a[s00 + 1] as number;
        hy = (hy >= 0 ? hy + prnd1 : hy + nrnd1) & mask1;
        const lowbit1 = hy & bit1;
        h0 = h0 >= 0 ? h0 - lowbit1 : h0 + lowbit1;
        a[s00 + 1] = (h0 + hy) >> shift;
        a[s00] = (h0 - hy) >> shift;
        s00 += 2;
      }
      if (oddy) a[s00] = (a[s00] as number) >> shift;
    }
    bit2 = bit1;
    bit1 = bit0;
    bit0 >>= 1;
    mask1 = mask0;
    mask0 >>= 1;
    prnd1 = prnd0;
    prnd0 >>= 1;
    nrnd1 = nrnd0;
    nrnd0 = prnd0 - 1;
  }
}
