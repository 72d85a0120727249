/**
 * Scenario 14: a header scan of 500 FITS files of 66 KB in one HTTP folder through the latency
 * proxy: skyfs's `buildFitsIndex` (defaults) against fsspec `cat` of the whole list + astropy
 * parsing every header, each a fresh process per run, interleaved rounds.
 */
import { SCAN_COUNT } from "../fixtures.js";
import { type BenchContext, pythonMissing } from "../measure.js";
import { interleaved, pythonChild, skyfsContenders } from "../rounds.js";
import type { Goal, Measurement } from "../table.js";

/** Runs scenario 14. */
export async function headerScan(context: BenchContext): Promise<{ rows: Measurement[]; goals: Goal[] }> {
  const scenario = `14 header scan ${SCAN_COUNT} FITS files`;
  const url = `${context.server.proxied}/scan/`;
  const contenders = skyfsContenders({}, "scan", url);
  const peerName = "fsspec cat + astropy";
  const python = await pythonMissing(["fsspec", "aiohttp", "astropy"]);
  if (!python) contenders.push({ peer: peerName, run: () => pythonChild("fsspec_astropy_scan.py", url) });
  const rows = await interleaved(context, scenario, contenders);
  if (python) rows.push({ scenario, peer: peerName, skipped: python });
  const ours = rows.find((row) => row.peer === "skyfs");
  const peer = rows.find((row) => row.peer === peerName);
  return {
    rows,
    goals: [
      {
        scenario,
        goal: `one read request per file (${SCAN_COUNT} reads, plus 1 to list the folder), skyfs ahead of fsspec + astropy`,
        met:
          ours?.requests === undefined || peer?.seconds === undefined
            ? undefined
            : ours.requests <= SCAN_COUNT + 1 && peer.seconds > (ours.seconds as number),
      },
    ],
  };
}
