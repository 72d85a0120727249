/**
 * The rotation between native spherical coordinates (phi, theta) and celestial coordinates
 * (longitude, latitude), set up from the reference point (CRVAL), LONPOLE and LATPOLE as
 * Calabretta & Greisen (2002, section 2.5) prescribe.
 * @module
 */
import { WcsError } from "./errors.js";
import { acosd, asind, atan2d, cosd, sind } from "./trig.js";

/** The Euler angles of the rotation, in degrees, with the cosine and sine of the second. */
export interface EulerAngles {
  /** Celestial longitude of the native pole. */
  lngPole: number;
  /** Celestial colatitude of the native pole (90 - its latitude). */
  colatPole: number;
  /** Native longitude of the celestial pole (LONPOLE as used). */
  phiPole: number;
  /** cos(colatPole). */
  cos: number;
  /** sin(colatPole). */
  sin: number;
}

const TOLERANCE = 1e-10;

function wrap180(angle: number): number {
  if (angle > 180) return angle - 360;
  if (angle < -180) return angle + 360;
  return angle;
}

/**
 * The Euler angles for a reference point (lng0, lat0) at the projection's fiducial point
 * (phi0, theta0), with LONPOLE and LATPOLE when the header gives them.
 */
export function eulerAngles(
  lng0: number,
  lat0: number,
  phi0: number,
  theta0: number,
  lonpole: number | undefined,
  latpole: number | undefined,
): EulerAngles {
  let phip = lonpole ?? Number.NaN;
  if (lonpole === undefined || lonpole === 999) phip = wrap180((lat0 < theta0 ? 180 : 0) + phi0);
  let latp = latpole ?? 90;
  let lngp: number;
  if (theta0 === 90) {
    lngp = lng0;
    latp = lat0;
  } else {
    const slat0 = sind(lat0);
    const clat0 = cosd(lat0);
    const sthe0 = sind(theta0);
    const cthe0 = cosd(theta0);
    let sphip: number;
    let u = 0;
    let v = 0;
    let fixedByLatpole = false;
    if (phip === phi0) {
      sphip = 0;
      u = theta0;
      v = 90 - lat0;
    } else {
      sphip = sind(phip - phi0);
      const cphip = cosd(phip - phi0);
      const x = cthe0 * cphip;
      const y = sthe0;
      const z = Math.sqrt(x * x + y * y);
      if (z === 0) {
        if (slat0 !== 0)
          throw new WcsError("invalid celestial WCS: lat0 must be 0 when |LONPOLE - phi0| = 90 and theta0 = 0 (CRVAL, LONPOLE)");
        fixedByLatpole = true;
        latp = Math.max(-90, Math.min(90, latp));
      } else {
        let slz = slat0 / z;
        if (Math.abs(slz) > 1) {
          if (Math.abs(slz) - 1 >= TOLERANCE)
            throw new WcsError(`invalid celestial WCS: |CRVAL latitude| must be at most ${asind(z)} for this LONPOLE`);
          slz = Math.sign(slz);
        }
        u = atan2d(y, x);
        v = acosd(slz);
      }
    }
    if (!fixedByLatpole) {
      const latp1 = wrap180(u + v);
      const latp2 = wrap180(u - v);
      if (Math.abs(latp - latp1) < Math.abs(latp - latp2)) latp = Math.abs(latp1) < 90 + TOLERANCE ? latp1 : latp2;
      else latp = Math.abs(latp2) < 90 + TOLERANCE ? latp2 : latp1;
      if (Math.abs(latp) < 90 + TOLERANCE) latp = Math.max(-90, Math.min(90, latp));
    }
    const z = cosd(latp) * clat0;
    if (Math.abs(z) < TOLERANCE) {
      if (Math.abs(clat0) < TOLERANCE) lngp = lng0;
      else if (latp > 0) lngp = lng0 + phip - phi0 - 180;
      else lngp = lng0 - phip + phi0;
    } else {
      const x = (sthe0 - sind(latp) * slat0) / z;
      const y = (sphip * cthe0) / clat0;
      if (x === 0 && y === 0) throw new WcsError("invalid celestial WCS: the native pole cannot be placed");
      lngp = lng0 - atan2d(y, x);
    }
    if (lng0 >= 0) {
      if (lngp < 0) lngp += 360;
      else if (lngp > 360) lngp -= 360;
    } else if (lngp > 0) lngp -= 360;
    else if (lngp < -360) lngp += 360;
  }
  if (Math.abs(latp) > 90 + TOLERANCE) throw new WcsError("invalid celestial WCS: no native pole latitude fits CRVAL, LONPOLE and LATPOLE");
  const colatPole = 90 - latp;
  return { lngPole: lngp, colatPole, phiPole: phip, cos: cosd(colatPole), sin: sind(colatPole) };
}

function normaliseLongitude(lng: number, reference: number): number {
  let out = lng;
  if (reference >= 0) {
    if (out < 0) out += 360;
  } else if (out > 0) out -= 360;
  if (out > 360) out -= 360;
  else if (out < -360) out += 360;
  return out;
}

function fmod(a: number, b: number): number {
  return a % b;
}

/** Native (phi, theta) to celestial (lng, lat), in degrees. */
export function nativeToCelestial(euler: EulerAngles, phi: number, theta: number): [number, number] {
  if (euler.sin === 0) {
    if (euler.colatPole === 0) {
      const dlng = fmod(euler.lngPole + 180 - euler.phiPole, 360);
      return [normaliseLongitude(phi + dlng, euler.lngPole), theta];
    }
    const dlng = fmod(euler.lngPole + euler.phiPole, 360);
    return [normaliseLongitude(dlng - phi, euler.lngPole), -theta];
  }
  const dphi = phi - euler.phiPole;
  const sinTheta = sind(theta);
  const cosTheta = cosd(theta);
  const sinPhi = sind(dphi);
  const cosPhi = cosd(dphi);
  let x = sinTheta * euler.sin - cosTheta * euler.cos * cosPhi;
  if (Math.abs(x) < 1e-5) x = -cosd(theta + euler.colatPole) + cosTheta * euler.cos * (1 - cosPhi);
  const y = -cosTheta * sinPhi;
  const dlng = x !== 0 || y !== 0 ? atan2d(y, x) : euler.colatPole < 90 ? dphi + 180 : -dphi;
  const lng = normaliseLongitude(euler.lngPole + dlng, euler.lngPole);
  let lat: number;
  if (fmod(dphi, 180) === 0) {
    lat = theta + cosPhi * euler.colatPole;
    if (lat > 90) lat = 180 - lat;
    if (lat < -90) lat = -180 - lat;
  } else {
    const z = sinTheta * euler.cos + cosTheta * euler.sin * cosPhi;
    lat = Math.abs(z) > 0.99 ? Math.sign(z) * acosd(Math.sqrt(x * x + y * y)) : asind(z);
  }
  return [lng, lat];
}

/** Celestial (lng, lat) to native (phi, theta), in degrees. */
export function celestialToNative(euler: EulerAngles, lng: number, lat: number): [number, number] {
  if (euler.sin === 0) {
    if (euler.colatPole === 0) {
      const dphi = fmod(euler.phiPole - 180 - euler.lngPole, 360);
      return [wrap180(fmod(lng + dphi, 360)), lat];
    }
    const dphi = fmod(euler.phiPole + euler.lngPole, 360);
    return [wrap180(fmod(dphi - lng, 360)), -lat];
  }
  const dlng = lng - euler.lngPole;
  const sinLat = sind(lat);
  const cosLat = cosd(lat);
  const sinLng = sind(dlng);
  const cosLng = cosd(dlng);
  let x = sinLat * euler.sin - cosLat * euler.cos * cosLng;
  if (Math.abs(x) < 1e-5) x = -cosd(lat + euler.colatPole) + cosLat * euler.cos * (1 - cosLng);
  const y = -cosLat * sinLng;
  const dphi = x !== 0 || y !== 0 ? atan2d(y, x) : euler.colatPole < 90 ? dlng - 180 : -dlng;
  const phi = wrap180(fmod(euler.phiPole + dphi, 360));
  let theta: number;
  if (fmod(dlng, 180) === 0) {
    theta = lat + cosLng * euler.colatPole;
    if (theta > 90) theta = 180 - theta;
    if (theta < -90) theta = -180 - theta;
  } else {
    const z = sinLat * euler.cos + cosLat * euler.sin * cosLng;
    theta = Math.abs(z) > 0.99 ? Math.sign(z) * acosd(Math.sqrt(x * x + y * y)) : asind(z);
  }
  return [phi, theta];
}
