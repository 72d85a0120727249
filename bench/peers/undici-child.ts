/**
 * Plain undici as a peer of the interleaved scenarios, one operation per fresh process; prints
 * the JSON line `skyfs-child.ts` prints. Creating the Agent is not timed; the connections it opens
 * are.
 *
 * Modes:
 *   ranges <url> <ranges.json> [in flight]   one `request` with a Range header per range: all at once
 *                                            on the global dispatcher, or `in flight` at a time on an
 *                                            Agent of as many connections
 *   read-many <url> <ranges.json>            the same ranges all at once on one Agent of 256 connections
 *   cat-loop <urls.json>                     a GET of each URL, one after another, on one Agent
 *   get <folder url/> <local folder>         the folder's page listed, then a GET of every `.bin` file it
 *                                            links to, all at once on the global dispatcher, each body
 *                                            written to a file of the local folder as it completes
 *   scan <folder url/>                       the folder's page listed, then a GET of every `.fits` file,
 *                                            all at once on the global dispatcher, and each file's headers
 *                                            walked in memory (`fits-walk.ts`)
 */
import { Agent, type Dispatcher, request } from "undici";
import { eachLimited, type Range, readJson, readRanges, timed } from "../child-timing.js";
import { scanEvery, writeEvery } from "./every-file.js";
import { linkedFiles } from "./folder-page.js";

const [mode, ...args] = process.argv.slice(2);

async function readRange(url: string, { offset, length }: Range, dispatcher: Dispatcher | undefined): Promise<number> {
  const response = await request(url, { headers: { range: `bytes=${offset}-${offset + length - 1}` }, dispatcher });
  const body = new Uint8Array(await response.body.arrayBuffer());
  if (body.length !== length) throw new Error("undici: short read");
  return body.length;
}

async function wholeBody(url: string): Promise<Uint8Array> {
  const response = await request(url);
  if (response.statusCode !== 200) throw new Error(`undici: HTTP ${response.statusCode} for ${url}`);
  return new Uint8Array(await response.body.arrayBuffer());
}

if (mode === "ranges" || mode === "read-many") {
  const [url, file, inFlight] = args as [string, string, string | undefined];
  const ranges = await readRanges(file);
  const limit = inFlight === undefined ? undefined : Number(inFlight);
  const agent =
    mode === "read-many" ? new Agent({ connections: 256 }) : limit === undefined ? undefined : new Agent({ connections: limit });
  await timed(async () => {
    await eachLimited(ranges, limit, async (range) => {
      await readRange(url, range, agent);
    });
    return {};
  });
  await agent?.close();
} else if (mode === "cat-loop") {
  const [file] = args as [string];
  const urls = await readJson<string[]>(file);
  const agent = new Agent({ connections: 256 });
  await timed(async () => {
    let bytes = 0;
    for (const url of urls) {
      const response = await request(url, { dispatcher: agent });
      bytes += (await response.body.arrayBuffer()).byteLength;
    }
    return { note: `${bytes} bytes` };
  });
  await agent.close();
} else if (mode === "get") {
  const [folder, target] = args as [string, string];
  await timed(async () => writeEvery(await linkedFiles(folder, ".bin"), wholeBody, target));
} else if (mode === "scan") {
  const [folder] = args as [string];
  await timed(async () => scanEvery(await linkedFiles(folder, ".fits"), wholeBody));
} else {
  throw new Error(`unknown mode ${mode}`);
}
