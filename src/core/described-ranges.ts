/**
 * Reading ranges given in absolute offsets without describing the object first: on a backend
 * whose unpinned ranged reads describe the object (`Backend.describesRanges`), the reads go out
 * at once, and the descriptions they bring are checked against one another afterwards. This
 * saves the round trip that opening costs (fsspec's `cat_file` and `cat_ranges` send none), and
 * keeps what pinning gives: bytes of two versions of an object are never returned together.
 * @module
 */
import type { Backend, FileInfo } from "./backend.js";
import { clipRange } from "./backend-source.js";
import type { ByteRange, IoOptions } from "./byte-source.js";
import { IsADirectoryError, NotFoundError } from "./errors.js";
import { executePlan, planRanges, type RangePlanOptions } from "./range-plan.js";

/**
 * The range `[start, end)` when both are absolute offsets (`start` absent counts as 0; an `end`
 * before `start` gives an empty range), or `undefined` when reading it needs the object's size
 * (a negative offset, an absent end) or the offsets are not integers.
 */
export function absoluteRange(start: number | undefined, end: number | undefined): ByteRange | undefined {
  const from = start ?? 0;
  if (end === undefined || !Number.isSafeInteger(from) || !Number.isSafeInteger(end) || from < 0 || end < 0) return undefined;
  return { offset: from, length: Math.max(0, end - from) };
}

/**
 * Reads `ranges` of `path` (clipped at the object's end) as one plan of unpinned reads, each of
 * which describes the object. Resolves `undefined` when the reads cannot stand without a
 * description first: the backend does not describe ranged reads, nothing is at `path` (a prefix
 * of an object store may be a directory), every range is empty (no read would tell whether the
 * object exists), a reply left the object undescribed or brought fewer bytes than its
 * description promises, or the replies describe different versions (the object was replaced
 * meanwhile). The caller then opens the object and reads pinned to what it finds.
 */
export async function readRangesUndescribed(
  backend: Backend,
  path: string,
  ranges: readonly ByteRange[],
  planning: RangePlanOptions,
  options: IoOptions,
): Promise<Uint8Array[] | undefined> {
  if (!backend.describesRanges) return undefined;
  const replies: Array<{ span: ByteRange; received: number; info: FileInfo }> = [];
  let results: Uint8Array[];
  try {
    results = await executePlan(
      ranges,
      planRanges(ranges, planning),
      async (span) => {
        const { info, bytes } = await backend.get(path, { signal: options.signal, range: span });
        replies.push({ span, received: bytes.length, info });
        return bytes;
      },
      planning.spansInFlight,
    );
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
  const first = replies[0]?.info;
  if (!first) return undefined;
  if (first.type === "directory") throw new IsADirectoryError("cannot read a directory", { url: backend.toUrl(path) });
  const size = first.size;
  if (size < 0) return undefined;
  const url = backend.toUrl(path);
  const clipped = (range: ByteRange): number => clipRange(range.offset, range.length, size, url);
  for (const { span, received, info } of replies) {
    if (!sameVersion(info, first) || received !== clipped(span)) return undefined;
  }
  return results.map((bytes, i) => bytes.subarray(0, clipped(ranges[i] as ByteRange)));
}

/** Whether two descriptions are of one version of an object: same type, size and validators. */
function sameVersion(a: FileInfo, b: FileInfo): boolean {
  return (
    a.type === b.type &&
    a.size === b.size &&
    a.etag === b.etag &&
    a.version === b.version &&
    (a.mtime === undefined || b.mtime === undefined || a.mtime.getTime() === b.mtime.getTime())
  );
}
