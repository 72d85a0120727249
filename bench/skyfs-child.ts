/**
 * skyfs's side of the interleaved scenarios, one operation per fresh process. Prints one JSON
 * line: the wall and CPU seconds of the operation alone (imports and process start excluded, as
 * for the Python peers), and a note.
 *
 * Modes:
 *   get <folder url> <local folder>   recursive `get` of a folder, defaults
 *   scan <folder url>                 `buildFitsIndex` of a folder of FITS files (headers only), defaults
 */
import { filesystem } from "../src/index.js";
import { buildFitsIndex } from "../src/workflows/index.js";

const [mode, ...args] = process.argv.slice(2);

async function timed(work: () => Promise<string>): Promise<void> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const note = await work();
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  console.log(JSON.stringify({ seconds, cpuSeconds: (used.user + used.system) / 1e6, note }));
}

if (mode === "get") {
  const [url, target] = args as [string, string];
  const fs = filesystem("http");
  await timed(async () => {
    await fs.get(url, target, { recursive: true });
    return "";
  });
  await fs.close();
} else if (mode === "scan") {
  const [url] = args as [string];
  await timed(async () => {
    const { index, fs, skipped } = await buildFitsIndex(url);
    const hdus = index.files.reduce((sum, file) => sum + file.hdus.length, 0);
    await fs.close();
    return `${index.files.length} files, ${hdus} HDUs${skipped.length > 0 ? `, ${skipped.length} skipped` : ""}`;
  });
} else {
  throw new Error(`unknown mode ${mode}`);
}
