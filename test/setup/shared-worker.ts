/**
 * Runs before every test file. The files of one worker share its modules (the suite runs with
 * `isolate: false`, see vitest.config.ts), so each file ends by closing the filesystems it shared
 * through `filesystem()`, `urlToFs()` and `open(url)`: the next file starts with new instances
 * and their own counters and connection pools, as if it ran in a process of its own.
 */
import { afterAll } from "vitest";
import { clearInstanceCache } from "../../src/index.js";

afterAll(() => clearInstanceCache());
