/**
 * The celestial projections of Calabretta & Greisen (2002): the plane of intermediate world
 * coordinates (degrees) to native spherical coordinates (phi, theta) and back, for the zenithal
 * TAN, SIN (with the slant parameters of PV2_1, PV2_2), ARC, STG and ZEA, the cylindrical CAR and
 * the pseudo-cylindrical AIT and MOL. A point outside a projection's domain gives `null`.
 * @module
 */
import { WcsError } from "./errors.js";
import { acosd, asind, atan2d, atand, cosd, D2R, R2D, sind } from "./trig.js";

/** The projection codes this reader implements. */
export const PROJECTION_CODES = ["TAN", "SIN", "ARC", "STG", "ZEA", "CAR", "AIT", "MOL"] as const;

/** One of {@link PROJECTION_CODES}. */
export type ProjectionCode = (typeof PROJECTION_CODES)[number];

/** A projection between the plane (x, y in degrees) and native spherical (phi, theta in degrees). */
export interface Projection {
  /** The three-letter code. */
  readonly code: ProjectionCode;
  /** Native longitude of the fiducial point. */
  readonly phi0: number;
  /** Native latitude of the fiducial point (90 for zenithal projections, 0 for the others). */
  readonly theta0: number;
  /** Plane to native spherical, or `null` outside the projection. */
  toNative(x: number, y: number): [number, number] | null;
  /** Native spherical to the plane, or `null` where the projection is undefined. */
  fromNative(phi: number, theta: number): [number, number] | null;
}

const TOLERANCE = 1e-13;

/** Clamps native coordinates that overshoot their range by rounding; `null` when they really do. */
function bounded(phi: number, theta: number): [number, number] | null {
  let p = phi;
  let t = theta;
  if (p < -180) {
    if (p < -180 - TOLERANCE) return null;
    p = -180;
  } else if (p > 180) {
    if (p > 180 + TOLERANCE) return null;
    p = 180;
  }
  if (t < -90) {
    if (t < -90 - TOLERANCE) return null;
    t = -90;
  } else if (t > 90) {
    if (t > 90 + TOLERANCE) return null;
    t = 90;
  }
  return [p, t];
}

/** A zenithal projection from its radius functions R(theta) and theta(R). */
function zenithal(code: ProjectionCode, radius: (theta: number) => number | null, colatitude: (r: number) => number | null): Projection {
  return {
    code,
    phi0: 0,
    theta0: 90,
    toNative(x, y) {
      const r = Math.sqrt(x * x + y * y);
      const theta = colatitude(r);
      if (theta === null) return null;
      return bounded(r === 0 ? 0 : atan2d(x, -y), theta);
    },
    fromNative(phi, theta) {
      const r = radius(theta);
      if (r === null) return null;
      return [r * sind(phi), -r * cosd(phi)];
    },
  };
}

const tan = zenithal(
  "TAN",
  (theta) => {
    const s = sind(theta);
    if (s <= 0) return null;
    return (R2D * cosd(theta)) / s;
  },
  (r) => (r === 0 ? 90 : atan2d(R2D, r)),
);

const arc = zenithal(
  "ARC",
  (theta) => 90 - theta,
  (r) => 90 - r,
);

const stg = zenithal(
  "STG",
  (theta) => {
    const s = 1 + sind(theta);
    if (s === 0) return null;
    return (2 * R2D * cosd(theta)) / s;
  },
  (r) => 90 - 2 * atand(r / (2 * R2D)),
);

const zea = zenithal(
  "ZEA",
  (theta) => 2 * R2D * sind((90 - theta) / 2),
  (r) => {
    let s = r / (2 * R2D);
    if (s > 1) {
      if (s - 1 > TOLERANCE) return null;
      s = 1;
    }
    return 90 - 2 * asind(s);
  },
);

/** SIN: orthographic, or slant orthographic when PV2_1 (xi) or PV2_2 (eta) is not zero. */
function sin(xi: number, eta: number): Projection {
  const slant = xi * xi + eta * eta;
  return {
    code: "SIN",
    phi0: 0,
    theta0: 90,
    toNative(xPlane, yPlane) {
      const x = xPlane / R2D;
      const y = yPlane / R2D;
      const r2 = x * x + y * y;
      if (slant === 0) {
        const phi = r2 === 0 ? 0 : atan2d(x, -y);
        if (r2 < 0.5) return bounded(phi, acosd(Math.sqrt(r2)));
        if (r2 <= 1) return bounded(phi, asind(Math.sqrt(1 - r2)));
        return null;
      }
      const xy = x * xi + y * eta;
      let theta: number;
      let z: number;
      if (r2 < 1e-10) {
        z = r2 / 2;
        theta = 90 - R2D * Math.sqrt(r2 / (1 + xy));
      } else {
        const a = slant + 1;
        const b = xy - slant;
        const c = r2 - 2 * xy + slant - 1;
        const d = b * b - a * c;
        if (d < 0) return null;
        const root = Math.sqrt(d);
        const s1 = (-b + root) / a;
        const s2 = (-b - root) / a;
        let sinTheta = Math.max(s1, s2);
        if (sinTheta > 1) sinTheta = sinTheta - 1 < TOLERANCE ? 1 : Math.min(s1, s2);
        if (sinTheta < -1 && sinTheta + 1 > -TOLERANCE) sinTheta = -1;
        if (sinTheta > 1 || sinTheta < -1) return null;
        theta = asind(sinTheta);
        z = 1 - sinTheta;
      }
      const u = -y + eta * z;
      const v = x - xi * z;
      return bounded(u === 0 && v === 0 ? 0 : atan2d(v, u), theta);
    },
    fromNative(phi, theta) {
      const t = (90 - Math.abs(theta)) * D2R;
      let z: number;
      let cosTheta: number;
      if (t < 1e-5) {
        z = theta > 0 ? (t * t) / 2 : 2 - (t * t) / 2;
        cosTheta = t;
      } else {
        z = 1 - sind(theta);
        cosTheta = cosd(theta);
      }
      const r = R2D * cosTheta;
      const sinPhi = sind(phi);
      const cosPhi = cosd(phi);
      if (slant === 0) {
        if (theta < 0) return null;
        return [r * sinPhi, -r * cosPhi];
      }
      if (theta < -atand(xi * sinPhi - eta * cosPhi)) return null;
      return [r * sinPhi + xi * z * R2D, -r * cosPhi + eta * z * R2D];
    },
  };
}

const car: Projection = {
  code: "CAR",
  phi0: 0,
  theta0: 0,
  toNative: (x, y) => bounded(x, y),
  fromNative: (phi, theta) => [phi, theta],
};

const ait: Projection = {
  code: "AIT",
  phi0: 0,
  theta0: 0,
  toNative(x, y) {
    let s = 1 - (x * x) / (16 * R2D * R2D) - (y * y) / (4 * R2D * R2D);
    if (s < 0.5) {
      if (s < 0.5 - TOLERANCE) return null;
      s = 0.5;
    }
    const z = Math.sqrt(s);
    const phi = 2 * atan2d((z * x) / (2 * R2D), 2 * s - 1);
    let t = (z * y) / R2D;
    if (Math.abs(t) > 1) {
      if (Math.abs(t) > 1 + TOLERANCE) return null;
      t = Math.sign(t);
    }
    return bounded(phi, asind(t));
  },
  fromNative(phi, theta) {
    const cosTheta = cosd(theta);
    const w = R2D * Math.sqrt(2 / (1 + cosTheta * cosd(phi / 2)));
    return [2 * w * cosTheta * sind(phi / 2), w * sind(theta)];
  },
};

/** Solves 2g + sin 2g = pi sin(theta) for the auxiliary angle g of Mollweide's projection. */
function mollweideAngle(theta: number): number {
  if (Math.abs(theta) === 90) return Math.sign(theta) * (Math.PI / 2);
  if (theta === 0) return 0;
  const target = Math.PI * sind(theta);
  let low = -Math.PI;
  let high = Math.PI;
  let v = target;
  for (let i = 0; i < 200; i++) {
    const residual = v + Math.sin(v) - target;
    if (residual === 0) break;
    if (residual < 0) low = v;
    else high = v;
    const slope = 1 + Math.cos(v);
    const newton = slope > 0 ? v - residual / slope : Number.NaN;
    const next = newton > low && newton < high ? newton : (low + high) / 2;
    if (next === v) break;
    v = next;
  }
  return v / 2;
}

const mol: Projection = {
  code: "MOL",
  phi0: 0,
  theta0: 0,
  toNative(x, y) {
    let s = y / (Math.SQRT2 * R2D);
    if (Math.abs(s) > 1) {
      if (Math.abs(s) > 1 + TOLERANCE) return null;
      s = Math.sign(s);
    }
    const cosGamma = Math.sqrt(Math.max(0, 1 - s * s));
    let phi: number;
    if (cosGamma === 0) {
      if (Math.abs(x) > TOLERANCE) return null;
      phi = 0;
    } else phi = (Math.PI * x) / (2 * Math.SQRT2 * cosGamma);
    let z = (2 * Math.asin(s) + 2 * s * cosGamma) / Math.PI;
    if (Math.abs(z) > 1) {
      if (Math.abs(z) > 1 + TOLERANCE) return null;
      z = Math.sign(z);
    }
    return bounded(phi, asind(z));
  },
  fromNative(phi, theta) {
    const gamma = mollweideAngle(theta);
    return [((2 * Math.SQRT2) / Math.PI) * phi * Math.cos(gamma), Math.SQRT2 * R2D * Math.sin(gamma)];
  },
};

/**
 * The projection of a code, with its parameters (`pv[m]` = PVi_m of the latitude axis).
 * Throws {@link WcsError} for codes this reader does not implement.
 */
export function projectionOf(code: string, pv: ReadonlyMap<number, number>): Projection {
  const unexpected = [...pv.entries()].filter(([m, value]) => value !== 0 && !(code === "SIN" && (m === 1 || m === 2)));
  if (unexpected.length > 0) {
    const [m] = unexpected[0] as [number, number];
    throw new WcsError(`projection ${code} with parameter PV_${m} on the latitude axis is not supported`);
  }
  switch (code) {
    case "TAN":
      return tan;
    case "SIN":
      return pv.size === 0 ? sin(0, 0) : sin(pv.get(1) ?? 0, pv.get(2) ?? 0);
    case "ARC":
      return arc;
    case "STG":
      return stg;
    case "ZEA":
      return zea;
    case "CAR":
      return car;
    case "AIT":
      return ait;
    case "MOL":
      return mol;
    default:
      throw new WcsError(`the ${code} projection is not supported (supported: ${PROJECTION_CODES.join(", ")}, and TPV)`);
  }
}
