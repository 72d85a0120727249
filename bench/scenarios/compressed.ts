/**
 * Scenarios 6 to 8, on compressed files through the latency proxy:
 * 6. a 100 x 100 cutout from the middle of a 4096 x 4096 float32 image inside a `.fits.gz`,
 *    skyfs with a stored seek index (and without, for reference) against astropy 5.2 + fsspec;
 * 7. `info` of a ~100 MB `.fits.gz`: skyfs decodes the header blocks only, astropy its way;
 * 8. a glob for one camera-chip of one sector in a gzipped 2-million-line `aws s3 ls` manifest,
 *    skyfs (first glob, then a second one with the manifest cached) against pandas `read_fwf`
 *    + `str.match` as the TESS notebooks do it.
 * Each contender is a fresh process per run, in interleaved rounds; the peers taking minutes (and
 * skyfs decoding the gzip stream from the start) run in the first round only.
 */
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import { writeFits } from "../../src/fits.js";
import { glob } from "../../src/index.js";
import { buildFitsIndex } from "../../src/workflows/index.js";
import { IMAGE_SIDE } from "../fixtures.js";
import { type BenchContext, pythonMissing, seeded } from "../measure.js";
import { type Contender, interleaved, keepingSums, noteSums, pythonChildWithin, skyfsContenders, sumsAgree } from "../rounds.js";
import type { Goal, Measurement } from "../table.js";

const gzipAsync = promisify(gzip);
const SIDE = 100;
const Y0 = IMAGE_SIDE / 2 - SIDE / 2;
const X0 = IMAGE_SIDE / 2 - SIDE / 2;
const NOISE_SIDE = 5000;
const MANIFEST_LINES = 2_000_000;
const PEER_TIMEOUT_MS = 600_000;
const CUTOUT_PEER_TIMEOUT_MS = 300_000;
const TOLERANCE = 1e-9;
const ASTROPY = "astropy 5.2 + fsspec";
const PANDAS = "pandas read_fwf + str.match";

/** Writes the compressed fixtures next to the others (once per run). */
async function writeCompressedFixtures(root: string): Promise<void> {
  if (!existsSync(join(root, "image.fits.gz"))) {
    await writeFile(join(root, "image.fits.gz"), await gzipAsync(await readFile(join(root, "image.fits")), { level: 6 }));
  }
  if (!existsSync(join(root, "noise.fits.gz"))) {
    const random = seeded(7);
    const pixels = Float32Array.from({ length: NOISE_SIDE * NOISE_SIDE }, () => random() * 1000);
    const fits = writeFits([
      { data: pixels, shape: [NOISE_SIDE, NOISE_SIDE], cards: [{ keyword: "ORIGIN", value: "skyfs bench", comment: "" }] },
    ]);
    await writeFile(join(root, "noise.fits.gz"), await gzipAsync(fits, { level: 1 }));
  }
  if (!existsSync(join(root, "manifest.txt.gz"))) {
    const lines: string[] = [];
    const perChip = Math.ceil(MANIFEST_LINES / (26 * 16));
    for (let sector = 1; sector <= 26 && lines.length < MANIFEST_LINES; sector++) {
      for (let camera = 1; camera <= 4; camera++) {
        for (let chip = 1; chip <= 4; chip++) {
          for (let i = 0; i < perChip && lines.length < MANIFEST_LINES; i++) {
            const s = String(sector).padStart(4, "0");
            const key = `tess/public/ffi/s${s}/${camera}-${chip}/tess-s${s}-${camera}-${chip}-${String(i).padStart(5, "0")}_ffic.fits`;
            lines.push(`2019-08-07 14:30:35 ${String(34_577_280 + i).padStart(10)} ${key}`);
          }
        }
      }
    }
    await writeFile(join(root, "manifest.txt.gz"), await gzipAsync(`${lines.join("\n")}\n`, { level: 6 }));
  }
}

/** Runs scenarios 6, 7 and 8 (those `wanted`). */
export async function compressedScenarios(
  context: BenchContext,
  wanted: (scenario: number) => boolean,
): Promise<{ rows: Measurement[]; goals: Goal[] }> {
  await writeCompressedFixtures(context.root);
  const rows: Measurement[] = [];
  const goals: Goal[] = [];
  const python = await pythonMissing(["astropy", "fsspec", "aiohttp"]);
  if (wanted(6)) await gzCutout(context, python, rows, goals);
  if (wanted(7)) await gzInfo(context, python, rows, goals);
  if (wanted(8)) await manifestGlob(context, rows, goals);
  return { rows, goals };
}

/** The measured row of `peer`, if any. */
function measured(rows: readonly Measurement[], peer: string): Measurement | undefined {
  return rows.find((row) => row.peer === peer && row.seconds !== undefined);
}

async function gzCutout(context: BenchContext, python: string | undefined, rows: Measurement[], goals: Goal[]): Promise<void> {
  const scenario = "6 .fits.gz cutout 100 x 100";
  const url = `${context.server.proxied}/image.fits.gz`;
  const { index } = await buildFitsIndex(url);
  const indexFile = join(context.scratch, "image.fits.gz.index.json");
  const stored = JSON.stringify(index);
  await writeFile(indexFile, stored);
  const box = [Y0, Y0 + SIDE, X0, X0 + SIDE].map(String);
  const sums = new Map<string, number>();
  const contenders: Contender[] = [
    ...skyfsContenders({}, "gz-section", url, indexFile, ...box),
    ...skyfsContenders({ name: "skyfs, no index" }, "gz-section", url, "none", ...box).map((contender) => ({ ...contender, maxRuns: 1 })),
  ];
  if (!python)
    contenders.push({
      peer: ASTROPY,
      maxRuns: 1,
      run: () => pythonChildWithin(CUTOUT_PEER_TIMEOUT_MS, "astropy_cutout.py", url, "1", ...box),
    });
  const measuredRows = await interleaved(context, scenario, keepingSums(contenders, sums));
  if (python) measuredRows.push({ scenario, peer: ASTROPY, skipped: python });
  noteSums(measuredRows, sums, TOLERANCE);
  const ours = measured(measuredRows, "skyfs");
  const checkpoints = index.files[0]?.gzipIndex?.checkpoints.length ?? 0;
  if (ours)
    ours.note = `${ours.note}; with a stored index: ${(stored.length / 1024 / 1024).toFixed(1)} MiB JSON, ${checkpoints} checkpoints`;
  rows.push(...measuredRows);
  const theirs = measured(measuredRows, ASTROPY);
  goals.push({
    scenario,
    goal: "with a stored index: fewer bytes and less time than astropy + fsspec, the same cutout",
    met:
      ours === undefined || theirs === undefined
        ? undefined
        : (ours.seconds as number) < (theirs.seconds as number) &&
          (ours.bytes as number) < (theirs.bytes as number) &&
          sumsAgree(sums, ASTROPY, TOLERANCE),
  });
}

async function gzInfo(context: BenchContext, python: string | undefined, rows: Measurement[], goals: Goal[]): Promise<void> {
  const scenario = "7 info of a 100 MB .fits.gz";
  const url = `${context.server.proxied}/noise.fits.gz`;
  const contenders = skyfsContenders({}, "gz-info", url);
  if (!python) contenders.push({ peer: ASTROPY, run: () => pythonChildWithin(PEER_TIMEOUT_MS, "astropy_info.py", url) });
  const measuredRows = await interleaved(context, scenario, contenders);
  if (python) measuredRows.push({ scenario, peer: ASTROPY, skipped: python });
  rows.push(...measuredRows);
  const ours = measured(measuredRows, "skyfs");
  const theirs = measured(measuredRows, ASTROPY);
  goals.push({
    scenario,
    goal: "skyfs reads the header blocks only (<= 128 KiB), under 1% of astropy's bytes",
    met:
      ours === undefined || theirs === undefined
        ? undefined
        : (ours.bytes as number) <= 128 * 1024 && (ours.bytes as number) * 100 < (theirs.bytes as number),
  });
}

async function manifestGlob(context: BenchContext, rows: Measurement[], goals: Goal[]): Promise<void> {
  const scenario = "8 manifest glob, 2M lines";
  const manifest = `${context.server.proxied}/manifest.txt.gz`;
  const pattern = "s3://stpubdata/tess/public/ffi/s0012/3-4/*_ffic.fits";
  const coldCache = await mkdtemp(join(context.scratch, "manifest-cold-"));
  const warmCache = await mkdtemp(join(context.scratch, "manifest-warm-"));
  const found = (await glob(pattern, { manifest, manifestOptions: { cacheDirectory: warmCache } })).length;
  const contenders: Contender[] = [
    ...skyfsContenders({ before: () => rm(coldCache, { recursive: true, force: true }) }, "manifest-glob", pattern, manifest, coldCache),
    ...skyfsContenders({ name: "skyfs, manifest cached" }, "manifest-glob", pattern, manifest, warmCache),
  ];
  const python = await pythonMissing(["pandas"]);
  if (!python)
    contenders.push({
      peer: PANDAS,
      maxRuns: 1,
      run: () => pythonChildWithin(PEER_TIMEOUT_MS, "pandas_manifest.py", manifest, "tess/public/ffi/s0012/3-4/[^/]*_ffic\\.fits$"),
    });
  const measuredRows = await interleaved(context, scenario, contenders);
  if (python) measuredRows.push({ scenario, peer: PANDAS, skipped: python });
  rows.push(...measuredRows);
  await rm(coldCache, { recursive: true, force: true });
  await rm(warmCache, { recursive: true, force: true });
  const cold = measured(measuredRows, "skyfs");
  const warm = measured(measuredRows, "skyfs, manifest cached");
  const theirs = measured(measuredRows, PANDAS);
  goals.push({
    scenario,
    goal: `faster than pandas; a second glob is one request; ${found} matches on every side`,
    met:
      cold === undefined || warm === undefined || theirs === undefined
        ? undefined
        : (cold.seconds as number) < (theirs.seconds as number) &&
          warm.requests === 1 &&
          measuredRows.every((row) => row.skipped || row.note?.includes(`${found} matches`)),
  });
}
