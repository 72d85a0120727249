/**
 * Byte helpers that behave the same in Node and in a browser: Latin-1 text (FITS cards, ASDF
 * headers) and the host's byte order. Browsers' `TextDecoder("latin1")` is really windows-1252,
 * which differs from ISO-8859-1 in 0x80-0x9F, so Latin-1 is converted by hand here.
 * @module
 */

/** Whether typed arrays on this host store values least significant byte first. */
export const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Characters converted per `String.fromCharCode` call (well under engines' argument limits). */
const CHUNK = 8192;

/**
 * The platforms' fast decoder for the `latin1` label, which the Encoding standard maps to
 * windows-1252: the same characters as ISO-8859-1 except for bytes 0x80-0x9F.
 */
const WINDOWS_1252 = new TextDecoder("latin1");

/** A character windows-1252 gives where ISO-8859-1 would give another (or an ambiguous one). */
const NOT_ISO_8859_1 = /[^\x00-\x7f\xa0-\xff]/;

/** Decodes bytes as ISO-8859-1: each byte is the code point of one character. */
export function latin1Decode(bytes: Uint8Array): string {
  const fast = WINDOWS_1252.decode(bytes);
  if (!NOT_ISO_8859_1.test(fast)) return fast;
  let text = "";
  for (let at = 0; at < bytes.length; at += CHUNK) {
    text += String.fromCharCode.apply(null, bytes.subarray(at, at + CHUNK) as unknown as number[]);
  }
  return text;
}

/**
 * Encodes text as ISO-8859-1, one byte per character; a character above U+00FF keeps its low
 * byte, as Node's `Buffer.from(text, "latin1")` does.
 */
export function latin1Encode(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
  return bytes;
}

/**
 * Reverses the byte order of every `width`-byte value of `bytes` in place (width 1 leaves it
 * alone). Aligned views are swapped a word at a time, as fast as the engine allows.
 */
export function swapBytes(bytes: Uint8Array, width: number): void {
  if (width === 1) return;
  const count = Math.floor(bytes.length / width);
  if (bytes.byteOffset % width === 0 && (width === 2 || width === 4 || width === 8)) {
    if (width === 2) {
      const words = new Uint16Array(bytes.buffer, bytes.byteOffset, count);
      for (let i = 0; i < count; i++) {
        const v = words[i] as number;
        words[i] = ((v & 0xff) << 8) | (v >>> 8);
      }
      return;
    }
    const words = new Uint32Array(bytes.buffer, bytes.byteOffset, (count * width) / 4);
    for (let i = 0; i < words.length; i++) {
      const v = words[i] as number;
      words[i] = ((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24);
    }
    if (width === 8) {
      for (let i = 0; i + 1 < words.length; i += 2) {
        const low = words[i] as number;
        words[i] = words[i + 1] as number;
        words[i + 1] = low;
      }
    }
    return;
  }
  for (let at = 0; at + width <= bytes.length; at += width) {
    for (let low = at, high = at + width - 1; low < high; low++, high--) {
      const byte = bytes[low] as number;
      bytes[low] = bytes[high] as number;
      bytes[high] = byte;
    }
  }
}

/** Concatenates byte arrays into one new array. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Encodes bytes as base64 (for HTTP Basic credentials and similar headers). */
export function toBase64(bytes: Uint8Array): string {
  return btoa(latin1Decode(bytes));
}

/** Decodes base64 text; `undefined` when it is not base64. */
export function fromBase64(text: string): Uint8Array | undefined {
  try {
    return latin1Encode(atob(text));
  } catch {
    return undefined;
  }
}
