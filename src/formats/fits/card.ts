/**
 * One 80-character FITS header card: parsing every value form of the standard, and formatting.
 * @module
 */

/** A complex header value. */
export interface ComplexValue {
  /** Real part. */
  re: number;
  /** Imaginary part. */
  im: number;
}

/**
 * A header value: text, logical, integer (a bigint beyond 2^53), float, complex, or `null` for
 * an undefined value. COMMENT, HISTORY and blank cards hold their text as a string.
 */
export type HeaderValue = string | boolean | number | bigint | ComplexValue | null;

/** One header card as stored (CONTINUE cards already joined by the header). */
export interface Card {
  /** The keyword, without the `HIERARCH ` prefix. */
  keyword: string;
  /** The value. */
  value: HeaderValue;
  /** The comment after the value, trimmed. */
  comment: string;
}

/** Keywords whose cards hold free text instead of a value. */
export const COMMENTARY_KEYWORDS = new Set(["COMMENT", "HISTORY", ""]);

/** A card that could not be parsed, with the reason. */
export class CardError extends Error {}

/** Parses one 80-character card (ASCII text). */
export function parseCard(text: string): Card & { continued: boolean } {
  if (/[^\x20-\x7e]/.test(text)) throw new CardError("card holds characters outside printable ASCII");
  const head = text.slice(0, 8).trimEnd();
  if (head === "HIERARCH") {
    const equals = text.indexOf("=", 8);
    if (equals < 0) return { keyword: text.slice(9).trim(), value: null, comment: "", continued: false };
    const { value, comment, continued } = parseValueField(text.slice(equals + 1));
    return { keyword: text.slice(8, equals).trim(), value, comment, continued };
  }
  if (!/^[A-Z0-9_-]*$/.test(head)) throw new CardError(`invalid keyword ${JSON.stringify(head)}`);
  if (COMMENTARY_KEYWORDS.has(head) || head === "CONTINUE" || text.slice(8, 10) !== "= ") {
    if (head === "CONTINUE") {
      const { value, comment, continued } = parseValueField(text.slice(8));
      return { keyword: head, value, comment, continued };
    }
    return { keyword: head, value: text.slice(8).trimEnd(), comment: "", continued: false };
  }
  const { value, comment, continued } = parseValueField(text.slice(10));
  return { keyword: head, value, comment, continued };
}

/** Parses the value-and-comment field of a card. */
function parseValueField(field: string): { value: HeaderValue; comment: string; continued: boolean } {
  const trimmed = field.trimStart();
  if (trimmed.startsWith("'")) {
    let text = "";
    let i = 1;
    for (;;) {
      if (i >= trimmed.length) throw new CardError("string value has no closing quote");
      const char = trimmed[i] as string;
      if (char === "'") {
        if (trimmed[i + 1] === "'") {
          text += "'";
          i += 2;
          continue;
        }
        break;
      }
      text += char;
      i++;
    }
    const rest = trimmed.slice(i + 1);
    const slash = rest.indexOf("/");
    if (slash < 0 && rest.trim() !== "") throw new CardError(`unexpected text after a string value: ${rest.trim()}`);
    const value = text.trimEnd();
    return { value, comment: slash < 0 ? "" : rest.slice(slash + 1).trim(), continued: value.endsWith("&") };
  }
  const slash = trimmed.indexOf("/");
  const raw = (slash < 0 ? trimmed : trimmed.slice(0, slash)).trim();
  const comment = slash < 0 ? "" : trimmed.slice(slash + 1).trim();
  return { value: parseScalar(raw), comment, continued: false };
}

/** Parses a non-string value: logical, integer, float, complex or empty. */
export function parseScalar(raw: string): HeaderValue {
  if (raw === "") return null;
  if (raw === "T") return true;
  if (raw === "F") return false;
  if (/^[+-]?\d+$/.test(raw)) {
    const big = BigInt(raw);
    return big <= BigInt(Number.MAX_SAFE_INTEGER) && big >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(big) : big;
  }
  const number = parseFloatText(raw);
  if (number !== undefined) return number;
  const complex = /^\(\s*([^,]+?)\s*,\s*([^)]+?)\s*\)$/.exec(raw);
  if (complex) {
    const re = parseFloatText(complex[1] as string);
    const im = parseFloatText(complex[2] as string);
    if (re !== undefined && im !== undefined) return { re, im };
  }
  throw new CardError(`cannot read value ${JSON.stringify(raw)}`);
}

function parseFloatText(text: string): number | undefined {
  const normal = text.trim().replace(/[dD]/, "E");
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(normal)) {
    if (/^[+-]?nan$/i.test(normal)) return Number.NaN;
    if (/^[+-]?inf(inity)?$/i.test(normal)) return normal.startsWith("-") ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
    return undefined;
  }
  return Number(normal);
}

/** Formats a value as it stands in a card's value field. */
export function formatValue(value: HeaderValue): string {
  if (value === null) return "";
  if (typeof value === "boolean") return (value ? "T" : "F").padStart(20);
  if (typeof value === "bigint") return value.toString().padStart(20);
  if (typeof value === "number") {
    if (Number.isInteger(value) && Math.abs(value) < 1e16 && !Object.is(value, -0)) return String(value).padStart(20);
    return formatFloat(value).padStart(20);
  }
  if (typeof value === "string") return `'${value.replace(/'/g, "''").padEnd(8)}'`;
  return `(${formatFloat(value.re)}, ${formatFloat(value.im)})`.padStart(20);
}

function formatFloat(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e16) return `${value}.0`;
  const text = String(value).toUpperCase();
  return text.includes(".") || text.includes("E") ? text : `${text}.0`;
}

/**
 * Formats a card as one or more 80-character records: long strings go on CONTINUE cards,
 * long keywords get the HIERARCH convention.
 */
export function formatCard(card: Card): string[] {
  const keyword = card.keyword;
  if (COMMENTARY_KEYWORDS.has(keyword)) {
    const text = String(card.value ?? "");
    const records: string[] = [];
    for (let i = 0; i === 0 || i < text.length; i += 72) records.push(`${keyword.padEnd(8)}${text.slice(i, i + 72)}`.padEnd(80));
    return records;
  }
  const prefix = keyword.length > 8 || /[^A-Z0-9_-]/.test(keyword) ? `HIERARCH ${keyword} = ` : `${keyword.padEnd(8)}= `;
  const comment = card.comment ? ` / ${card.comment}` : "";
  if (typeof card.value === "string") {
    const escaped = card.value.replace(/'/g, "''");
    if (escaped.length + 2 <= 80 - prefix.length) return [padCard(`${prefix}${formatValue(card.value)}${comment}`)];
    const records: string[] = [];
    let rest = escaped;
    let first = true;
    while (rest.length > 0) {
      const width = (first ? 80 - prefix.length : 70) - 3;
      let cut = Math.min(width, rest.length);
      if (rest[cut - 1] === "'" && rest[cut] === "'") cut--;
      const piece = rest.slice(0, cut);
      rest = rest.slice(cut);
      const body = `'${piece}${rest.length > 0 ? "&" : ""}'`;
      records.push(padCard(first ? `${prefix}${body}` : `CONTINUE  ${body}`));
      first = false;
    }
    if (comment) records[records.length - 1] = padCard((records[records.length - 1] as string).trimEnd() + comment);
    return records;
  }
  return [padCard(`${prefix}${formatValue(card.value)}${comment}`)];
}

function padCard(record: string): string {
  return record.length > 80 ? record.slice(0, 80) : record.padEnd(80);
}
