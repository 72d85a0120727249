/**
 * Target pixel files from TESS cube cutouts, laid out as astrocut writes them: the cube's primary
 * header with the target's keywords, a PIXELS table with one row per cadence (TIME, TIMECORR,
 * CADENCENO, RAW_CNTS, FLUX, FLUX_ERR, FLUX_BKG, FLUX_BKG_ERR, QUALITY, POS_CORR1, POS_CORR2,
 * FFI_FILE), and an APERTURE image carrying the cutout's WCS.
 * @module
 */
import { type Card, type ColumnInput, type HeaderValue, writeFits } from "../api/fits.js";
import type { TessCutout } from "./tess-cube.js";

const PRIMARY_DROPPED =
  /^(SIMPLE|BITPIX|NAXIS\d*|EXTEND|NEXTEND|CHECKSUM|DATASUM|COMMENT|SC_.*|RMS.*|A_.*|AP_.*|B_.*|BP.*|GAIN.*|TESS_.*|CD.*|CT.*|CRPIX.*|CRVAL.*|MJD.*|FILTER|TIME|EXPTIME|WCSAXES|CUNIT\d|RADESYS|EQUINOX|LONPOLE|LATPOLE)$/;

function card(keyword: string, value: HeaderValue, comment = ""): Card {
  return { keyword, value, comment };
}

/** Writes a cube cutout as a target pixel file (FITS bytes). */
export function writeTargetPixelFile(cutout: TessCutout): Uint8Array {
  const [frames, height, width] = cutout.shape;
  const pixels = height * width;
  const table = cutout.frames;
  const tstart = table.numbers("TSTART") ?? new Float64Array(frames).fill(Number.NaN);
  const tstop = table.numbers("TSTOP") ?? tstart;
  const time = Float64Array.from(tstart, (start, i) => (start + (tstop[i] as number)) / 2);
  const timecorr = Float32Array.from(table.numbers("BARYCORR") ?? new Float64Array(frames));
  const quality = Int32Array.from(table.numbers("DQUALITY") ?? new Float64Array(frames));
  const files = table.strings("FFI_FILE") ?? Array.from({ length: frames }, () => "");
  const zeros = new Float32Array(frames * pixels);
  const columns: ColumnInput[] = [
    { name: "TIME", data: time, unit: "BJD - 2457000, days" },
    { name: "TIMECORR", data: timecorr, unit: "d" },
    { name: "CADENCENO", data: new Int32Array(frames) },
    { name: "RAW_CNTS", data: new Int32Array(frames * pixels).fill(-1), repeat: pixels, unit: "count" },
    { name: "FLUX", data: cutout.flux, repeat: pixels, unit: "e-/s" },
    { name: "FLUX_ERR", data: cutout.fluxErr, repeat: pixels, unit: "e-/s" },
    { name: "FLUX_BKG", data: zeros, repeat: pixels, unit: "e-/s" },
    { name: "FLUX_BKG_ERR", data: zeros, repeat: pixels, unit: "e-/s" },
    { name: "QUALITY", data: quality },
    { name: "POS_CORR1", data: new Float32Array(frames), unit: "pixel" },
    { name: "POS_CORR2", data: new Float32Array(frames), unit: "pixel" },
    { name: "FFI_FILE", data: files },
  ];
  const tableCards: Card[] = [card("TNULL4", -1, "null value"), card("INHERIT", true, "inherit the primary header")];
  const wcs = cutout.wcsHeader;
  for (const n of [4, 5, 6, 7, 8]) {
    tableCards.push(card(`TDIM${n}`, `(${width},${height})`, "multi-dimensional array spec"));
    for (const [prefix, keyword] of [
      ["1CTYP", "CTYPE1"],
      ["2CTYP", "CTYPE2"],
      ["1CRPX", "CRPIX1"],
      ["2CRPX", "CRPIX2"],
      ["1CRVL", "CRVAL1"],
      ["2CRVL", "CRVAL2"],
      ["1CUNI", "CUNIT1"],
      ["2CUNI", "CUNIT2"],
      ["1CDLT", "CDELT1"],
      ["2CDLT", "CDELT2"],
      ["11PC", "PC1_1"],
      ["12PC", "PC1_2"],
      ["21PC", "PC2_1"],
      ["22PC", "PC2_2"],
    ] as const) {
      const value = wcs.get(keyword);
      if (value !== undefined) tableCards.push(card(`${prefix}${n}`, value));
    }
    tableCards.push(card(`WCSN${n}P`, "PHYSICAL", "table column WCS name"));
    tableCards.push(card(`1CTY${n}P`, "RAWX", "table column physical WCS axis 1 type, CCD col"));
    tableCards.push(card(`2CTY${n}P`, "RAWY", "table column physical WCS axis 2 type, CCD row"));
    tableCards.push(card(`1CRV${n}P`, cutout.origin[0] + 1, "table column physical WCS ax 1 ref value"));
    tableCards.push(card(`2CRV${n}P`, cutout.origin[1] + 1, "table column physical WCS ax 2 ref value"));
  }
  const primaryCards = cutout.primaryHeader.cards.filter((c) => !PRIMARY_DROPPED.test(c.keyword)).map((c) => ({ ...c }));
  const set = (keyword: string, value: HeaderValue, comment: string): void => {
    const existing = primaryCards.find((c) => c.keyword === keyword);
    if (existing) existing.value = value;
    else primaryCards.push(card(keyword, value, comment));
  };
  set("CREATOR", "skyfs", "software used to produce this file");
  set("FFI_TYPE", "SPOC", "the FFI type used to make the cutouts");
  set("RA_OBJ", cutout.target.ra, "[deg] right ascension");
  set("DEC_OBJ", cutout.target.dec, "[deg] declination");
  set("TIMEREF", "SOLARSYSTEM", "barycentric correction applied to times");
  set("TASSIGN", "SPACECRAFT", "where time is assigned");
  set("TIMESYS", "TDB", "time system is Barycentric Dynamical Time (TDB)");
  set("BJDREFI", 2457000, "integer part of BTJD reference date");
  set("BJDREFF", 0, "fraction of the day in BTJD reference date");
  set("TIMEUNIT", "d", "time unit for TIME, TSTART, and TSTOP");
  const start = cutout.primaryHeader.get("TSTART");
  const stop = cutout.primaryHeader.get("TSTOP");
  if (typeof start === "number" && typeof stop === "number") set("TELAPSE", stop - start, "[d] TSTOP - TSTART");
  const apertureCards = wcs.cards.map((c) => ({ ...c }));
  apertureCards.push(card("INHERIT", true, "inherit the primary header"));
  return writeFits([
    { cards: primaryCards },
    { kind: "table", rows: frames, columns, name: "PIXELS", cards: tableCards },
    { data: cutout.aperture, shape: [height, width], name: "APERTURE", cards: apertureCards },
  ]);
}
