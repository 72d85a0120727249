/**
 * The celestial WCS of a FITS header: pixel to sky and back through the linear transformation
 * (PC+CDELT or CD), SIP or TPV distortion, a projection and the spherical rotation, following
 * Greisen & Calabretta (2002) and Calabretta & Greisen (2002). Spectral, time and other axes of a
 * cube are left alone: only the two celestial axes are transformed.
 * @module
 */
import type { Header } from "../header.js";
import { NoCelestialWcsError, WcsError } from "./errors.js";
import { type CelestialFrame, equatorialFrame } from "./frames.js";
import { normaliseKey, readWcsKeywords, type WcsKeywords } from "./keywords.js";
import {
  type Polynomial2,
  type Sip,
  sipFocalToPixel,
  sipPixelToFocal,
  TPV_TERM_COUNT,
  type Tpv,
  tpvForward,
  tpvInverse,
} from "./polynomials.js";
import { type Projection, projectionOf } from "./projections.js";
import { celestialToNative, type EulerAngles, eulerAngles, nativeToCelestial } from "./sphere.js";

/** Options of {@link CelestialWcs.fromHeader}. */
export interface WcsOptions {
  /** The alternate description, `A`..`Z` (default: the primary one). */
  key?: string;
}

const LONGITUDE = /^(RA--|GLON|ELON|HLON|SLON|[A-Z]LON|[A-Z]{2}LN)$/;
const LATITUDE = /^(DEC-|GLAT|ELAT|HLAT|SLAT|[A-Z]LAT|[A-Z]{2}LT)$/;
const PAIRS: Record<string, string> = { "RA--": "DEC-", GLON: "GLAT", ELON: "ELAT", HLON: "HLAT", SLON: "SLAT" };

const UNIT_TO_DEGREES: Record<string, number> = { "": 1, deg: 1, arcmin: 1 / 60, arcsec: 1 / 3600, mas: 1 / 3_600_000, rad: 180 / Math.PI };

/** The celestial coordinate description of a header (one of its alternates). */
export class CelestialWcs {
  /** The alternate key (`""` for the primary description). */
  readonly key: string;
  /** 0-based FITS axis of the celestial longitude. */
  readonly lngAxis: number;
  /** 0-based FITS axis of the celestial latitude. */
  readonly latAxis: number;
  /** The projection code (`TAN`, `SIN` ..., `TPV` for TAN with TPV distortion). */
  readonly projection: string;
  /** Distortion applied: SIP, TPV or none. */
  readonly distortion: "SIP" | "TPV" | undefined;
  /** The frame (RADESYS and EQUINOX with their defaults). */
  readonly frame: CelestialFrame;
  /** The reference pixel on the two celestial axes (1-based, as CRPIX). */
  readonly crpix: readonly [number, number];
  /** The reference point (longitude, latitude), degrees. */
  readonly crval: readonly [number, number];
  /** The linear matrix on the two celestial axes (degrees per pixel), rows and columns in FITS axis order of the pair. */
  readonly matrix: readonly [readonly [number, number], readonly [number, number]];
  /** The SIP coefficients, when the header has them. */
  readonly sip: Sip | undefined;
  /** Keywords present that this reader does not apply (lookup-table distortions). */
  readonly ignored: readonly string[];
  private readonly tpv: Tpv | undefined;
  private readonly proj: Projection;
  private readonly euler: EulerAngles;
  private readonly inverse: [[number, number], [number, number]];

  private constructor(keywords: WcsKeywords, header: Header) {
    this.key = keywords.key;
    const prefixes = keywords.ctype.map((type) => type.slice(0, 4));
    const lng = prefixes.findIndex((prefix, i) => LONGITUDE.test(prefix) && isCelestialType(keywords.ctype[i] as string));
    const lat = prefixes.findIndex((prefix, i) => LATITUDE.test(prefix) && isCelestialType(keywords.ctype[i] as string));
    if (lng < 0 && lat < 0) {
      const types = keywords.ctype.filter(Boolean).join(", ");
      throw new NoCelestialWcsError(
        `the header has no celestial WCS${keywords.key ? ` with key ${keywords.key}` : ""} (CTYPEs: ${types || "none"})`,
      );
    }
    if (lng < 0 || lat < 0)
      throw new WcsError(`the celestial axes are not paired: CTYPE${(lng < 0 ? lat : lng) + 1}${this.key} has no partner`);
    const lngType = keywords.ctype[lng] as string;
    const latType = keywords.ctype[lat] as string;
    const lngPrefix = lngType.slice(0, 4);
    const latPrefix = latType.slice(0, 4);
    const paired =
      PAIRS[lngPrefix] === latPrefix ||
      (lngPrefix.endsWith("LON") && latPrefix === `${lngPrefix[0]}LAT`) ||
      (lngPrefix.endsWith("LN") && latPrefix === `${lngPrefix.slice(0, 2)}LT`);
    if (!paired) throw new WcsError(`CTYPE${lng + 1}${this.key} = '${lngType}' and CTYPE${lat + 1}${this.key} = '${latType}' do not pair`);
    const code = lngType.slice(5, 8);
    if (latType.slice(5, 8) !== code) throw new WcsError(`the celestial axes use different projections: '${lngType}', '${latType}'`);
    const suffix = lngType.slice(8);
    if ((suffix !== "" && suffix !== "-SIP") || latType.slice(8) !== suffix)
      throw new WcsError(`unexpected CTYPE suffix in '${lngType}', '${latType}' (only -SIP is understood)`);
    this.lngAxis = lng;
    this.latAxis = lat;
    this.projection = code;

    for (const [i, value] of keywords.matrix.entries()) {
      for (const [j, element] of value.entries()) {
        const celestialRow = i === lng || i === lat;
        const celestialColumn = j === lng || j === lat;
        if (celestialRow !== celestialColumn && element !== 0)
          throw new WcsError(
            `the celestial axes are coupled to axis ${celestialRow ? j + 1 : i + 1} by the linear matrix; this is not supported`,
          );
      }
    }
    const [a, b] = lng < lat ? [lng, lat] : [lat, lng];
    const scaleOf = (axis: number): number => {
      const unit = (keywords.cunit[axis] as string).trim();
      const scale = UNIT_TO_DEGREES[unit];
      if (scale === undefined) throw new WcsError(`CUNIT${axis + 1}${this.key} = '${unit}' is not an angle unit this reader knows`);
      return scale;
    };
    const rowScale = [scaleOf(a), scaleOf(b)];
    const row = (i: number, scale: number): [number, number] => [
      (keywords.matrix[i]?.[a] as number) * scale,
      (keywords.matrix[i]?.[b] as number) * scale,
    ];
    this.matrix = [row(a, rowScale[0] as number), row(b, rowScale[1] as number)];
    const [[m11, m12], [m21, m22]] = this.matrix;
    const det = m11 * m22 - m12 * m21;
    if (!Number.isFinite(det) || det === 0)
      throw new WcsError(`the linear transformation of the celestial axes is singular (CDELT, PC or CD)`);
    this.inverse = [
      [m22 / det, -m12 / det],
      [-m21 / det, m11 / det],
    ];
    this.crpix = [keywords.crpix[a] as number, keywords.crpix[b] as number];
    this.crval = [(keywords.crval[lng] as number) * scaleOf(lng), (keywords.crval[lat] as number) * scaleOf(lat)];
    if (Math.abs(this.crval[1]) > 90) throw new WcsError(`CRVAL${lat + 1}${this.key} = ${this.crval[1]} is not a latitude`);

    const pvOf = (axis: number): Map<number, number> => {
      const out = new Map<number, number>();
      for (const [name, value] of keywords.pv) {
        const [i, m] = name.split("_").map(Number) as [number, number];
        if (i === axis + 1) out.set(m, value);
      }
      return out;
    };
    const lngPv = pvOf(lng);
    const latPv = pvOf(lat);
    if (code === "TPV") {
      this.tpv = { xi: tpvCoefficients(lngPv), eta: tpvCoefficients(latPv) };
      this.proj = projectionOf("TAN", new Map());
      this.distortion = "TPV";
    } else {
      for (const m of [0, 1, 2]) {
        const value = lngPv.get(m);
        if (value !== undefined && value !== 0)
          throw new WcsError(`PV${lng + 1}_${m}${this.key} (a fiducial point offset) is not supported`);
      }
      this.proj = projectionOf(code, latPv);
      this.distortion = undefined;
    }
    this.euler = eulerAngles(
      this.crval[0],
      this.crval[1],
      this.proj.phi0,
      this.proj.theta0,
      keywords.lonpole ?? (this.tpv ? undefined : lngPv.get(3)),
      keywords.latpole ?? (this.tpv ? undefined : lngPv.get(4)),
    );
    this.frame = lngPrefix === "RA--" ? equatorialFrame(keywords.radesys, keywords.equinox) : otherFrame(lngPrefix);
    this.sip = readSip(header, keywords, [a, b]);
    if (this.sip) {
      if (this.distortion === "TPV") throw new WcsError("a header with both SIP and TPV distortion is ambiguous");
      this.distortion = "SIP";
    }
    this.ignored = header.cards
      .map((card) => card.keyword)
      .filter((keyword) => /^(CPDIS|CQDIS|D2IMDIS|D2IMFILE|D2IMEXT)\d*$/.test(keyword));
  }

  /**
   * Reads the celestial WCS of a header (the primary description, or the alternate `key`).
   * Throws {@link NoCelestialWcsError} when the header has none, {@link WcsError} when it is
   * malformed or uses what this reader does not implement.
   */
  static fromHeader(header: Header, options: WcsOptions = {}): CelestialWcs {
    const key = normaliseKey(options.key);
    return new CelestialWcs(readWcsKeywords(header, key), header);
  }

  /** The 0-based FITS axes of the two celestial pixel axes, in FITS order: pixel `x` runs along the first, `y` along the second. */
  get pixelAxes(): [number, number] {
    return this.lngAxis < this.latAxis ? [this.lngAxis, this.latAxis] : [this.latAxis, this.lngAxis];
  }

  /**
   * Pixel to sky: (x, y) 0-based pixel coordinates on the celestial axes (the centre of the first
   * pixel is 0, as in numpy and astropy's `origin=0`) to (longitude, latitude) in degrees, all
   * distortions applied. `[NaN, NaN]` outside the projection.
   */
  pixelToWorld(x: number, y: number): [number, number] {
    let px = x + 1;
    let py = y + 1;
    if (this.sip) [px, py] = sipPixelToFocal(this.sip, px, py);
    const dx = px - (this.crpix[0] as number);
    const dy = py - (this.crpix[1] as number);
    const [[m11, m12], [m21, m22]] = this.matrix;
    const first = m11 * dx + m12 * dy;
    const second = m21 * dx + m22 * dy;
    let planeX = this.lngAxis < this.latAxis ? first : second;
    let planeY = this.lngAxis < this.latAxis ? second : first;
    if (this.tpv) [planeX, planeY] = tpvForward(this.tpv, planeX, planeY);
    const native = this.proj.toNative(planeX, planeY);
    if (!native) return [Number.NaN, Number.NaN];
    return nativeToCelestial(this.euler, native[0], native[1]);
  }

  /**
   * Sky to pixel: (longitude, latitude) in degrees to 0-based pixel coordinates, inverting SIP
   * exactly (AP/BP as the first guess, then Newton's method). `[NaN, NaN]` where the projection
   * is undefined.
   */
  worldToPixel(lng: number, lat: number): [number, number] {
    const [phi, theta] = celestialToNative(this.euler, lng, lat);
    const plane = this.proj.fromNative(phi, theta);
    if (!plane) return [Number.NaN, Number.NaN];
    let [planeX, planeY] = plane;
    if (this.tpv) [planeX, planeY] = tpvInverse(this.tpv, planeX, planeY);
    const first = this.lngAxis < this.latAxis ? planeX : planeY;
    const second = this.lngAxis < this.latAxis ? planeY : planeX;
    const [[i11, i12], [i21, i22]] = this.inverse;
    let px = i11 * first + i12 * second + (this.crpix[0] as number);
    let py = i21 * first + i22 * second + (this.crpix[1] as number);
    if (this.sip) [px, py] = sipFocalToPixel(this.sip, px, py);
    return [px - 1, py - 1];
  }

  /**
   * The size of a pixel along each celestial pixel axis in degrees, as astropy's
   * `proj_plane_pixel_scales` gives it (the norms of the linear matrix's columns).
   */
  pixelScales(): [number, number] {
    const [[m11, m12], [m21, m22]] = this.matrix;
    return [Math.hypot(m11, m21), Math.hypot(m12, m22)];
  }
}

function isCelestialType(ctype: string): boolean {
  return ctype.length >= 8 && ctype[4] === "-";
}

function otherFrame(prefix: string): CelestialFrame {
  if (prefix === "GLON") return { system: "GALACTIC", equinox: undefined };
  if (prefix === "ELON") return { system: "ECLIPTIC", equinox: undefined };
  return { system: "OTHER", equinox: undefined };
}

/** TPV coefficients of one axis; those the header leaves out are 0, as in wcslib (so PVi_1 must be given). */
function tpvCoefficients(pv: ReadonlyMap<number, number>): Float64Array {
  const out = new Float64Array(TPV_TERM_COUNT);
  for (const [k, value] of pv) {
    if (k >= TPV_TERM_COUNT) throw new WcsError(`TPV coefficient PV_${k} is beyond the 40 the convention defines`);
    out[k] = value;
  }
  return out;
}

function readPolynomial(header: Header, prefix: string, order: number): Polynomial2 {
  const n = order + 1;
  const coefficients = new Float64Array(n * n);
  for (let p = 0; p < n; p++) {
    for (let q = 0; p + q < n; q++) {
      const value = header.get(`${prefix}_${p}_${q}`);
      if (value === undefined || value === null) continue;
      if (typeof value !== "number" || !Number.isFinite(value)) throw new WcsError(`${prefix}_${p}_${q} must be a finite number`);
      coefficients[p * n + q] = value;
    }
  }
  return { order, coefficients };
}

function sipOrder(header: Header, keyword: string): number | undefined {
  const value = header.get(keyword);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > 20)
    throw new WcsError(`${keyword} must be an integer from 0 to 20, got ${JSON.stringify(String(value))}`);
  return value;
}

/** SIP coefficients as astropy reads them: a pair is used when its first ORDER exceeds 1. */
function readSip(header: Header, keywords: WcsKeywords, axes: [number, number]): Sip | undefined {
  const pair = (first: string, second: string): [Polynomial2, Polynomial2] | undefined => {
    const m = sipOrder(header, `${first}_ORDER`);
    const n = sipOrder(header, `${second}_ORDER`);
    if (m !== undefined && m > 1) {
      if (n === undefined) throw new WcsError(`${first}_ORDER is given without ${second}_ORDER`);
      if (n <= 1) return undefined;
      return [readPolynomial(header, first, m), readPolynomial(header, second, n)];
    }
    if (n !== undefined && n > 1) throw new WcsError(`${second}_ORDER is given without ${first}_ORDER`);
    return undefined;
  };
  const forward = pair("A", "B");
  const inverse = pair("AP", "BP");
  if (!forward && !inverse) return undefined;
  if (axes[0] !== 0 || axes[1] !== 1) throw new WcsError("SIP distortion needs the celestial axes to be axes 1 and 2");
  const k = keywords.key;
  if (!header.has(`CRPIX1${k}`) || !header.has(`CRPIX2${k}`)) throw new WcsError("the header has SIP keywords without CRPIX keywords");
  return {
    a: forward?.[0],
    b: forward?.[1],
    ap: inverse?.[0],
    bp: inverse?.[1],
    crpix: [keywords.crpix[0] as number, keywords.crpix[1] as number],
  };
}
