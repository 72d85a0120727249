/**
 * Scenario 6: a 10 x 10 pixel cutout of every frame of a TESS-like cube (64 x 64 pixels, 1,000
 * frames, laid out as astrocut's cubes) through the latency proxy: skyfs `tessCutout` (the pixel
 * runs in one planned batch, plus the frame table) against astropy 5.2 with fsspec reading what
 * astrocut reads (the frame table, then `.section` of the box).
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { CelestialWcs, Header } from "../../src/fits.js";
import { filesystem } from "../../src/index.js";
import { tessCutout } from "../../src/workflows/index.js";
import { fixtureWcs, writeTessCube } from "../../test/tess/cube-fixture.js";
import { type BenchContext, best, pythonMissing, runJson } from "../measure.js";
import type { Goal, Measurement } from "../table.js";

const CUBE = { rows: 64, columns: 64, frames: 1000 };
const SIDE = 10;
const CENTRE: [number, number] = [30.2, 25.3];

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
  const ideal = SIDE * SIDE * CUBE.frames * 2 * 4;
  let oursSum = 0;
  let origin: [number, number] = [0, 0];
  const ours = await best(context, scenario, "skyfs", async () => {
    const fs = filesystem("http");
    const cutout = await tessCutout(await fs.open(url), { ra, dec }, SIDE);
    origin = cutout.origin;
    oursSum = cutout.flux.reduce((sum, value) => sum + value, 0);
    await fs.close();
    return undefined;
  });
  ours.note = `cube ${(cube.length / 1e6).toFixed(1)} MB; pixels ${ideal} B = ${((ideal / (ours.bytes as number)) * 100).toFixed(0)}% of the bytes moved (the rest: frame table, headers); ~${((ours.seconds as number) / (latencyMs / 1000)).toFixed(1)} x the added latency; flux sum ${oursSum.toFixed(1)}`;
  const rows: Measurement[] = [ours];
  const python = await pythonMissing(["astropy", "fsspec", "aiohttp"]);
  if (python) rows.push({ scenario, peer: "astropy 5.2 + fsspec", skipped: python });
  else {
    const script = join(import.meta.dirname, "..", "peers", "astropy_cube_cutout.py");
    let theirSum = 0;
    const theirs = await best(context, scenario, "astropy 5.2 + fsspec", async () => {
      const args = [script, url, String(origin[1]), String(origin[1] + SIDE), String(origin[0]), String(origin[0] + SIDE)];
      const result = await runJson("/usr/bin/python3", args);
      theirSum = result.sum as number;
      return result.seconds as number;
    });
    theirs.note = `flux sum ${theirSum.toFixed(1)}${Math.abs(theirSum - oursSum) > 1e-6 * Math.abs(oursSum) ? " (DIFFERS from skyfs)" : " (same pixels)"}`;
    rows.push(theirs);
  }
  const met = (ours.bytes as number) < 1.5 * ideal && (ours.bytes as number) < cube.length / 10;
  return { rows, goals: [{ scenario, goal: "bytes close to 10 x 10 x 1000 x 2 x 4, not the cube", met }] };
}
