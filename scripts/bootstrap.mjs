#!/usr/bin/env node
// Installs the locked dependencies (npm ci) when they are missing or older than the lockfile, so
// that a fresh clone needs only `npm run demo` or `npm test`. Nothing needs building first: the
// demo and the tests run the TypeScript sources.
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";

const marker = "node_modules/.package-lock.json";
const stale = !existsSync(marker) || statSync("package-lock.json").mtimeMs > statSync(marker).mtimeMs;
if (stale) {
  console.log("skyfs: installing the locked dependencies (npm ci)...");
  const result = spawnSync("npm", ["ci", "--no-audit", "--no-fund"], { stdio: "inherit", shell: process.platform === "win32" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
