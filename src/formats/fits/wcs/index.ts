/**
 * World coordinates of FITS headers: the celestial WCS and its errors.
 * @module
 */
export { NoCelestialWcsError, WcsError } from "./errors.js";
export type { CelestialFrame, PositionFrame } from "./frames.js";
export { equatorialFrame, toWcsFrame } from "./frames.js";
export { wcsKeys } from "./keywords.js";
export type { Polynomial2, Sip } from "./polynomials.js";
export type { ProjectionCode } from "./projections.js";
export { PROJECTION_CODES } from "./projections.js";
export type { WcsOptions } from "./wcs.js";
export { CelestialWcs } from "./wcs.js";
