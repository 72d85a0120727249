/**
 * Scenario 14: a header scan of 500 FITS files of 66 KB in one HTTP folder through the latency
 * proxy: skyfs's `buildFitsIndex` (defaults) against fsspec `cat` of the whole list + astropy
 * parsing every header, and against plain undici and opendal at their defaults (the folder's page
 * listed, every file read whole at once, its headers walked in memory), each a fresh process per
 * run, interleaved rounds.
 */
import { SCAN_COUNT } from "../fixtures.js";
import { type BenchContext, pythonMissing } from "../measure.js";
import { loadOpendal } from "../peers/load-opendal.js";
import { interleaved, nodeChild, pythonChild, skyfsContenders } from "../rounds.js";
import { aheadOfEveryPeer, type Goal, type Measurement } from "../table.js";

const OPENDAL = "opendal 0.49.1, whole files + header walk";

/** Runs scenario 14. */
export async function headerScan(context: BenchContext): Promise<{ rows: Measurement[]; goals: Goal[] }> {
  const scenario = `14 header scan ${SCAN_COUNT} FITS files`;
  const url = `${context.server.proxied}/scan/`;
  const contenders = skyfsContenders({}, "scan", url);
  contenders.push({ peer: "undici, whole files + header walk", run: () => nodeChild("undici-child.ts", "scan", url) });
  const opendal = loadOpendal();
  if (typeof opendal !== "string")
    contenders.push({ peer: OPENDAL, run: () => nodeChild("opendal-child.ts", "scan", context.server.proxied, "scan/") });
  const peerName = "fsspec cat + astropy";
  const python = await pythonMissing(["fsspec", "aiohttp", "astropy"]);
  if (!python) contenders.push({ peer: peerName, run: () => pythonChild("fsspec_astropy_scan.py", url) });
  const rows = await interleaved(context, scenario, contenders);
  if (python) rows.push({ scenario, peer: peerName, skipped: python });
  if (typeof opendal === "string") rows.push({ scenario, peer: OPENDAL, skipped: opendal });
  const ours = rows.find((row) => row.scenario === scenario && row.peer === "skyfs");
  return {
    rows,
    goals: [
      {
        scenario,
        goal: `one read request per file (${SCAN_COUNT} reads, plus 1 to list the folder)`,
        met: ours?.requests === undefined ? undefined : ours.requests <= SCAN_COUNT + 1,
      },
      aheadOfEveryPeer(scenario, rows, "skyfs ahead of every peer: fsspec + astropy, undici and opendal at their defaults"),
    ],
  };
}
