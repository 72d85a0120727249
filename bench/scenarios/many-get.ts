/**
 * Scenario 4: `get` of 2,000 objects of 10 KiB to a local folder through the latency proxy,
 * skyfs (defaults) against fsspec's best call for a flat folder, `get(url + "*", folder)`, and
 * against plain undici and opendal at their defaults (the folder's page listed, then every file
 * read and written at once), each a fresh process per run, interleaved rounds.
 */
import { mkdir, readdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { SMALL_COUNT } from "../fixtures.js";
import { type BenchContext, pythonMissing } from "../measure.js";
import { loadOpendal } from "../peers/load-opendal.js";
import { interleaved, nodeChild, pythonChild, skyfsContenders } from "../rounds.js";
import { aheadOfEveryPeer, type Goal, type Measurement } from "../table.js";

const UNDICI = "undici, all at once";
const OPENDAL = "opendal 0.49.1, all at once";

async function countFiles(folder: string): Promise<number> {
  return (await readdir(folder, { recursive: true })).filter((name) => String(name).endsWith(".bin")).length;
}

/** Runs scenario 4. */
export async function manyGet(context: BenchContext): Promise<{ rows: Measurement[]; goals: Goal[] }> {
  const scenario = `4 get ${SMALL_COUNT} x 10 KiB`;
  const url = `${context.server.proxied}/small/`;
  const target = join(context.scratch, "small-copy");
  const earlier = join(context.scratch, "small-copies");
  await mkdir(earlier, { recursive: true });
  let runs = 0;
  // The last run's copy is moved aside, not deleted: ext4 without a journal skips the inodes freed
  // in the last minute when it creates a file, so deleting 2,000 files before a run made that
  // run's file creation several times dearer (docs/performance.md, scenario 4).
  const fresh = async (): Promise<void> => {
    await rename(target, join(earlier, String(runs++))).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOENT") throw error;
    });
  };
  const complete = (peer: string) => async (): Promise<void> => {
    const files = await countFiles(target);
    if (files !== SMALL_COUNT) throw new Error(`${peer} wrote ${files} of ${SMALL_COUNT} files`);
  };
  const contenders = skyfsContenders({ before: fresh, check: complete("skyfs") }, "get", url, target);
  contenders.push({ peer: UNDICI, before: fresh, run: () => nodeChild("undici-child.ts", "get", url, target), check: complete("undici") });
  const opendal = loadOpendal();
  if (typeof opendal !== "string")
    contenders.push({
      peer: OPENDAL,
      before: fresh,
      run: () => nodeChild("opendal-child.ts", "get", context.server.proxied, "small/", target),
      check: complete("opendal"),
    });
  const python = await pythonMissing(["fsspec", "aiohttp"]);
  const fsspecName = 'fsspec get(url + "*", dir)';
  if (!python)
    contenders.push({
      peer: fsspecName,
      before: fresh,
      run: () => pythonChild("fsspec_peer.py", "get-glob", `${url}*`, `${target}/`),
      check: complete("fsspec"),
    });
  const rows = await interleaved(context, scenario, contenders);
  if (python) rows.push({ scenario, peer: fsspecName, skipped: python });
  if (typeof opendal === "string") rows.push({ scenario, peer: OPENDAL, skipped: opendal });
  await rm(target, { recursive: true, force: true });
  await rm(earlier, { recursive: true, force: true });
  return {
    rows,
    goals: [aheadOfEveryPeer(scenario, rows, "skyfs ahead of every peer: fsspec's best call, undici and opendal at their defaults")],
  };
}
