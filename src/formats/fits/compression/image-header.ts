/**
 * The header of the image a compressed binary table holds, as astropy presents it: the Z
 * keywords turned back into the image's structural keywords, then every other card of the table
 * except its own structure and the compression bookkeeping.
 * @module
 */
import type { Card } from "../card.js";
import { Header } from "../header.js";

const TABLE_ONLY =
  /^(XTENSION|SIMPLE|BITPIX|NAXIS\d*|PCOUNT|GCOUNT|EXTEND|TFIELDS|TTYPE\d+|TFORM\d+|TUNIT\d+|TDIM\d+|TSCAL\d+|TZERO\d+|TNULL\d+|TDISP\d+|THEAP|CHECKSUM|DATASUM)$/;
const BOOKKEEPING =
  /^(ZIMAGE|ZSIMPLE|ZTENSION|ZBITPIX|ZNAXIS\d*|ZPCOUNT|ZGCOUNT|ZEXTEND|ZBLOCKED|ZTILE\d+|ZCMPTYPE|ZNAME\d+|ZVAL\d+|ZQUANTIZ|ZMASKCMP|ZHECKSUM|ZDATASUM|ZBLANK|ZSCALE|ZZERO)$/;

/** Rebuilds the image header from a compressed image's table header. */
export function compressedImageHeader(table: Header): Header {
  const card = (keyword: string): Card | undefined => table.card(keyword);
  const from = (keyword: string, value: Card["value"], commentFrom: Array<string | undefined>): Card => ({
    keyword,
    value,
    comment: commentFrom.map((name) => (name ? card(name)?.comment : undefined)).find((comment) => comment !== undefined) ?? "",
  });
  const cards: Card[] = [];
  const primary = card("ZSIMPLE") !== undefined;
  if (primary) cards.push(from("SIMPLE", true, ["ZSIMPLE"]));
  else cards.push(from("XTENSION", card("ZTENSION")?.value ?? "IMAGE", [card("ZTENSION") ? "ZTENSION" : "XTENSION"]));
  cards.push(from("BITPIX", card("ZBITPIX")?.value ?? null, ["ZBITPIX"]));
  const naxis = table.integer("ZNAXIS", 0);
  cards.push(from("NAXIS", naxis, ["ZNAXIS"]));
  for (let i = 1; i <= naxis; i++) cards.push(from(`NAXIS${i}`, card(`ZNAXIS${i}`)?.value ?? 0, [`ZNAXIS${i}`]));
  if (primary) {
    if (card("ZEXTEND")) cards.push(from("EXTEND", card("ZEXTEND")?.value ?? true, ["ZEXTEND"]));
  } else {
    cards.push(from("PCOUNT", card("ZPCOUNT")?.value ?? 0, [card("ZPCOUNT") ? "ZPCOUNT" : "PCOUNT"]));
    cards.push(from("GCOUNT", card("ZGCOUNT")?.value ?? 1, [card("ZGCOUNT") ? "ZGCOUNT" : "GCOUNT"]));
  }
  for (const kept of table.cards) {
    if (TABLE_ONLY.test(kept.keyword) || BOOKKEEPING.test(kept.keyword)) continue;
    if (kept.keyword === "EXTNAME" && kept.value === "COMPRESSED_IMAGE") continue;
    cards.push({ ...kept });
  }
  if (card("ZHECKSUM")) cards.push(from("CHECKSUM", card("ZHECKSUM")?.value ?? null, ["ZHECKSUM"]));
  if (card("ZDATASUM")) cards.push(from("DATASUM", card("ZDATASUM")?.value ?? null, ["ZDATASUM"]));
  return new Header(cards);
}
