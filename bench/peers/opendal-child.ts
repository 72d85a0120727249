/**
 * The opendal npm package as a peer of the interleaved scenarios, one run per fresh process;
 * prints the JSON line `skyfs-child.ts` prints. Creating the Operator is not timed; the
 * connections it opens are.
 *
 * Usage: opendal-child.ts <mode> <endpoint> ...
 *   ranges <endpoint> <path> <ranges.json> [in flight]   one `read` per range: all at once, or `in flight` at a time
 *   get <endpoint> <folder/> <local folder>              the folder's page listed (with undici: OpenDAL's `http`
 *                                                        service cannot list), then a whole `read` of every `.bin`
 *                                                        file, all at once, each written to a file as it completes
 *   scan <endpoint> <folder/>                            the same listing, then a whole `read` of every `.fits`
 *                                                        file, all at once, and each file's headers walked in memory
 */
import { eachLimited, readRanges, timed } from "../child-timing.js";
import { scanEvery, writeEvery } from "./every-file.js";
import { linkedFiles } from "./folder-page.js";
import { loadOpendal } from "./load-opendal.js";

const [mode, endpoint, ...args] = process.argv.slice(2) as [string, string, ...string[]];
const opendal = loadOpendal();
if (typeof opendal === "string") throw new Error(opendal);
const operator = new opendal.Operator("http", { endpoint });

/** The paths below the endpoint of the files of `folder` whose names end with `suffix`. */
async function listed(folder: string, suffix: string): Promise<string[]> {
  const base = `${endpoint}/`;
  return (await linkedFiles(new URL(folder, base).href, suffix)).map((url) => url.slice(base.length));
}

if (mode === "ranges") {
  const [path, file, inFlight] = args as [string, string, string | undefined];
  const ranges = await readRanges(file);
  await timed(async () => {
    await eachLimited(ranges, inFlight === undefined ? undefined : Number(inFlight), async ({ offset, length }) => {
      const bytes = await operator.read(path, { offset: BigInt(offset), size: BigInt(length) });
      if (bytes.length !== length) throw new Error("opendal: short read");
    });
    return {};
  });
} else if (mode === "get") {
  const [folder, target] = args as [string, string];
  await timed(async () => writeEvery(await listed(folder, ".bin"), (path) => operator.read(path), target));
} else if (mode === "scan") {
  const [folder] = args as [string];
  await timed(async () => scanEvery(await listed(folder, ".fits"), (path) => operator.read(path)));
} else {
  throw new Error(`unknown mode ${mode}`);
}
