/**
 * Scenarios 5 and 9: a 100 x 100 section of a 4096 x 4096 float32 image through the latency
 * proxy, skyfs against the Python library of the format over fsspec; each a fresh process per
 * run, interleaved rounds, and both sections checked equal.
 * 5: the second HDU of a 64 MiB FITS file, skyfs `openFits` + `section` against astropy 5.2
 *    (`fits.open(url, use_fsspec=True)` then `.section`);
 * 9: `roman/data` of a 64 MiB ASDF file, skyfs `AsdfFile.open` + `section` against asdf 2.14
 *    (`asdf.open(fs.open(url))` then slicing).
 */
import { type BenchContext, pythonMissing } from "../measure.js";
import { interleaved, keepingSums, noteSums, pythonChild, skyfsContenders, sumsAgree } from "../rounds.js";
import type { Goal, Measurement } from "../table.js";

const Y0 = 2000;
const X0 = 1000;
const SIDE = 100;
const BOX = [Y0, Y0 + SIDE, X0, X0 + SIDE].map(String);
/** Relative difference of the sums still counted as the same section (float64 sums in a different order). */
const TOLERANCE = 1e-9;

/** What differs between the two formats. */
interface Format {
  /** The scenario's name in the table. */
  scenario: string;
  /** The file served. */
  file: string;
  /** The peer's name. */
  peer: string;
  /** The Python modules the peer needs. */
  modules: string[];
  /** The peer's script and its arguments before the box. */
  script: (url: string) => [string, ...string[]];
  /** The goal in words. */
  goal: string;
  /** Whether the goal is met, given skyfs's and the peer's rows and the added latency in seconds. */
  met: (ours: Measurement, theirs: Measurement, latency: number) => boolean;
}

const FORMATS: Record<"fits" | "asdf", Format> = {
  fits: {
    scenario: "5 FITS cutout 100 x 100",
    file: "image.fits",
    peer: "astropy 5.2 + fsspec",
    modules: ["astropy", "fsspec", "aiohttp"],
    script: (url) => ["astropy_cutout.py", url, "1"],
    goal: "<= 2 sequential round trips (< 2.5 x the added latency + 50 ms), <= half astropy's time, <= a tenth of its bytes",
    met: (ours, theirs, latency) =>
      (ours.seconds as number) <= (theirs.seconds as number) / 2 &&
      (ours.bytes as number) <= (theirs.bytes as number) / 10 &&
      (ours.seconds as number) < 2.5 * latency + 0.05,
  },
  asdf: {
    scenario: "9 ASDF section 100 x 100",
    file: "image.asdf",
    peer: "asdf 2.14 + fsspec",
    modules: ["asdf", "fsspec", "aiohttp"],
    script: (url) => ["asdf_section.py", url, "roman/data"],
    goal: "<= half the Python asdf library's time, <= a tenth of its bytes",
    met: (ours, theirs) =>
      (ours.seconds as number) <= (theirs.seconds as number) / 2 && (ours.bytes as number) <= (theirs.bytes as number) / 10,
  },
};

/** Runs scenario 5 (`fits`) or 9 (`asdf`). */
export async function imageSection(
  context: BenchContext,
  latencyMs: number,
  format: "fits" | "asdf",
): Promise<{ rows: Measurement[]; goals: Goal[] }> {
  const { scenario, file, peer, modules, script, goal, met } = FORMATS[format];
  const url = `${context.server.proxied}/${file}`;
  const sums = new Map<string, number>();
  const contenders = skyfsContenders({}, "section", format, url, ...BOX);
  const python = await pythonMissing(modules);
  if (!python) contenders.push({ peer, run: () => pythonChild(...script(url), ...BOX) });
  const rows = await interleaved(context, scenario, keepingSums(contenders, sums));
  if (python) rows.push({ scenario, peer, skipped: python });
  noteSums(rows, sums, TOLERANCE);
  const ours = rows.find((row) => row.peer === "skyfs");
  const theirs = rows.find((row) => row.peer === peer);
  if (ours?.seconds !== undefined) ours.note = `${ours.note}; ~${(ours.seconds / (latencyMs / 1000)).toFixed(1)} x the added latency`;
  const known = ours?.seconds !== undefined && theirs?.seconds !== undefined;
  return {
    rows,
    goals: [
      {
        scenario,
        goal: `${goal}; the same section`,
        met: known ? sumsAgree(sums, peer, TOLERANCE) && met(ours, theirs, latencyMs / 1000) : undefined,
      },
    ],
  };
}
