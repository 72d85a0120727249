/**
 * Scenario 6: a 10 x 10 pixel cutout of every frame of a TESS-like cube (64 x 64 pixels, 1,000
 * frames, laid out as astrocut's cubes) through the latency proxy: skyfs `tessCutout` (the pixel
 * runs in one planned batch, plus the frame table) against astropy 5.2 with fsspec reading what
 * astrocut reads (the frame table, then `.section` of the box); each a fresh process per run,
 * interleaved rounds, and both fluxes checked equal.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { CelestialWcs, Header } from "../../src/fits.js";
import { filesystem } from "../../src/index.js";
import { tessCutout } from "../../src/workflows/index.js";
import { fixtureWcs, writeTessCube } from "../../test/tess/cube-fixture.js";
import { type BenchContext, pythonMissing } from "../measure.js";
import { interleaved, keepingSums, noteSums, pythonChild, skyfsContenders, sumsAgree } from "../rounds.js";
import type { Goal, Measurement } from "../table.js";

const CUBE = { rows: 64, columns: 64, frames: 1000 };
const SIDE = 10;
const CENTRE: [number, number] = [30.2, 25.3];
const PEER = "astropy 5.2 + fsspec";
const TOLERANCE = 1e-9;

/** The box `tessCutout` cuts around the position: the peer is given the same pixels (not timed). */
async function cutoutOrigin(url: string, ra: number, dec: number): Promise<[number, number]> {
  const fs = filesystem("http", { instance: "private" });
  try {
    return (await tessCutout(await fs.open(url), { ra, dec }, SIDE)).origin;
  } finally {
    await fs.close();
  }
}

/** Runs scenario 6. */
export async function tessCube(context: BenchContext, latencyMs: number): Promise<{ rows: Measurement[]; goals: Goal[] }> {
  const scenario = "6 TESS cube cutout 10 x 10 x 1000";
  const cube = writeTessCube(CUBE);
  await writeFile(join(context.root, "cube.fits"), cube);
  const url = `${context.server.proxied}/cube.fits`;
  const wcs = CelestialWcs.fromHeader(
    new Header(fixtureWcs(CUBE, CUBE.frames / 2).map(([keyword, value]) => ({ keyword, value, comment: "" }))),
  );
  const [ra, dec] = wcs.pixelToWorld(...CENTRE);
  const [column, row] = await cutoutOrigin(url, ra, dec);
  const ideal = SIDE * SIDE * CUBE.frames * 2 * 4;
  const sums = new Map<string, number>();
  const contenders = skyfsContenders({}, "tess-cutout", url, String(ra), String(dec), String(SIDE));
  const python = await pythonMissing(["astropy", "fsspec", "aiohttp"]);
  const box = [row, row + SIDE, column, column + SIDE].map(String);
  if (!python) contenders.push({ peer: PEER, run: () => pythonChild("astropy_cube_cutout.py", url, ...box) });
  const rows = await interleaved(context, scenario, keepingSums(contenders, sums));
  if (python) rows.push({ scenario, peer: PEER, skipped: python });
  noteSums(rows, sums, TOLERANCE);
  const ours = rows.find((candidate) => candidate.peer === "skyfs");
  if (ours?.bytes === undefined || ours.seconds === undefined) return { rows, goals: [{ scenario, goal: "skyfs measured", met: false }] };
  ours.note =
    `${ours.note}; cube ${(cube.length / 1e6).toFixed(1)} MB; pixels ${ideal} B = ${((ideal / ours.bytes) * 100).toFixed(0)}% ` +
    `of the bytes moved (the rest: frame table, headers); ~${(ours.seconds / (latencyMs / 1000)).toFixed(1)} x the added latency`;
  const sameAsPeer = python ? true : sumsAgree(sums, PEER, TOLERANCE);
  return {
    rows,
    goals: [
      {
        scenario,
        goal: "bytes close to 10 x 10 x 1000 x 2 x 4, not the cube; the same flux as astropy",
        met: ours.bytes < 1.5 * ideal && ours.bytes < cube.length / 10 && sameAsPeer,
      },
    ],
  };
}
