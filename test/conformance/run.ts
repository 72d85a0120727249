/**
 * The corpus conformance runner: `npm run conformance -- [folder]` (default ../shared/testdata).
 * Walks the folder for `*.expected.json`, checks the file beside each with the reader of its
 * format, prints one line per failure and ends with `N passed, N failed`. A compressed file
 * (`x.fits.gz`, `.bz2`, `.xz`, `.zst`, `.Z`) is checked by the reader of its inner extension
 * on its decompressed bytes.
 */
import { readdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { stripCompressionSuffix } from "../../src/core/compression/codecs.js";
import { checkAsdf } from "./asdf-check.js";
import { checkFits } from "./fits-check.js";

/** Compares one file with its expectations; returns the differences found (empty: conforms). */
export type Checker = (file: string, expected: Record<string, unknown>) => Promise<string[]>;

const checkers: Record<string, Checker> = { ".fits": checkFits, ".asdf": checkAsdf };

async function expectationFiles(folder: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const full = join(folder, entry.name);
    if (entry.isDirectory()) found.push(...(await expectationFiles(full)));
    else if (entry.name.endsWith(".expected.json")) found.push(full);
  }
  return found.sort();
}

async function main(): Promise<void> {
  const folder = resolve(process.argv[2] ?? "../shared/testdata");
  const only = process.argv[3];
  let passed = 0;
  let failed = 0;
  for (const expectedPath of await expectationFiles(folder)) {
    const file = expectedPath.slice(0, -".expected.json".length);
    const label = file.slice(folder.length + 1);
    if (only && !label.includes(only)) continue;
    const inner = stripCompressionSuffix(file);
    const extension = inner.slice(inner.lastIndexOf("."));
    const checker = checkers[extension];
    if (!checker) {
      failed++;
      console.log(`FAIL ${label}: no reader for ${extension}`);
      continue;
    }
    const expected = JSON.parse(await readFile(expectedPath, "utf8")) as Record<string, unknown>;
    let problems: string[];
    try {
      problems = await checker(file, expected);
    } catch (error) {
      problems = [`checker crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`];
    }
    if (problems.length === 0) passed++;
    else {
      failed++;
      console.log(`FAIL ${label}: ${problems.slice(0, 5).join("; ")}${problems.length > 5 ? ` (+${problems.length - 5} more)` : ""}`);
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 ? 1 : 0;
}

await main();
