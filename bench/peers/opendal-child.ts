/**
 * The opendal npm package as a peer of the random-reads scenario, one run per fresh process;
 * prints the JSON line `skyfs-child.ts` prints. Creating the Operator is not timed; the
 * connections it opens are.
 *
 * Usage: opendal-child.ts ranges <endpoint> <path> <ranges.json> [in flight]
 *   one `read` per range: all at once, or `in flight` at a time
 */
import { eachLimited, readRanges, timed } from "../child-timing.js";
import { loadOpendal } from "./load-opendal.js";

const [mode, endpoint, path, file, inFlight] = process.argv.slice(2) as [string, string, string, string, string | undefined];
if (mode !== "ranges") throw new Error(`unknown mode ${mode}`);
const opendal = loadOpendal();
if (typeof opendal === "string") throw new Error(opendal);
const ranges = await readRanges(file);
const operator = new opendal.Operator("http", { endpoint });
await timed(async () => {
  await eachLimited(ranges, inFlight === undefined ? undefined : Number(inFlight), async ({ offset, length }) => {
    const bytes = await operator.read(path, { offset: BigInt(offset), size: BigInt(length) });
    if (bytes.length !== length) throw new Error("opendal: short read");
  });
  return {};
});
