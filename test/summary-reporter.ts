/**
 * Ends a test run with what was skipped for lack of something (the corpus, a tool, a server),
 * how many tests that cost and how to get it, then one plain line, `N passed, N failed, N
 * skipped`, after vitest's own summary, so that any tool can read the counts. When
 * `SKYFS_REQUIRE` names requirements (comma-separated ids, or `all`) and one of them was missing,
 * the run fails.
 */
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import type { Reporter, TestModule, Vitest } from "vitest/node";
import { MISSING_LOG_VARIABLE, type MissingRecord } from "./requirements.js";

export default class SummaryReporter implements Reporter {
  private readonly log = join(tmpdir(), `skyfs-test-missing-${randomUUID()}.jsonl`);
  private root = process.cwd();

  onInit(vitest: Vitest): void {
    this.root = vitest.config.root;
    // Test files run in worker processes started after this, which inherit the variable.
    process.env[MISSING_LOG_VARIABLE] = this.log;
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const skippedByFile = new Map<string, number>();
    for (const module of testModules) {
      const file = relative(this.root, module.moduleId);
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === "passed") passed++;
        else if (state === "failed") failed++;
        else {
          skipped++;
          skippedByFile.set(file, (skippedByFile.get(file) ?? 0) + 1);
        }
      }
      if (module.state() === "failed" && [...module.children.allTests()].length === 0) failed++;
    }
    const missing = this.readMissing();
    const unmet = this.unmetRequirements(missing);
    const report = [describeMissing(missing, skippedByFile), unmet];
    if (unmet) failed++;
    report.push(`${passed} passed, ${failed} failed, ${skipped} skipped\n`);
    process.once("exit", () => {
      if (unmet) process.exitCode = 1;
      process.stdout.write(`\n${report.filter(Boolean).join("\n")}`);
    });
  }

  private readMissing(): MissingRecord[] {
    if (!existsSync(this.log)) return [];
    const records = readFileSync(this.log, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as MissingRecord);
    rmSync(this.log, { force: true });
    return records;
  }

  private unmetRequirements(missing: MissingRecord[]): string {
    const required = (process.env.SKYFS_REQUIRE ?? "").split(",").map((id) => id.trim());
    const unmet = [...new Set(missing.map((record) => record.id))].filter((id) => required.includes("all") || required.includes(id));
    return unmet.length === 0 ? "" : `FAILED: SKYFS_REQUIRE asks for ${unmet.join(", ")}, which this machine lacks.\n`;
  }
}

function describeMissing(missing: MissingRecord[], skippedByFile: Map<string, number>): string {
  const explained = new Set(missing.map((record) => record.file));
  const others = [...skippedByFile].filter(([file]) => !explained.has(file));
  const otherLine =
    others.length === 0
      ? ""
      : `Also skipped (opt-in or by design, each file says why): ${others.map(([file, count]) => `${file} (${count})`).join(", ")}\n`;
  if (missing.length === 0) return otherLine;
  const byId = new Map<string, MissingRecord[]>();
  for (const record of missing) byId.set(record.id, [...(byId.get(record.id) ?? []), record]);
  const lines = ["SKIPPED for lack of something this machine does not have:"];
  for (const records of byId.values()) {
    const first = records[0] as MissingRecord;
    const files = [...new Set(records.map((record) => record.file))];
    const tests = files.reduce((sum, file) => sum + (skippedByFile.get(file) ?? 0), 0);
    lines.push(`- ${first.title}: ${first.reason}`);
    lines.push(`  ${tests} tests skipped in ${files.join(", ")}`);
    lines.push(`  to get it: ${first.howToGet}`);
  }
  return `${lines.join("\n")}\n${otherLine}`;
}
