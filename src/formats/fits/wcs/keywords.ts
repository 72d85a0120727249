/**
 * Reading the WCS keywords of one coordinate description (primary or alternate `A`..`Z`) from a
 * FITS header, with the defaults of Greisen & Calabretta (2002): CRPIX 0, CRVAL 0, CDELT 1, PC
 * the identity; CDi_j replaces PC and CDELT; CROTA2 is honoured when neither is given.
 * @module
 */
import type { Header } from "../header.js";
import { WcsError } from "./errors.js";
import { cosd, sind } from "./trig.js";

/** The WCS keywords of one description, with defaults applied. */
export interface WcsKeywords {
  /** The alternate key (`""` for the primary description). */
  key: string;
  /** Number of WCS axes (WCSAXESa, else the largest axis any keyword or NAXIS names). */
  naxis: number;
  /** CTYPEia, upper case, trimmed. */
  ctype: string[];
  /** CUNITia, trimmed. */
  cunit: string[];
  /** CRPIXja (1-based pixels). */
  crpix: number[];
  /** CRVALia. */
  crval: number[];
  /** The linear matrix from pixel offsets to intermediate world coordinates (CDELT x PC, or CD), row i, column j. */
  matrix: number[][];
  /** Which keywords gave the matrix. */
  matrixFrom: "PC" | "CD" | "CROTA" | "default";
  /** LONPOLEa. */
  lonpole: number | undefined;
  /** LATPOLEa. */
  latpole: number | undefined;
  /** PVi_ma, keyed `i_m` (1-based axis). */
  pv: Map<string, number>;
  /** RADESYSa. */
  radesys: string | undefined;
  /** EQUINOXa (or EPOCH for the primary description). */
  equinox: number | undefined;
}

/** Checks an alternate WCS key: `""`, `" "` or a letter `A`..`Z` (either case). */
export function normaliseKey(key: string | undefined): string {
  const trimmed = (key ?? "").trim().toUpperCase();
  if (trimmed !== "" && !/^[A-Z]$/.test(trimmed)) throw new WcsError(`an alternate WCS key is one letter A..Z, got ${JSON.stringify(key)}`);
  return trimmed;
}

function numberAt(header: Header, keyword: string): number | undefined {
  const value = header.get(keyword);
  if (value === undefined || value === null) return undefined;
  if (typeof value === "bigint") return Number(value);
  if (typeof value !== "number" || !Number.isFinite(value))
    throw new WcsError(`${keyword} must be a finite number, got ${JSON.stringify(typeof value === "object" ? String(value) : value)}`);
  return value;
}

function stringAt(header: Header, keyword: string): string | undefined {
  const value = header.get(keyword);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new WcsError(`${keyword} must be a string, got ${JSON.stringify(String(value))}`);
  return value.trim();
}

/** Letters of alternate descriptions present in a header (CTYPE1a or WCSNAMEa present), `""` first when the primary has one. */
export function wcsKeys(header: Header): string[] {
  const keys = new Set<string>();
  for (const card of header.cards) {
    const match = /^(?:CTYPE\d+|WCSNAME)([A-Z]?)$/.exec(card.keyword);
    if (match) keys.add(match[1] as string);
  }
  return [...keys].sort();
}

const MAX_AXES = 99;

/** Reads the keywords of the description with alternate key `key`. */
export function readWcsKeywords(header: Header, key: string): WcsKeywords {
  const suffix = key;
  let naxis = numberAt(header, `WCSAXES${suffix}`);
  if (naxis === undefined) {
    naxis = key === "" ? Math.max(0, numberAt(header, "NAXIS") ?? 0) : 0;
    const indexed = new RegExp(`^(?:CTYPE|CRPIX|CRVAL|CDELT|CUNIT|CROTA)(\\d+)${suffix}$|^(?:PC|CD)(\\d+)_(\\d+)${suffix}$`);
    for (const card of header.cards) {
      const match = indexed.exec(card.keyword);
      if (!match) continue;
      const axes = [match[1], match[2], match[3]].filter((part): part is string => part !== undefined).map(Number);
      naxis = Math.max(naxis, ...axes);
    }
  }
  if (!Number.isInteger(naxis) || naxis < 0 || naxis > MAX_AXES) throw new WcsError(`WCSAXES${suffix} = ${naxis} is out of range`);
  const n = naxis;
  const axis = Array.from({ length: n }, (_, i) => i + 1);
  const ctype = axis.map((i) => (stringAt(header, `CTYPE${i}${suffix}`) ?? "").toUpperCase());
  const cunit = axis.map((i) => stringAt(header, `CUNIT${i}${suffix}`) ?? "");
  const crpix = axis.map((i) => numberAt(header, `CRPIX${i}${suffix}`) ?? 0);
  const crval = axis.map((i) => numberAt(header, `CRVAL${i}${suffix}`) ?? 0);
  const cdelt = axis.map((i) => numberAt(header, `CDELT${i}${suffix}`) ?? 1);
  const pc = axis.map((i) => axis.map((j) => numberAt(header, `PC${i}_${j}${suffix}`)));
  const cd = axis.map((i) => axis.map((j) => numberAt(header, `CD${i}_${j}${suffix}`)));
  const hasPc = pc.some((row) => row.some((value) => value !== undefined));
  const hasCd = cd.some((row) => row.some((value) => value !== undefined));
  let matrixFrom: WcsKeywords["matrixFrom"] = "default";
  let matrix: number[][];
  if (hasPc || !hasCd) {
    matrix = pc.map((row, i) => row.map((value, j) => (cdelt[i] as number) * (value ?? (i === j ? 1 : 0))));
    if (hasPc) matrixFrom = "PC";
  } else {
    matrix = cd.map((row) => row.map((value) => value ?? 0));
    matrixFrom = "CD";
  }
  const crota = key === "" || header.has(`CROTA2${suffix}`) ? axis.map((i) => numberAt(header, `CROTA${i}${suffix}`)) : [];
  if (matrixFrom === "default" && crota.some((value) => value !== undefined && value !== 0)) {
    matrixFrom = "CROTA";
    applyCrota(matrix, ctype, cdelt, crota);
  }
  const pv = new Map<string, number>();
  const pvPattern = new RegExp(`^PV(\\d+)_(\\d+)${suffix}$`);
  for (const card of header.cards) {
    const match = pvPattern.exec(card.keyword);
    if (match) pv.set(`${Number(match[1])}_${Number(match[2])}`, numberAt(header, card.keyword) as number);
  }
  const radesys = stringAt(header, `RADESYS${suffix}`) ?? (key === "" ? stringAt(header, "RADECSYS") : undefined);
  const equinox = numberAt(header, `EQUINOX${suffix}`) ?? (key === "" ? numberAt(header, "EPOCH") : undefined);
  return {
    key,
    naxis: n,
    ctype,
    cunit,
    crpix,
    crval,
    matrix,
    matrixFrom,
    lonpole: numberAt(header, `LONPOLE${suffix}`),
    latpole: numberAt(header, `LATPOLE${suffix}`),
    pv,
    radesys: radesys?.toUpperCase(),
    equinox,
  };
}

/** The PC matrix that CROTAi on the latitude axis implies (Greisen & Calabretta 2002, eq. 188). */
function applyCrota(
  matrix: number[][],
  ctype: readonly string[],
  cdelt: readonly number[],
  crota: ReadonlyArray<number | undefined>,
): void {
  const lng = ctype.findIndex((type) => /^(RA|GLON|ELON|[A-Z]LON|[A-Z]{2}LN)-/.test(type));
  const lat = ctype.findIndex((type) => /^(DEC|GLAT|ELAT|[A-Z]LAT|[A-Z]{2}LT)-/.test(type));
  if (lng < 0 || lat < 0) return;
  const rho = crota[lat] ?? 0;
  const s = sind(rho);
  const c = cosd(rho);
  const dl = cdelt[lng] as number;
  const db = cdelt[lat] as number;
  (matrix[lng] as number[])[lng] = dl * c;
  (matrix[lng] as number[])[lat] = -db * s;
  (matrix[lat] as number[])[lng] = dl * s;
  (matrix[lat] as number[])[lat] = db * c;
}
