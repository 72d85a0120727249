/**
 * Scenario 9: a 100 x 100 section of a 4096 x 4096 float32 array (`roman/data` of a 64 MiB
 * ASDF file) through the latency proxy: skyfs `openAsdf` + `section` against the Python asdf
 * library over fsspec (`asdf.open(fs.open(url))` then slicing).
 */
import { join } from "node:path";
import { AsdfFile } from "../../src/asdf.js";
import { filesystem } from "../../src/index.js";
import { type BenchContext, best, pythonMissing, runJson } from "../measure.js";
import type { Goal, Measurement } from "../table.js";

const Y0 = 2000;
const X0 = 1000;
const SIDE = 100;

/** Runs scenario 9. */
export async function asdfSection(context: BenchContext, latencyMs: number): Promise<{ rows: Measurement[]; goals: Goal[] }> {
  const scenario = "9 ASDF section 100 x 100";
  const url = `${context.server.proxied}/image.asdf`;
  let oursSum = 0;
  const ours = await best(context, scenario, "skyfs", async () => {
    const fs = filesystem("http");
    const af = await AsdfFile.open(await fs.open(url));
    const cut = await af.array("roman/data").section([
      [Y0, Y0 + SIDE],
      [X0, X0 + SIDE],
    ]);
    oursSum = Array.from(cut.data as Float32Array).reduce((sum, value) => sum + value, 0);
    await fs.close();
    return undefined;
  });
  ours.note = `~${((ours.seconds as number) / (latencyMs / 1000)).toFixed(1)} x the added latency; sum ${oursSum.toFixed(3)}`;
  const rows: Measurement[] = [ours];
  const python = await pythonMissing(["asdf", "fsspec", "aiohttp"]);
  if (python) rows.push({ scenario, peer: "asdf 2.14 + fsspec", skipped: python });
  else {
    const script = join(import.meta.dirname, "..", "peers", "asdf_section.py");
    let theirSum = 0;
    const theirs = await best(context, scenario, "asdf 2.14 + fsspec", async () => {
      const result = await runJson("/usr/bin/python3", [
        script,
        url,
        "roman/data",
        String(Y0),
        String(Y0 + SIDE),
        String(X0),
        String(X0 + SIDE),
      ]);
      theirSum = result.sum as number;
      return result.seconds as number;
    });
    theirs.note = `sum ${theirSum.toFixed(3)}${Math.abs(theirSum - oursSum) > 1e-3 * Math.abs(oursSum) ? " (DIFFERS from skyfs)" : " (same section)"}`;
    rows.push(theirs);
  }
  const theirs = rows[1];
  const met =
    theirs?.seconds === undefined
      ? undefined
      : (ours.seconds as number) <= (theirs.seconds as number) / 2 && (ours.bytes as number) <= (theirs.bytes as number) / 10;
  return { rows, goals: [{ scenario, goal: "<= half the Python asdf library's time, <= a tenth of its bytes", met }] };
}
