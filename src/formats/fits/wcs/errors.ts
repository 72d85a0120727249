/**
 * The errors of the WCS reader: part of the skyfs family through {@link FormatError}.
 * @module
 */
import { FormatError, nameErrorClasses } from "../../../core/errors.js";

/** A header's WCS is malformed or uses something this reader does not implement. */
export class WcsError extends FormatError {}

/** A header has no celestial WCS (no pair of longitude/latitude CTYPEs). */
export class NoCelestialWcsError extends WcsError {}

nameErrorClasses({ WcsError, NoCelestialWcsError });
