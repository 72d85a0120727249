/**
 * Range planning: turns the ranges a reader asks for into the fewest requests worth sending.
 * Ranges closer than a gap are merged (one round trip costs more than a few wasted bytes),
 * very large spans are split into parts fetched in parallel, and each caller gets back exactly
 * its own bytes.
 * @module
 */
import type { ByteRange } from "./byte-source.js";
import { mapLimit } from "./concurrency.js";

/** How ranges are merged and split. */
export interface RangePlanOptions {
  /**
   * Ranges whose gap is at most this many bytes are fetched as one (default 4 KiB). Requests of
   * one plan run in parallel, so a separate request costs no extra round trip, only its fee
   * and overhead: on S3 a GET costs as much as about 4.4 KB of egress, so merging across a
   * larger gap pays for bytes nobody asked for.
   */
  mergeGap?: number;
  /** Spans longer than this are split into parts fetched in parallel (default 8 MiB). */
  maxPartSize?: number;
  /**
   * Requests one plan has started and not finished, at most (default 1,024, four times the
   * default per-host limit, so the limit layer always has work queued): a plan of a million
   * ranges then holds a million small results, not a million pending requests.
   */
  spansInFlight?: number;
}

/** One request of a plan: a span of the object, and the asked ranges it serves. */
export interface PlannedFetch {
  /** The bytes to fetch. */
  span: ByteRange;
  /** Indexes (into the asked ranges) of the ranges this span covers, wholly. */
  serves: number[];
}

/** Default gap below which neighbouring ranges are merged. */
export const DEFAULT_MERGE_GAP = 4 * 1024;
/** Default size above which a span is split into parallel parts. */
export const DEFAULT_MAX_PART_SIZE = 8 * 1024 * 1024;
/** Default number of requests of one plan started and not finished. */
export const DEFAULT_SPANS_IN_FLIGHT = 1024;

/**
 * Plans the fetches for `ranges` (any order, overlaps allowed, empty ranges ignored). Every
 * non-empty asked range is served by exactly one fetch that covers it wholly, except ranges
 * longer than `maxPartSize`, which are served by the consecutive parts they were split into.
 */
export function planRanges(ranges: readonly ByteRange[], options: RangePlanOptions = {}): PlannedFetch[] {
  const mergeGap = options.mergeGap ?? DEFAULT_MERGE_GAP;
  const maxPart = Math.max(1, options.maxPartSize ?? DEFAULT_MAX_PART_SIZE);
  const order = byOffset(ranges);
  const fetches: PlannedFetch[] = [];
  let at = 0;
  while (at < order.length) {
    const serves = [order[at] as number];
    const first = ranges[serves[0] as number] as ByteRange;
    const start = first.offset;
    let end = start + first.length;
    let next = at + 1;
    for (; next < order.length; next++) {
      const index = order[next] as number;
      const range = ranges[index] as ByteRange;
      const grown = Math.max(end, range.offset + range.length);
      if (range.offset - end > mergeGap || grown - start > maxPart) break;
      end = grown;
      serves.push(index);
    }
    if (end - start <= maxPart) fetches.push({ span: { offset: start, length: end - start }, serves });
    else
      for (let offset = start; offset < end; offset += maxPart)
        fetches.push({ span: { offset, length: Math.min(maxPart, end - offset) }, serves });
    at = next;
  }
  return fetches;
}

/**
 * The indexes of the non-empty `ranges`, ordered by offset (ties in their given order). Ranges
 * usually come in order already, and then nothing is sorted; otherwise the indexes are sorted
 * against a flat copy of the offsets, which keeps a sort of a million ranges out of the objects.
 */
function byOffset(ranges: readonly ByteRange[]): Uint32Array {
  const order = new Uint32Array(ranges.length);
  const offsets = new Float64Array(ranges.length);
  let count = 0;
  let sorted = true;
  let previous = Number.NEGATIVE_INFINITY;
  for (let index = 0; index < ranges.length; index++) {
    const { offset, length } = ranges[index] as ByteRange;
    if (length <= 0) continue;
    if (offset < previous) sorted = false;
    previous = offset;
    offsets[index] = offset;
    order[count++] = index;
  }
  const kept = order.subarray(0, count);
  return sorted ? kept : kept.sort((a, b) => (offsets[a] as number) - (offsets[b] as number) || a - b);
}

/**
 * Runs a plan: fetches every span with `fetchSpan`, at most `spansInFlight` at once (the caller's
 * stack limits requests per host further), and cuts the asked ranges out of what came back.
 * Result `i` holds exactly the bytes of `ranges[i]`. The first failure rejects the call and no
 * further span is started.
 */
export async function executePlan(
  ranges: readonly ByteRange[],
  plan: readonly PlannedFetch[],
  fetchSpan: (span: ByteRange) => Promise<Uint8Array>,
  spansInFlight: number = DEFAULT_SPANS_IN_FLIGHT,
): Promise<Uint8Array[]> {
  const results = new Array<Uint8Array | undefined>(ranges.length);
  const split = new Map<number, Array<{ span: ByteRange; bytes: Uint8Array }>>();
  await mapLimit(plan, Math.max(1, spansInFlight), async (fetch) => {
    const bytes = await fetchSpan(fetch.span);
    for (const index of fetch.serves) {
      const range = ranges[index] as ByteRange;
      const start = range.offset - fetch.span.offset;
      if (start >= 0 && start + range.length <= fetch.span.length) {
        results[index] = bytes.subarray(start, start + range.length);
        continue;
      }
      const pieces = split.get(index) ?? [];
      pieces.push({ span: fetch.span, bytes });
      split.set(index, pieces);
    }
  });
  for (const [index, pieces] of split) results[index] = assemble(ranges[index] as ByteRange, pieces);
  return Array.from(results, (bytes) => bytes ?? new Uint8Array(0));
}

function assemble(range: ByteRange, pieces: ReadonlyArray<{ span: ByteRange; bytes: Uint8Array }>): Uint8Array {
  const first = pieces[0];
  if (pieces.length === 1 && first) {
    const start = range.offset - first.span.offset;
    return first.bytes.subarray(start, start + range.length);
  }
  const out = new Uint8Array(range.length);
  for (const piece of pieces) {
    const from = Math.max(range.offset, piece.span.offset);
    const to = Math.min(range.offset + range.length, piece.span.offset + piece.bytes.length);
    if (to > from) out.set(piece.bytes.subarray(from - piece.span.offset, to - piece.span.offset), from - range.offset);
  }
  return out;
}
