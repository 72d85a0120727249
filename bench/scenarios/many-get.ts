/**
 * Scenario 4: `get` of 2,000 objects of 10 KiB to a local folder through the latency proxy,
 * skyfs against fsspec's recursive `get`.
 */
import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { filesystem } from "../../src/index.js";
import { SMALL_COUNT } from "../fixtures.js";
import { type BenchContext, best, pythonMissing, runJson } from "../measure.js";
import type { Goal, Measurement } from "../table.js";

async function countFiles(folder: string): Promise<number> {
  return (await readdir(folder, { recursive: true })).filter((name) => String(name).endsWith(".bin")).length;
}

/** Runs scenario 4. */
export async function manyGet(context: BenchContext): Promise<{ rows: Measurement[]; goals: Goal[] }> {
  const scenario = `4 get ${SMALL_COUNT} x 10 KiB`;
  const url = `${context.server.proxied}/small/`;
  const target = join(context.scratch, "small-copy");
  const rows: Measurement[] = [];
  rows.push(
    await best(context, scenario, "skyfs", async () => {
      await rm(target, { recursive: true, force: true });
      const fs = filesystem("http");
      await fs.get(url, target, { recursive: true });
      await fs.close();
      if ((await countFiles(target)) !== SMALL_COUNT) throw new Error("skyfs: files missing");
      return undefined;
    }),
  );
  const python = await pythonMissing(["fsspec", "aiohttp"]);
  if (python) rows.push({ scenario, peer: "fsspec get", skipped: python });
  else {
    const script = join(import.meta.dirname, "..", "peers", "fsspec_peer.py");
    rows.push(
      await best(
        context,
        scenario,
        "fsspec get",
        async () => {
          await rm(target, { recursive: true, force: true });
          // fsspec 2022.11 cannot `get` an HTTP folder recursively (IsADirectoryError); a glob works.
          const seconds = (await runJson("/usr/bin/python3", [script, "get", `${url}*`, `${target}/`])).seconds as number;
          const files = await countFiles(target);
          return { seconds, note: `one run (each takes minutes)${files === SMALL_COUNT ? "" : `; ${files} files written`}` };
        },
        1,
      ),
    );
  }
  await rm(target, { recursive: true, force: true });
  const peer = rows[1];
  return {
    rows,
    goals: [
      {
        scenario,
        goal: "skyfs ahead of fsspec",
        met: peer?.seconds === undefined ? undefined : peer.seconds > (rows[0]?.seconds as number),
      },
    ],
  };
}
