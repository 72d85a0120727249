import { describe, expect, it } from "vitest";
import { cardRecords, indexedHeader, indexHdu, openFitsSource, parseHeaderCards } from "../../src/fits.js";
import { BytesSource } from "../../src/index.js";

/** Header records written the way other writers do: values not right-aligned, spaces in odd places. */
const RECORDS = [
  "SIMPLE  = T",
  "BITPIX  = 8",
  "NAXIS   = 0",
  "EXTEND  = T / more to come",
  "EXPTIME = 300.0/no space before the slash",
  "RATIO   =   1.5E-3",
  "OBJECT  = 'M31     '           / padded",
  "CVALUE  = (1.5, -2)",
  "LONGSTR = 'a string that runs past one card, so CONTINUE cards hold the&'",
  "CONTINUE  ' rest of it&'",
  "CONTINUE  ' and the end' / its comment",
  "HIERARCH ESO DET CHIP = 'CCD-44'",
  "HISTORY   written by hand",
  "",
].map((record) => record.padEnd(80));
if (RECORDS.some((record) => record.length !== 80)) throw new Error("a test record is longer than a card");

function fileOf(records: readonly string[]): Uint8Array {
  const text = [...records, "END"].map((record) => record.padEnd(80)).join("");
  return new TextEncoder().encode(text.padEnd(Math.ceil(text.length / 2880) * 2880));
}

const header = () => parseHeaderCards(RECORDS.join(""), RECORDS.length);

describe("FITS cards keep the records they were read from", () => {
  it("gives each card's records as read, CONTINUE and HIERARCH included", () => {
    const records = header().cards.flatMap(cardRecords);
    expect(records).toEqual(RECORDS);
    expect(header().get("LONGSTR")).toBe("a string that runs past one card, so CONTINUE cards hold the rest of it and the end");
  });

  it("writes a header read and left alone back as it was read", () => {
    const text = header().toString();
    expect(text.slice(0, RECORDS.length * 80)).toBe(RECORDS.join(""));
  });

  it("formats a card changed since it was read, whichever way it changed", () => {
    const changed = header();
    changed.set("EXPTIME", 301);
    (changed.card("RATIO") as { comment: string }).comment = "now commented";
    (changed.get("CVALUE") as { re: number }).re = 2.5;
    changed.cards.push({ keyword: "ADDED", value: 1, comment: "" });
    const records = changed.cards.flatMap(cardRecords);
    expect(records.find((record) => record.startsWith("EXPTIME"))).toBe(
      `EXPTIME = ${"301".padStart(20)} / no space before the slash`.padEnd(80),
    );
    expect(records.find((record) => record.startsWith("RATIO"))).toMatch(/\/ now commented\s*$/);
    expect(records.find((record) => record.startsWith("CVALUE"))).toMatch(/^CVALUE {2}=\s+\(2\.5, -2\.0\)/);
    expect(records.find((record) => record.startsWith("ADDED"))).toBe(`ADDED   = ${"1".padStart(20)}`.padEnd(80));
    expect(records.find((record) => record.startsWith("OBJECT"))).toBe(RECORDS[6]);
    expect(parseHeaderCards(records.join(""), records.length).get("EXPTIME")).toBe(301);
  });

  it("indexes the cards as the file holds them, and reads them back from the index", async () => {
    const [primary] = await openFitsSource(new BytesSource(fileOf(RECORDS), "mem://hand-written.fits")).hdus();
    const entry = indexHdu(primary as NonNullable<typeof primary>);
    expect(entry.cards).toEqual(RECORDS);
    const back = indexedHeader(entry, "mem://hand-written.fits");
    expect(back.get("EXPTIME")).toBe(300);
    expect(back.get("HIERARCH ESO DET CHIP") ?? back.get("ESO DET CHIP")).toBe("CCD-44");
    expect(back.cards.flatMap(cardRecords)).toEqual(RECORDS);
  });
});
