/**
 * Runs a command as a fresh process under `/usr/bin/time` and reports what it cost: wall time,
 * CPU seconds (user + system, the child and its own children) and peak resident memory, with
 * what it printed.
 */
import { execFile } from "node:child_process";

/** What one child process cost. */
export interface ChildUsage {
  /** Wall time of the whole process, in seconds. */
  wall: number;
  /** User plus system CPU time, in seconds. */
  cpu: number;
  /** Peak resident set size, in bytes. */
  maxRss: number;
  /** Its standard output. */
  stdout: string;
}

const TIME = "/usr/bin/time";
const MARK = "child-usage:";

/** Runs `command args` under `/usr/bin/time` and returns its usage; rejects when it fails. */
export function measureChild(command: string, args: readonly string[], timeoutMs = 600_000): Promise<ChildUsage> {
  return new Promise((resolve, reject) => {
    execFile(
      TIME,
      ["-f", `${MARK} %e %U %S %M`, command, ...args],
      { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const line = stderr
          .split("\n")
          .reverse()
          .find((candidate) => candidate.startsWith(MARK));
        if (error || !line) return reject(new Error(`${command} failed: ${stderr.trim().split("\n").pop() ?? error?.message}`));
        const [wall, user, system, rssKiB] = line.slice(MARK.length).trim().split(/\s+/).map(Number) as [number, number, number, number];
        resolve({ wall, cpu: user + system, maxRss: rssKiB * 1024, stdout });
      },
    );
  });
}
