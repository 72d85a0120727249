import { Header, type HeaderValue } from "../../src/fits.js";

/** A header from [keyword, value] pairs. */
export function headerOf(cards: ReadonlyArray<readonly [string, HeaderValue]>): Header {
  return new Header(cards.map(([keyword, value]) => ({ keyword, value, comment: "" })));
}
