/**
 * The benchmark's results table.
 */

/** One measurement (or a skipped peer). */
export interface Measurement {
  /** Which scenario. */
  scenario: string;
  /** Which peer (`skyfs` is the reference). */
  peer: string;
  /** Wall time in seconds (the median of the rounds), when measured. */
  seconds?: number;
  /** CPU seconds (user + system) of the measured process, when measured (also in `note`). */
  cpuSeconds?: number;
  /** Requests the server saw. */
  requests?: number;
  /** Bytes the server sent. */
  bytes?: number;
  /** Anything else worth a column (throughput, RSS ...). */
  note?: string;
  /** Why the peer was not measured. */
  skipped?: string;
}

/** A goal of a scenario and whether it was met. */
export interface Goal {
  /** The scenario. */
  scenario: string;
  /** The goal in words. */
  goal: string;
  /** Met, missed, or unknown (a peer was skipped). */
  met: boolean | undefined;
}

/**
 * The goal "skyfs ahead of every peer" of `scenario`: every row not skyfs's own (nor a skyfs
 * baseline's) slower than the `skyfs` row; unknown when a peer was skipped or skyfs not measured.
 */
export function aheadOfEveryPeer(scenario: string, rows: readonly Measurement[], goal: string): Goal {
  const inScenario = rows.filter((row) => row.scenario === scenario);
  const ours = inScenario.find((row) => row.peer === "skyfs")?.seconds;
  const peers = inScenario.filter((row) => !row.peer.startsWith("skyfs"));
  const known = ours !== undefined && peers.length > 0 && peers.every((row) => row.seconds !== undefined);
  return { scenario, goal, met: known ? peers.every((row) => (row.seconds as number) > ours) : undefined };
}

function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return "";
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KiB", "MiB", "GiB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}

/** Prints the measurements with each peer's time relative to skyfs in its scenario, then the goals. */
export function printTable(rows: readonly Measurement[], goals: readonly Goal[]): string {
  const reference = new Map(rows.filter((row) => row.peer === "skyfs").map((row) => [row.scenario, row.seconds]));
  const header = ["scenario", "peer", "time", "x skyfs", "requests", "bytes", "note"];
  const body = rows.map((row) => {
    const ours = reference.get(row.scenario);
    const ratio = row.seconds !== undefined && ours ? (row.seconds / ours).toFixed(2) : "";
    return [
      row.scenario,
      row.peer,
      row.skipped ? "skipped" : row.seconds === undefined ? "" : `${row.seconds.toFixed(3)} s`,
      ratio,
      row.requests === undefined ? "" : String(row.requests),
      formatBytes(row.bytes),
      row.skipped ?? row.note ?? "",
    ];
  });
  const widths = header.map((title, i) => Math.max(title.length, ...body.map((cells) => (cells[i] as string).length)));
  const line = (cells: string[]): string => `| ${cells.map((cell, i) => cell.padEnd(widths[i] as number)).join(" | ")} |`;
  const lines = [line(header), line(widths.map((width) => "-".repeat(width))), ...body.map(line), ""];
  for (const goal of goals) lines.push(`${goal.met === undefined ? "n/a " : goal.met ? "met " : "MISS"}  ${goal.scenario}: ${goal.goal}`);
  return lines.join("\n");
}

export { formatBytes };
