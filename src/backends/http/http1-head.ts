/**
 * HTTP/1.1 message framing for the Node transport: the request head it writes, and the reply
 * head it reads (status line and header fields, RFC 9112), strictly: anything a careful parser
 * would refuse is an {@link InvalidReplyError}, never a guess.
 * @module
 */

/** Bytes a reply head (status line and header fields) may take at most. */
export const MAX_HEAD_BYTES = 64 * 1024;

/** A reply that does not follow HTTP/1.1; `code` says which rule it broke. */
export class InvalidReplyError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = "InvalidReplyError";
  }
}

/** The status line and header fields of a reply. */
export interface ReplyHead {
  /** The status code. */
  status: number;
  /** `1.1` or `1.0`. */
  version: "1.0" | "1.1";
  /** Header field values by lower-case name, in the order received. */
  fields: Map<string, string[]>;
}

const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: [^\r\n]*)?$/;
const FIELD_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * Parses a reply head, `text` being its latin1 decoding without the empty line that ends it.
 * Obsolete line folding, a field without a colon, bad characters and contradictory
 * `Content-Length` fields are refused.
 */
export function parseReplyHead(text: string): ReplyHead {
  const firstEnd = lineEnd(text, 0);
  const statusLine = text.slice(0, firstEnd);
  const status = STATUS_LINE.exec(statusLine);
  if (!status) throw new InvalidReplyError(`not an HTTP/1.x status line: ${JSON.stringify(statusLine.slice(0, 80))}`, "InvalidStatusLine");
  const fields = new Map<string, string[]>();
  for (let start = firstEnd + 2; start <= text.length; ) {
    const end = lineEnd(text, start);
    const colon = text.indexOf(":", start);
    const name = colon > start && colon < end ? text.slice(start, colon) : "";
    if (!FIELD_NAME.test(name))
      throw new InvalidReplyError(`not a header field: ${JSON.stringify(text.slice(start, Math.min(end, start + 80)))}`, "InvalidHeader");
    const value = trimmed(text, colon + 1, end);
    if (!FIELD_VALUE.test(value)) throw new InvalidReplyError(`bad characters in the ${name} header`, "InvalidHeader");
    const key = name.toLowerCase();
    const values = fields.get(key);
    if (values) values.push(value);
    else fields.set(key, [value]);
    start = end + 2;
  }
  const length = contentLength(fields.get("content-length"));
  if (length !== undefined && !/^\d{1,15}$/.test(length))
    throw new InvalidReplyError(`bad Content-Length ${JSON.stringify(length)}`, "InvalidContentLength");
  return { status: Number(status[2]), version: status[1] === "1" ? "1.1" : "1.0", fields };
}

/** Where the line that starts at `start` ends: at its CR LF, or at the end of `text`. */
function lineEnd(text: string, start: number): number {
  const end = text.indexOf("\r\n", start);
  return end < 0 ? text.length : end;
}

/** `text` from `start` to `end`, without the spaces and tabs at either end. */
function trimmed(text: string, start: number, end: number): string {
  let from = start;
  let to = end;
  while (from < to && (text.charCodeAt(from) === 0x20 || text.charCodeAt(from) === 0x09)) from++;
  while (to > from && (text.charCodeAt(to - 1) === 0x20 || text.charCodeAt(to - 1) === 0x09)) to--;
  return text.slice(from, to);
}

/**
 * The one `Content-Length` of a reply (the same value repeated, as a list or in several fields,
 * counts as one), or an {@link InvalidReplyError} when the values differ.
 */
function contentLength(values: string[] | undefined): string | undefined {
  if (values === undefined) return undefined;
  const only = values[0] as string;
  if (values.length === 1 && !only.includes(",")) return only;
  const lengths = new Set(listMembers(values));
  if (lengths.size > 1) throw new InvalidReplyError("contradictory Content-Length headers", "InvalidContentLength");
  return lengths.values().next().value;
}

/** The members of a comma-separated list field, over all its occurrences, trimmed. */
function listField(fields: ReplyHead["fields"], name: string): string[] {
  const values = fields.get(name);
  return values === undefined ? [] : listMembers(values);
}

function listMembers(values: string[]): string[] {
  return values.flatMap((value) => value.split(",").map((part) => part.trim()));
}

/** How a reply's body is delimited. */
export type BodyFraming = { kind: "none" } | { kind: "length"; length: number } | { kind: "chunked" } | { kind: "close" };

/**
 * How the body of a reply to `method` is delimited (RFC 9112, section 6.3): none for `HEAD`,
 * 1xx, 204 and 304; chunked when chunked is the last transfer coding; else `Content-Length`;
 * else until the connection closes.
 */
export function bodyFraming(method: string, head: ReplyHead): BodyFraming {
  if (method === "HEAD" || head.status < 200 || head.status === 204 || head.status === 304) return { kind: "none" };
  const codings = listField(head.fields, "transfer-encoding");
  if (codings.length > 0) return codings.at(-1)?.toLowerCase() === "chunked" ? { kind: "chunked" } : { kind: "close" };
  const length = head.fields.get("content-length")?.[0];
  return length === undefined ? { kind: "close" } : { kind: "length", length: Number(length.split(",")[0]) };
}

/**
 * Whether the connection may carry another request once this reply's body has been read: not
 * after a reply that closes it, one read to the connection's end, or one with both
 * `Transfer-Encoding` and `Content-Length`.
 */
export function keepsConnection(head: ReplyHead, framing: BodyFraming): boolean {
  if (framing.kind === "close") return false;
  // Both framings at once may be a smuggling attempt: the body is read as chunked, and the
  // connection is not trusted with another request (RFC 9112, section 6.3).
  if (head.fields.has("transfer-encoding") && head.fields.has("content-length")) return false;
  const tokens = listField(head.fields, "connection").map((token) => token.toLowerCase());
  if (tokens.includes("close")) return false;
  return head.version === "1.1" || tokens.includes("keep-alive");
}

/**
 * The head of a request for `url`: the request line, `Host` (unless `headers` gives it) and
 * `headers`. A name or value that could split the head (a line break, a control character) is
 * refused with a `TypeError`.
 */
export function requestHead(method: string, url: URL, headers: Record<string, string>): string {
  let head = `${method} ${url.pathname}${url.search} HTTP/1.1\r\n`;
  if (!Object.keys(headers).some((name) => name.toLowerCase() === "host")) head += `Host: ${url.host}\r\n`;
  for (const [name, value] of Object.entries(headers)) {
    if (!FIELD_NAME.test(name)) throw new TypeError(`not a header name: ${JSON.stringify(name)}`);
    if (!FIELD_VALUE.test(value)) throw new TypeError(`bad characters in the value of the ${name} header`);
    head += `${name}: ${value}\r\n`;
  }
  return `${head}\r\n`;
}
