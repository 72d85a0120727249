/**
 * The distortion polynomials FITS headers carry: SIP (Shupe et al. 2005: A_p_q, B_p_q on pixel
 * offsets from the reference pixel, AP_p_q, BP_p_q for the inverse) and TPV (PVi_k on
 * intermediate world coordinates), with their inverses found by Newton's method.
 * @module
 */

/** A two-variable polynomial: `c[p][q]` multiplies u^p v^q. */
export interface Polynomial2 {
  /** Highest total degree. */
  readonly order: number;
  /** Coefficients `c[p * (order + 1) + q]`. */
  readonly coefficients: Float64Array;
}

/** The value of a polynomial and its two partial derivatives at (u, v). */
export function evaluatePolynomial(poly: Polynomial2, u: number, v: number): [number, number, number] {
  const n = poly.order + 1;
  let value = 0;
  let du = 0;
  let dv = 0;
  let up = 1;
  for (let p = 0; p < n; p++) {
    let vq = 1;
    for (let q = 0; p + q < n; q++) {
      const c = poly.coefficients[p * n + q] as number;
      if (c !== 0) {
        value += c * up * vq;
        if (p > 0) du += c * p * u ** (p - 1) * vq;
        if (q > 0) dv += c * q * up * v ** (q - 1);
      }
      vq *= v;
    }
    up *= u;
  }
  return [value, du, dv];
}

/** SIP coefficients of one header. */
export interface Sip {
  /** A (forward, first axis); absent when only the inverse is given. */
  a?: Polynomial2;
  /** B (forward, second axis). */
  b?: Polynomial2;
  /** AP (inverse, first axis). */
  ap?: Polynomial2;
  /** BP (inverse, second axis). */
  bp?: Polynomial2;
  /** The reference pixel (1-based FITS pixels) the offsets are taken from. */
  crpix: [number, number];
}

/** SIP: 1-based pixel to focal-plane pixel (distortion applied). */
export function sipPixelToFocal(sip: Sip, x: number, y: number): [number, number] {
  if (!sip.a || !sip.b) return [x, y];
  const u = x - sip.crpix[0];
  const v = y - sip.crpix[1];
  return [x + evaluatePolynomial(sip.a, u, v)[0], y + evaluatePolynomial(sip.b, u, v)[0]];
}

/** Iterations allowed to Newton's method before a point is given up as not converging. */
const MAX_ITERATIONS = 60;

/**
 * SIP: focal-plane pixel to 1-based pixel, the exact inverse of {@link sipPixelToFocal}: AP/BP
 * (when present) give the first guess, Newton's method then solves the forward polynomials to
 * 1e-12 pixel. `[NaN, NaN]` when it does not converge.
 */
export function sipFocalToPixel(sip: Sip, fx: number, fy: number): [number, number] {
  if (!sip.a || !sip.b) return [fx, fy];
  let x = fx;
  let y = fy;
  if (sip.ap && sip.bp) {
    const u = fx - sip.crpix[0];
    const v = fy - sip.crpix[1];
    x = fx + evaluatePolynomial(sip.ap, u, v)[0];
    y = fy + evaluatePolynomial(sip.bp, u, v)[0];
  }
  for (let i = 0; i < MAX_ITERATIONS; i++) {
    const u = x - sip.crpix[0];
    const v = y - sip.crpix[1];
    const [a, au, av] = evaluatePolynomial(sip.a, u, v);
    const [b, bu, bv] = evaluatePolynomial(sip.b, u, v);
    const rx = x + a - fx;
    const ry = y + b - fy;
    const j11 = 1 + au;
    const j12 = av;
    const j21 = bu;
    const j22 = 1 + bv;
    const det = j11 * j22 - j12 * j21;
    if (!Number.isFinite(det) || det === 0) break;
    const dx = (j22 * rx - j12 * ry) / det;
    const dy = (j11 * ry - j21 * rx) / det;
    x -= dx;
    y -= dy;
    if (Math.abs(dx) < 1e-12 && Math.abs(dy) < 1e-12) return [x, y];
  }
  const [cx, cy] = sipPixelToFocal(sip, x, y);
  return Math.abs(cx - fx) < 1e-9 && Math.abs(cy - fy) < 1e-9 ? [x, y] : [Number.NaN, Number.NaN];
}

/** The exponents (x, y, r) of the 40 terms of the TPV polynomial, in PVi_k order. */
const TPV_TERMS: ReadonlyArray<readonly [number, number, number]> = (() => {
  const terms: Array<[number, number, number]> = [];
  for (let degree = 0; degree <= 7; degree++) {
    for (let py = 0; py <= degree; py++) terms.push([degree - py, py, 0]);
    if (degree % 2 === 1) terms.push([0, 0, degree]);
  }
  return terms;
})();

/** Number of TPV coefficients per axis. */
export const TPV_TERM_COUNT = TPV_TERMS.length;

/** TPV coefficients: PV1_k for the first axis, PV2_k for the second (k = 0..39). */
export interface Tpv {
  /** Coefficients of the first (longitude) axis. */
  xi: Float64Array;
  /** Coefficients of the second (latitude) axis. */
  eta: Float64Array;
}

function tpvAxis(coefficients: Float64Array, x: number, y: number): [number, number, number] {
  const r = Math.sqrt(x * x + y * y);
  let value = 0;
  let dx = 0;
  let dy = 0;
  for (let k = 0; k < TPV_TERMS.length; k++) {
    const c = coefficients[k] as number;
    if (c === 0) continue;
    const [px, py, pr] = TPV_TERMS[k] as readonly [number, number, number];
    if (pr > 0) {
      value += c * r ** pr;
      if (r > 0) {
        const d = c * pr * r ** (pr - 2);
        dx += d * x;
        dy += d * y;
      }
      continue;
    }
    value += c * x ** px * y ** py;
    if (px > 0) dx += c * px * x ** (px - 1) * y ** py;
    if (py > 0) dy += c * py * x ** px * y ** (py - 1);
  }
  return [value, dx, dy];
}

/** TPV: intermediate world coordinates (degrees) to distortion-corrected ones. */
export function tpvForward(tpv: Tpv, x: number, y: number): [number, number] {
  return [tpvAxis(tpv.xi, x, y)[0], tpvAxis(tpv.eta, y, x)[0]];
}

/** TPV: the inverse of {@link tpvForward} by Newton's method; `[NaN, NaN]` without convergence. */
export function tpvInverse(tpv: Tpv, xi: number, eta: number): [number, number] {
  let x = xi;
  let y = eta;
  for (let i = 0; i < MAX_ITERATIONS; i++) {
    const [f, fx, fy] = tpvAxis(tpv.xi, x, y);
    const [g, gy, gx] = tpvAxis(tpv.eta, y, x);
    const rx = f - xi;
    const ry = g - eta;
    const det = fx * gy - fy * gx;
    if (!Number.isFinite(det) || det === 0) break;
    const dx = (gy * rx - fy * ry) / det;
    const dy = (fx * ry - gx * rx) / det;
    x -= dx;
    y -= dy;
    if (Math.abs(dx) < 1e-15 && Math.abs(dy) < 1e-15) return [x, y];
  }
  const [cx, cy] = tpvForward(tpv, x, y);
  return Math.abs(cx - xi) < 1e-12 && Math.abs(cy - eta) < 1e-12 ? [x, y] : [Number.NaN, Number.NaN];
}
