/**
 * The header walk a user of a bare HTTP client writes for the header-scan scenario: the FITS
 * headers of a file held in memory, HDU after HDU, each header's cards read until `END` and the
 * data skipped by the size its keywords give. Written for the benchmark's peers; skyfs's own
 * reader is not used, so that the peers do their own work.
 */
const BLOCK = 2880;
const CARD = 80;

/** The keywords of every HDU of `file`, one record of keyword to raw value text per HDU. */
export function fitsHeaders(file: Uint8Array): Array<Record<string, string>> {
  const text = new TextDecoder("latin1");
  const headers: Array<Record<string, string>> = [];
  let offset = 0;
  while (offset < file.length) {
    const header: Record<string, string> = {};
    let ended = false;
    while (!ended) {
      if (offset + BLOCK > file.length) throw new Error(`FITS header cut short at byte ${offset}`);
      const block = text.decode(file.subarray(offset, offset + BLOCK));
      offset += BLOCK;
      for (let at = 0; at < BLOCK && !ended; at += CARD) {
        const keyword = block.slice(at, at + 8).trimEnd();
        if (keyword === "END") ended = true;
        else if (block.slice(at + 8, at + 10) === "= ")
          header[keyword] =
            block
              .slice(at + 10, at + CARD)
              .split("/")[0]
              ?.trim() ?? "";
      }
    }
    headers.push(header);
    offset += Math.ceil(dataSize(header) / BLOCK) * BLOCK;
  }
  return headers;
}

/** The data size in bytes a header's BITPIX, NAXISn, PCOUNT and GCOUNT give. */
function dataSize(header: Record<string, string>): number {
  const axes = Number(header.NAXIS ?? 0);
  if (axes === 0) return 0;
  let pixels = 1;
  for (let axis = 1; axis <= axes; axis++) pixels *= Number(header[`NAXIS${axis}`]);
  const bytes = (Math.abs(Number(header.BITPIX)) / 8) * Number(header.GCOUNT ?? 1) * (Number(header.PCOUNT ?? 0) + pixels);
  if (!Number.isFinite(bytes)) throw new Error("FITS header without a valid data size");
  return bytes;
}
