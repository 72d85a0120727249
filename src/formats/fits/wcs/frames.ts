/**
 * Celestial reference frames of a WCS (RADESYS, EQUINOX) and the one conversion cutouts need:
 * ICRS to FK5 (J2000) and back, through the frame-bias rotation of USNO circular 179 (the one
 * astropy uses).
 * @module
 */
import { WcsError } from "./errors.js";
import { asind, atan2d, cosd, sind } from "./trig.js";

/** The frame of a celestial WCS. */
export interface CelestialFrame {
  /** `ICRS`, `FK5`, `FK4`, `FK4-NO-E`, `GAPPT` for equatorial axes; `GALACTIC`, `ECLIPTIC`, or `OTHER`. */
  system: string;
  /** The equinox (Julian years for FK5, Besselian for FK4), when it matters. */
  equinox: number | undefined;
}

/**
 * The frame of an equatorial WCS with the defaults of Greisen & Calabretta (2002): without
 * RADESYS, ICRS when there is no EQUINOX, FK4 before 1984, FK5 after; FK5 defaults to equinox
 * 2000 and FK4 to 1950.
 */
export function equatorialFrame(radesys: string | undefined, equinox: number | undefined): CelestialFrame {
  let system = radesys;
  if (system === undefined || system === "") system = equinox === undefined ? "ICRS" : equinox < 1984 ? "FK4" : "FK5";
  if (system === "ICRS" || system === "GAPPT") return { system, equinox: undefined };
  if (system === "FK5") return { system, equinox: equinox ?? 2000 };
  if (system === "FK4" || system === "FK4-NO-E") return { system, equinox: equinox ?? 1950 };
  throw new WcsError(`RADESYS = '${system}' is not a FITS reference system (ICRS, FK5, FK4, FK4-NO-E, GAPPT)`);
}

const MAS = 1 / 3_600_000;
const ETA0 = -19.9 * MAS;
const XI0 = 9.1 * MAS;
const DA0 = -22.9 * MAS;

/** A 3x3 matrix, row after row. */
type Matrix3 = Float64Array;

function rotation(angle: number, axis: 0 | 1 | 2): Matrix3 {
  const c = cosd(angle);
  const s = sind(angle);
  const m = Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1);
  const a1 = (axis + 1) % 3;
  const a2 = (axis + 2) % 3;
  m[a1 * 3 + a1] = c;
  m[a1 * 3 + a2] = s;
  m[a2 * 3 + a1] = -s;
  m[a2 * 3 + a2] = c;
  return m;
}

function multiply(a: Matrix3, b: Matrix3): Matrix3 {
  const out = new Float64Array(9);
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++)
      for (let k = 0; k < 3; k++) out[i * 3 + j] = (out[i * 3 + j] as number) + (a[i * 3 + k] as number) * (b[k * 3 + j] as number);
  return out;
}

/** ICRS to FK5 (J2000): R_x(-eta0) R_y(xi0) R_z(da0). */
const ICRS_TO_FK5: Matrix3 = multiply(multiply(rotation(-ETA0, 0), rotation(XI0, 1)), rotation(DA0, 2));

function rotate(matrix: Matrix3, ra: number, dec: number, transpose: boolean): [number, number] {
  const v = [cosd(dec) * cosd(ra), cosd(dec) * sind(ra), sind(dec)];
  const out = [0, 1, 2].map((i) =>
    [0, 1, 2].reduce((sum, k) => sum + (matrix[transpose ? k * 3 + i : i * 3 + k] as number) * (v[k] as number), 0),
  ) as [number, number, number];
  let lng = atan2d(out[1], out[0]);
  if (lng < 0) lng += 360;
  return [lng, asind(Math.max(-1, Math.min(1, out[2] / Math.hypot(...out))))];
}

/** A position in one of the frames a cutout accepts. */
export type PositionFrame = "icrs" | "fk5";

/**
 * Converts (ra, dec) in degrees from `from` to the WCS's frame. ICRS and FK5 (J2000) convert into
 * each other; other pairs are refused unless they are the same frame.
 */
export function toWcsFrame(ra: number, dec: number, from: PositionFrame, frame: CelestialFrame): [number, number] {
  const target = frame.system === "FK5" && frame.equinox === 2000 ? "fk5" : frame.system === "ICRS" ? "icrs" : undefined;
  if (target === from) return [ra, dec];
  if (target === "fk5" && from === "icrs") return rotate(ICRS_TO_FK5, ra, dec, false);
  if (target === "icrs" && from === "fk5") return rotate(ICRS_TO_FK5, ra, dec, true);
  const name = frame.equinox === undefined ? frame.system : `${frame.system} (equinox ${frame.equinox})`;
  throw new WcsError(`positions in ${from.toUpperCase()} cannot be converted to this WCS's frame ${name}; give them in its own frame`);
}
