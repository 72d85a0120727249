/**
 * Scenario 5: a 100 x 100 cutout from a 4096 x 4096 float32 image (the second HDU of a 64 MiB
 * FITS file) through the latency proxy: skyfs `openFits` + `section` against astropy 5.2 with
 * fsspec (`fits.open(url, use_fsspec=True)` then `.section`).
 */
import { join } from "node:path";
import { type ImageHdu, openFitsSource } from "../../src/fits.js";
import { filesystem } from "../../src/index.js";
import { type BenchContext, best, pythonMissing, runJson } from "../measure.js";
import type { Goal, Measurement } from "../table.js";

const Y0 = 2000;
const X0 = 1000;
const SIDE = 100;

/** Runs scenario 5. */
export async function fitsCutout(context: BenchContext, latencyMs: number): Promise<{ rows: Measurement[]; goals: Goal[] }> {
  const scenario = "5 FITS cutout 100 x 100";
  const url = `${context.server.proxied}/image.fits`;
  let oursSum = 0;
  const ours = await best(context, scenario, "skyfs", async () => {
    const fs = filesystem("http");
    const fits = openFitsSource(await fs.open(url));
    const cut = await ((await fits.hdu(1)) as ImageHdu).section([
      [Y0, Y0 + SIDE],
      [X0, X0 + SIDE],
    ]);
    oursSum = Array.from(cut.data as Float32Array).reduce((sum, value) => sum + value, 0);
    await fs.close();
    return undefined;
  });
  ours.note = `~${((ours.seconds as number) / (latencyMs / 1000)).toFixed(1)} x the added latency; sum ${oursSum.toFixed(3)}`;
  const rows: Measurement[] = [ours];
  const python = await pythonMissing(["astropy", "fsspec", "aiohttp"]);
  if (python) rows.push({ scenario, peer: "astropy 5.2 + fsspec", skipped: python });
  else {
    const script = join(import.meta.dirname, "..", "peers", "astropy_cutout.py");
    let theirSum = 0;
    const theirs = await best(context, scenario, "astropy 5.2 + fsspec", async () => {
      const result = await runJson("/usr/bin/python3", [script, url, "1", String(Y0), String(Y0 + SIDE), String(X0), String(X0 + SIDE)]);
      theirSum = result.sum as number;
      return result.seconds as number;
    });
    theirs.note = `sum ${theirSum.toFixed(3)}${Math.abs(theirSum - oursSum) > 1e-3 * Math.abs(oursSum) ? " (DIFFERS from skyfs)" : " (same cutout)"}`;
    rows.push(theirs);
  }
  const theirs = rows[1];
  const met =
    theirs?.seconds === undefined
      ? undefined
      : (ours.seconds as number) <= (theirs.seconds as number) / 2 &&
        (ours.bytes as number) <= (theirs.bytes as number) / 10 &&
        (ours.seconds as number) < (2.5 * latencyMs) / 1000 + 0.05;
  return { rows, goals: [{ scenario, goal: "<= 2 sequential round trips, <= half astropy's time, <= a tenth of its bytes", met }] };
}
