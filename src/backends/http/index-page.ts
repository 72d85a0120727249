/**
 * Reading directory index pages (Apache, nginx, Python's http.server ...) as listings, fed
 * chunk by chunk so that a page of any size is parsed in bounded memory. Where the page gives
 * them in the formats of nginx's and Apache's autoindex, the exact size in bytes and the
 * modification time of each entry are kept.
 * @module
 */

const HREF = /<a\s[^>]*?href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))[^>]*>/gi;
const NGINX_DETAILS = /^\s*(\d{2})-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2})(?::(\d{2}))?\s+(\d+|-)\s*$/;
const APACHE_DETAILS = /^\s*(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})(?::(\d{2}))?\s+(\S+)/;
const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
/** A relative link that names a child as it is, which URL parsing would leave unchanged. */
const PLAIN_NAME = /^[A-Za-z0-9._~%!$&'()*+,;=@-]+\/?$/;
/** Text kept while waiting for the end of a line; a longer line is cut at its last link. */
const MAX_PENDING = 256 * 1024;

/** One child named by an index page. */
export interface IndexEntry {
  /** Absolute URL, without query or fragment; directories keep their trailing slash. */
  url: string;
  /** Exact size in bytes when the page gives one (not a rounded `12K`). */
  size?: number;
  /** Modification time when the page gives one (read as UTC). */
  mtime?: Date;
}

/**
 * Parses an index page fed in pieces: the direct children of `pageUrl` it links to, each once,
 * with the sizes and dates nginx and Apache print beside the links.
 */
export class IndexPageParser {
  private readonly base: string;
  private readonly entries = new Map<string, IndexEntry>();
  private pending = "";

  constructor(pageUrl: string) {
    this.base = pageUrl.endsWith("/") ? pageUrl : `${pageUrl}/`;
  }

  /** Number of children found so far. */
  get count(): number {
    return this.entries.size;
  }

  /** Feeds the next piece of the page's text. */
  push(text: string): void {
    this.pending += text;
    let cut = this.pending.lastIndexOf("\n");
    if (cut < 0 && this.pending.length > MAX_PENDING) cut = lastLinkStart(this.pending) - 1;
    if (cut < 0) return;
    this.parseLines(this.pending.slice(0, cut + 1));
    this.pending = this.pending.slice(cut + 1);
  }

  /** Parses what is left and returns every child, in page order. */
  finish(): IndexEntry[] {
    this.parseLines(this.pending);
    this.pending = "";
    return [...this.entries.values()];
  }

  private parseLines(text: string): void {
    for (const line of text.split("\n")) this.parseLine(line);
  }

  private parseLine(line: string): void {
    const links = [...line.matchAll(HREF)];
    links.forEach((match, i) => {
      const child = this.child(decodeEntities(match[1] ?? match[2] ?? match[3] ?? ""));
      if (child === undefined || this.entries.has(child)) return;
      const entry: IndexEntry = { url: child };
      const close = line.indexOf("</a>", (match.index ?? 0) + match[0].length);
      const next = links[i + 1]?.index ?? line.length;
      if (close >= 0 && close < next) Object.assign(entry, details(stripTags(line.slice(close + 4, next))));
      this.entries.set(child, entry);
    });
  }

  private child(raw: string): string | undefined {
    if (raw === "" || raw.startsWith("?") || raw.startsWith("#")) return undefined;
    if (PLAIN_NAME.test(raw) && raw !== "./" && raw !== "../" && raw !== "." && raw !== "..") return this.base + raw;
    let url: URL;
    try {
      url = new URL(raw, this.base);
    } catch {
      return undefined;
    }
    url.search = "";
    url.hash = "";
    const href = url.href;
    if (!href.startsWith(this.base) || href === this.base) return undefined;
    const rest = href.slice(this.base.length);
    const slash = rest.indexOf("/");
    if (slash >= 0 && slash !== rest.length - 1) return undefined;
    return href;
  }
}

/**
 * The URLs of the direct children of `pageUrl` linked from a whole index page, absolute,
 * without query or fragment, deduplicated; directories keep their trailing slash.
 */
export function parseIndexPage(html: string, pageUrl: string): string[] {
  const parser = new IndexPageParser(pageUrl);
  parser.push(html);
  return parser.finish().map((entry) => entry.url);
}

/** Size and date from the text after a link, in nginx's or Apache's autoindex layout. */
function details(text: string): { size?: number; mtime?: Date } {
  if (text.trim() === "") return {};
  const nginx = NGINX_DETAILS.exec(text);
  if (nginx) {
    const month = MONTHS.indexOf((nginx[2] as string).toLowerCase());
    const mtime = month < 0 ? undefined : utc(Number(nginx[3]), month, Number(nginx[1]), nginx[4], nginx[5], nginx[6]);
    return withValues(exactSize(nginx[7]), mtime);
  }
  const apache = APACHE_DETAILS.exec(text);
  if (apache) {
    const mtime = utc(Number(apache[1]), Number(apache[2]) - 1, Number(apache[3]), apache[4], apache[5], apache[6]);
    return withValues(exactSize(apache[7]), mtime);
  }
  return {};
}

function withValues(size: number | undefined, mtime: Date | undefined): { size?: number; mtime?: Date } {
  const out: { size?: number; mtime?: Date } = {};
  if (size !== undefined) out.size = size;
  if (mtime !== undefined) out.mtime = mtime;
  return out;
}

function exactSize(token: string | undefined): number | undefined {
  if (token === undefined || !/^\d+$/.test(token)) return undefined;
  const size = Number(token);
  return Number.isSafeInteger(size) ? size : undefined;
}

function utc(year: number, month: number, day: number, hours?: string, minutes?: string, seconds?: string): Date | undefined {
  const time = Date.UTC(year, month, day, Number(hours ?? 0), Number(minutes ?? 0), Number(seconds ?? 0));
  return Number.isNaN(time) ? undefined : new Date(time);
}

function lastLinkStart(text: string): number {
  const at = text.toLowerCase().lastIndexOf("<a");
  return at > 0 ? at : text.length;
}

function stripTags(text: string): string {
  if (!text.includes("<") && !text.includes("&")) return text;
  return decodeEntities(text.replace(/<[^>]*>/g, " ").replace(/&nbsp;/g, " "));
}

function decodeEntities(text: string): string {
  if (!text.includes("&")) return text;
  return text
    .replace(/&amp;/g, "&")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">");
}
