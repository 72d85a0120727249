/**
 * FITS CHECKSUM and DATASUM: the 32-bit ones'-complement sum of an HDU's blocks.
 * @module
 */
import type { Hdu } from "./hdu.js";
import { padToBlock } from "./layout.js";

/** Adds the big-endian 32-bit words of `bytes` (length a multiple of 4) to a running ones'-complement sum. */
export function onesComplementSum(bytes: Uint8Array, initial = 0): number {
  let hi = initial >>> 16;
  let lo = initial & 0xffff;
  const fold = (): void => {
    while (hi > 0xffff || lo > 0xffff) {
      const hiCarry = hi >>> 16;
      const loCarry = lo >>> 16;
      hi = (hi & 0xffff) + loCarry;
      lo = (lo & 0xffff) + hiCarry;
    }
  };
  const words = bytes.length - (bytes.length % 4);
  for (let i = 0; i < words; i += 4) {
    hi += ((bytes[i] as number) << 8) | (bytes[i + 1] as number);
    lo += ((bytes[i + 2] as number) << 8) | (bytes[i + 3] as number);
    if ((i & 0xfffff) === 0) fold();
  }
  fold();
  return ((hi << 16) | lo) >>> 0;
}

/** The outcome of verifying an HDU's checksums. */
export interface ChecksumReport {
  /** DATASUM matches the data (undefined when the header has no DATASUM). */
  datasumOk: boolean | undefined;
  /** The whole HDU sums to -0 as CHECKSUM requires (undefined when there is no CHECKSUM). */
  checksumOk: boolean | undefined;
  /** The data sum computed. */
  datasum: number;
  /** Why verification failed, in words, when it did. */
  problems: string[];
}

/** Verifies CHECKSUM and DATASUM of an HDU (reads its header and its whole data unit). */
export async function verifyChecksum(hdu: Hdu, options: { signal?: AbortSignal } = {}): Promise<ChecksumReport> {
  const { headerOffset, headerSize, dataOffset, dataSize } = hdu.layout;
  const padded = Math.min(padToBlock(dataSize), hdu.source.size - dataOffset);
  hdu.checkRange(dataOffset, padded);
  const [headerBytes, dataBytes] = await hdu.source.readMany(
    [
      { offset: headerOffset, length: headerSize },
      { offset: dataOffset, length: padded },
    ],
    options,
  );
  const datasum = onesComplementSum(dataBytes as Uint8Array);
  const problems: string[] = [];
  const stated = hdu.header.get("DATASUM");
  let datasumOk: boolean | undefined;
  if (stated !== undefined) {
    if (!/^\s*\d+\s*$/.test(String(stated)))
      throw hdu.formatError(`DATASUM must hold an unsigned decimal integer, it holds ${JSON.stringify(stated)}`, headerOffset);
    datasumOk = String(stated).trim() === String(datasum);
    if (!datasumOk) problems.push(`DATASUM says ${stated}, the data sums to ${datasum}`);
  }
  let checksumOk: boolean | undefined;
  if (hdu.header.has("CHECKSUM")) {
    const total = onesComplementSum(headerBytes as Uint8Array, datasum);
    checksumOk = total === 0xffffffff || total === 0;
    if (!checksumOk) problems.push(`CHECKSUM does not verify (the HDU sums to ${total.toString(16)}, not -0)`);
  }
  return { datasumOk, checksumOk, datasum, problems };
}
