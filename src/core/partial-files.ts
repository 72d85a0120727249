/**
 * Temporary names of files being written (`<name>.skyfs-partial-<pid>-<random>`, renamed to
 * `<name>` when complete), kept within the 255-byte limit of a file name, and the removal of
 * those left behind by a process that died before it could clean up.
 * @module
 */
import { randomBytes } from "node:crypto";
import { readdir, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

const MARKER = ".skyfs-partial-";
/** The longest file name most file systems accept, in bytes. */
const NAME_MAX = 255;
/** The marker, a process id of up to 10 digits, a dash and 8 random characters. */
const SUFFIX_MAX = MARKER.length + 10 + 1 + 8;
const PARTIAL = /^(.*)\.skyfs-partial-(\d+)-[0-9a-f]{8}$/s;

/** The part of a target's name that its temporary names start with (cut to fit the limit). */
function stemOf(name: string): string {
  const bytes = Buffer.from(name, "utf8");
  if (bytes.length <= NAME_MAX - SUFFIX_MAX) return name;
  let stem = bytes.subarray(0, NAME_MAX - SUFFIX_MAX).toString("utf8");
  while (stem.endsWith("\uFFFD") || Buffer.byteLength(stem) > NAME_MAX - SUFFIX_MAX) stem = stem.slice(0, -1);
  return stem;
}

/** A fresh temporary path beside `target`, unique to this process and call. */
export function partialPath(target: string): string {
  return join(dirname(target), `${stemOf(basename(target))}${MARKER}${process.pid}-${randomBytes(4).toString("hex")}`);
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Removes the temporary files of `targets` that a process no longer running left behind (a
 * killed `get`), one folder listing per folder. Those of running processes, this one included,
 * and every other file are left alone. Returns the paths removed.
 */
export async function removeStalePartials(targets: readonly string[]): Promise<string[]> {
  const stemsByFolder = new Map<string, Set<string>>();
  for (const target of targets) {
    const folder = dirname(target);
    const stems = stemsByFolder.get(folder) ?? new Set<string>();
    stems.add(stemOf(basename(target)));
    stemsByFolder.set(folder, stems);
  }
  const removed: string[] = [];
  for (const [folder, stems] of stemsByFolder) {
    const names = await readdir(folder).catch(() => [] as string[]);
    for (const name of names) {
      const match = PARTIAL.exec(name);
      if (!match || !stems.has(match[1] as string)) continue;
      const pid = Number(match[2]);
      if (pid === process.pid || processIsAlive(pid)) continue;
      await rm(join(folder, name), { force: true });
      removed.push(join(folder, name));
    }
  }
  return removed;
}
