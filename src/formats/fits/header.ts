/**
 * A FITS header: its cards in order, CONTINUE cards joined, lookup by keyword (and by index for
 * repeated keywords), and the round trip back to text.
 * @module
 */
import { type Card, CardError, formatCard, type HeaderValue, parseCard } from "./card.js";

/** Size of a FITS block in bytes. */
export const BLOCK = 2880;
/** Size of one card. */
export const CARD = 80;

/** The cards of one header. */
export class Header {
  /** The cards in order, without END. */
  readonly cards: Card[];

  constructor(cards: Card[] = []) {
    this.cards = cards;
  }

  /** Whether a keyword is present. */
  has(keyword: string): boolean {
    return this.cards.some((card) => card.keyword === keyword.toUpperCase() || card.keyword === keyword);
  }

  /** The value of the `index`-th card with this keyword (0 = the first), or `undefined`. */
  get(keyword: string, index = 0): HeaderValue | undefined {
    return this.card(keyword, index)?.value;
  }

  /** The `index`-th card with this keyword, or `undefined`. */
  card(keyword: string, index = 0): Card | undefined {
    const wanted = keyword.toUpperCase();
    let seen = 0;
    for (const card of this.cards) {
      if (card.keyword === wanted || card.keyword === keyword) {
        if (seen === index) return card;
        seen++;
      }
    }
    return undefined;
  }

  /** Every value of a repeated keyword (COMMENT, HISTORY ...). */
  getAll(keyword: string): HeaderValue[] {
    const wanted = keyword.toUpperCase();
    return this.cards.filter((card) => card.keyword === wanted || card.keyword === keyword).map((card) => card.value);
  }

  /** An integer value, or `fallback` when absent; throws when present and not an integer. */
  integer(keyword: string, fallback?: number): number {
    const value = this.get(keyword);
    if (value === undefined || value === null) {
      if (fallback === undefined) throw new CardError(`missing required keyword ${keyword}`);
      return fallback;
    }
    if (typeof value === "number" && Number.isInteger(value)) return value;
    if (typeof value === "bigint") throw new CardError(`${keyword} = ${value} is too large`);
    throw new CardError(`${keyword} must be an integer, got ${JSON.stringify(value)}`);
  }

  /** A numeric value, or `fallback` when absent. */
  number(keyword: string, fallback: number): number {
    const value = this.get(keyword);
    if (typeof value === "number") return value;
    if (typeof value === "bigint") return Number(value);
    return fallback;
  }

  /** A string value (trailing spaces removed), or `fallback`. */
  string(keyword: string, fallback = ""): string {
    const value = this.get(keyword);
    return typeof value === "string" ? value : fallback;
  }

  /** Sets a keyword's first card (adding it at the end, or before `before`, when absent). */
  set(keyword: string, value: HeaderValue, comment?: string): void {
    const existing = this.card(keyword);
    if (existing) {
      existing.value = value;
      if (comment !== undefined) existing.comment = comment;
    } else this.cards.push({ keyword: keyword.toUpperCase(), value, comment: comment ?? "" });
  }

  /**
   * The header as FITS text: 80-character cards, END, padded with spaces to whole blocks. Cards
   * unchanged since they were read keep their records as read (see {@link cardRecords}).
   */
  toString(): string {
    const records = this.cards.flatMap(cardRecords);
    records.push("END".padEnd(CARD));
    const text = records.join("");
    return text.padEnd(Math.ceil(text.length / BLOCK) * BLOCK, " ");
  }
}

/**
 * Finds the END card in header bytes that start on a card boundary: the index of the first card
 * that reads `END` followed by blanks (the characters `String.prototype.trim` removes), or -1
 * when no whole card of `bytes` is one.
 */
export function findEndCard(bytes: Uint8Array): number {
  for (let at = 0; at + CARD <= bytes.length; at += CARD) {
    if (bytes[at] !== 0x45 || bytes[at + 1] !== 0x4e || bytes[at + 2] !== 0x44) continue;
    let blank = true;
    for (let i = at + 3; i < at + CARD && blank; i++) blank = isBlank(bytes[i] as number);
    if (blank) return at / CARD;
  }
  return -1;
}

/** Whether a Latin-1 byte is white space to `String.prototype.trim`. */
function isBlank(byte: number): boolean {
  return byte === 0x20 || (byte >= 0x09 && byte <= 0x0d) || byte === 0xa0;
}

/**
 * Parses `count` cards of header text, joining long strings continued on CONTINUE cards. The
 * pieces of a continued string are gathered and joined once, so the work is linear in the
 * header's size however many CONTINUE cards a string spans.
 */
export function parseHeaderCards(text: string, count: number): Header {
  const cards: Card[] = [];
  let open: { card: Card; pieces: string[]; comments: string[] } | undefined;
  let current: { card: ReadCard; first: number } | undefined;
  const close = (): void => {
    if (!open) return;
    open.card.value = open.pieces.join("");
    open.card.comment = open.comments.join(" ");
    open = undefined;
  };
  const keep = (end: number): void => {
    current?.card.keep(text.slice(current.first * CARD, end * CARD));
  };
  for (let i = 0; i < count; i++) {
    const raw = text.slice(i * CARD, (i + 1) * CARD);
    let parsed: ReturnType<typeof parseCard>;
    try {
      parsed = parseCard(raw);
    } catch (error) {
      throw new CardError(`card ${i + 1} (${JSON.stringify(raw.trimEnd())}): ${(error as Error).message}`);
    }
    if (parsed.keyword === "CONTINUE" && open && typeof parsed.value === "string") {
      const last = open.pieces.length - 1;
      open.pieces[last] = (open.pieces[last] as string).slice(0, -1);
      open.pieces.push(parsed.value);
      if (parsed.comment) open.comments.push(parsed.comment);
      if (!parsed.continued) close();
      continue;
    }
    close();
    keep(i);
    const card = new ReadCard(parsed.keyword, parsed.value, parsed.comment);
    cards.push(card);
    current = { card, first: i };
    if (parsed.continued) open = { card, pieces: [parsed.value as string], comments: parsed.comment ? [parsed.comment] : [] };
  }
  close();
  keep(count);
  return new Header(cards);
}

/**
 * A card {@link parseHeaderCards} made: a plain {@link Card} to its users, which also keeps the
 * records it was read from and what they parsed to (a complex value's parts apart).
 */
class ReadCard implements Card {
  #records = "";
  #keyword = "";
  #value: HeaderValue = null;
  #re: number | undefined;
  #im: number | undefined;
  #comment = "";

  constructor(
    public keyword: string,
    public value: HeaderValue,
    public comment: string,
  ) {}

  /** Takes `records` as the text of the card as it holds now. */
  keep(records: string): void {
    this.#records = records;
    this.#keyword = this.keyword;
    this.#value = this.value;
    this.#comment = this.comment;
    if (typeof this.value === "object" && this.value !== null) {
      this.#re = this.value.re;
      this.#im = this.value.im;
    }
  }

  /** The records the card was read from while it holds what they parsed to; else `undefined`. */
  recordsAsRead(): string | undefined {
    if (this.keyword !== this.#keyword || this.comment !== this.#comment || !Object.is(this.value, this.#value)) return undefined;
    const value = this.value;
    if (typeof value === "object" && value !== null && !(Object.is(value.re, this.#re) && Object.is(value.im, this.#im))) return undefined;
    return this.#records;
  }
}

/**
 * The 80-character records of a card: those it was read from while its keyword, value and
 * comment are what they parsed to, so a header read and written again keeps its text; else the
 * card formatted ({@link formatCard}).
 */
export function cardRecords(card: Card): string[] {
  const text = card instanceof ReadCard ? card.recordsAsRead() : undefined;
  if (text === undefined) return formatCard(card);
  if (text.length === CARD) return [text];
  const records: string[] = [];
  for (let at = 0; at < text.length; at += CARD) records.push(text.slice(at, at + CARD));
  return records;
}
