/**
 * Writes small FITS cubes laid out like astrocut's TESS cubes: a primary header with the
 * sector's information (and its WCS), an image HDU of numpy shape (nrows, ncols, nframes, 2) —
 * NAXIS1 = 2 (flux, error), NAXIS2 = frames, NAXIS3 = columns, NAXIS4 = rows — and a table with
 * one row of FFI header keywords per frame. Pixel values are known functions of (row, column,
 * frame), so a reader's output can be checked exactly.
 */
import { type Card, type ColumnInput, type HeaderValue, writeFits } from "../../src/fits.js";

/** The shape and sky placement of a fixture cube. */
export interface CubeFixtureOptions {
  /** Detector rows. */
  rows: number;
  /** Detector columns. */
  columns: number;
  /** Frames (FFIs). */
  frames: number;
  /** Sky position of the reference pixel (degrees). */
  crval?: [number, number];
}

/** Flux stored for a pixel and frame. */
export function fixtureFlux(row: number, column: number, frame: number): number {
  return row * 1000 + column + frame * 0.25;
}

/** Flux error stored for a pixel and frame. */
export function fixtureError(row: number, column: number, frame: number): number {
  return frame + 0.5 + ((row + column) % 4) * 0.125;
}

/** Start time (TJD) of a frame. */
export function fixtureStart(frame: number): number {
  return 1410.9 + frame / 144;
}

/** CRVAL1 of a frame's WCS: the frames differ slightly, as real FFIs do. */
export function fixtureCrval1(base: number, frame: number): number {
  return base + frame * 1e-7;
}

/** The WCS keywords of a frame (TAN-SIP, 21 arcsec pixels). */
export function fixtureWcs(options: CubeFixtureOptions, frame: number): Array<[string, HeaderValue]> {
  const [ra, dec] = options.crval ?? [84.2, -70.1];
  return [
    ["WCSAXES", 2],
    ["CTYPE1", "RA---TAN-SIP"],
    ["CTYPE2", "DEC--TAN-SIP"],
    ["CUNIT1", "deg"],
    ["CUNIT2", "deg"],
    ["CRVAL1", fixtureCrval1(ra, frame)],
    ["CRVAL2", dec],
    ["CRPIX1", options.columns / 2 + 0.5],
    ["CRPIX2", options.rows / 2 + 0.5],
    ["CD1_1", -0.005738],
    ["CD1_2", 0.000612],
    ["CD2_1", 0.000598],
    ["CD2_2", 0.005741],
    ["A_ORDER", 2],
    ["B_ORDER", 2],
    ["A_2_0", 1.2e-6],
    ["A_1_1", -3.1e-7],
    ["A_0_2", 8.5e-7],
    ["B_2_0", -4.4e-7],
    ["B_1_1", 9.9e-7],
    ["B_0_2", 2.1e-7],
    ["AP_ORDER", 2],
    ["BP_ORDER", 2],
    ["AP_2_0", -1.2e-6],
    ["AP_1_1", 3.1e-7],
    ["AP_0_2", -8.5e-7],
    ["BP_2_0", 4.4e-7],
    ["BP_1_1", -9.9e-7],
    ["BP_0_2", -2.1e-7],
    ["RADESYS", "ICRS"],
  ];
}

const cards = (pairs: Array<[string, HeaderValue]>): Card[] => pairs.map(([keyword, value]) => ({ keyword, value, comment: "" }));

/** The cube's bytes. */
export function writeTessCube(options: CubeFixtureOptions): Uint8Array {
  const { rows, columns, frames } = options;
  const data = new Float32Array(rows * columns * frames * 2);
  let at = 0;
  for (let row = 0; row < rows; row++)
    for (let column = 0; column < columns; column++)
      for (let frame = 0; frame < frames; frame++) {
        data[at++] = fixtureFlux(row, column, frame);
        data[at++] = fixtureError(row, column, frame);
      }
  const middle = Math.floor(frames / 2);
  const primary: Array<[string, HeaderValue]> = [
    ["ORIGIN", "STScI/MAST"],
    ["DATE", "2026-11-30"],
    ["TELESCOP", "TESS"],
    ["INSTRUME", "TESS Photometer"],
    ["SECTOR", 12],
    ["CAMERA", 3],
    ["CCD", 4],
    ["TSTART", fixtureStart(0)],
    ["TSTOP", fixtureStart(frames - 1) + 1 / 150],
    ["DATE-OBS", "2019-05-21T11:12:13.000"],
    ["DATE-END", "2019-06-18T20:21:22.000"],
    ["FFIINDEX", 100],
    ...fixtureWcs(options, middle),
    ["EXTNAME", "PRIMARY"],
  ];
  const wcsColumns = fixtureWcs(options, 0).map(([keyword, value]): ColumnInput => {
    const values = Array.from(
      { length: frames },
      (_, frame) => (fixtureWcs(options, frame).find(([k]) => k === keyword)?.[1] ?? value) as HeaderValue,
    );
    if (typeof value === "string") return { name: keyword, data: values as string[] };
    if (Number.isInteger(value)) return { name: keyword, data: Int32Array.from(values as number[]) };
    return { name: keyword, data: Float64Array.from(values as number[]) };
  });
  const table: ColumnInput[] = [
    { name: "TSTART", data: Float64Array.from({ length: frames }, (_, frame) => fixtureStart(frame)) },
    { name: "TSTOP", data: Float64Array.from({ length: frames }, (_, frame) => fixtureStart(frame) + 1 / 150) },
    { name: "BARYCORR", data: Float64Array.from({ length: frames }, (_, frame) => 0.0012 + frame * 1e-6) },
    { name: "DQUALITY", data: Int32Array.from({ length: frames }, (_, frame) => (frame % 17 === 0 ? 128 : 0)) },
    ...wcsColumns,
    {
      name: "FFI_FILE",
      data: Array.from({ length: frames }, (_, frame) => `tess2019${String(frame).padStart(9, "0")}-s0012-3-4-0144-s_ffic.fits`),
    },
  ];
  return writeFits([
    { cards: cards(primary) },
    { data, shape: [rows, columns, frames, 2] },
    { kind: "table", rows: frames, columns: table },
  ]);
}
