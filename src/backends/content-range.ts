/**
 * The `Content-Range` of a ranged reply, as HTTP servers and the object stores' SDKs give it.
 * @module
 */

/** Parses `bytes start-end/total` (total may be `*`). */
export function parseContentRange(value: string | undefined): { start: number; end: number; total: number | undefined } | undefined {
  const match = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(value?.trim() ?? "");
  if (!match) return undefined;
  return { start: Number(match[1]), end: Number(match[2]), total: match[3] === "*" ? undefined : Number(match[3]) };
}

/** Parses the `bytes *\/size` of a 416 reply (a range outside the object): the object's size. */
export function parseUnsatisfiedRange(value: string | undefined): number | undefined {
  const match = /^bytes \*\/(\d+)$/.exec(value?.trim() ?? "");
  return match ? Number(match[1]) : undefined;
}
