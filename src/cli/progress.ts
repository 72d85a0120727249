/**
 * Progress of transfers: a bar with bytes, rate and ETA on a terminal, plain lines otherwise.
 * @module
 */
import { SingleBar } from "cli-progress";
import type { TransferProgress } from "../index.js";

/** Formats a byte count with binary units. */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** `1 file`, `2 files`: a count and its noun, in the singular for one. */
export function plural(count: number, noun: string): string {
  return `${count} ${count === 1 ? noun : `${noun}s`}`;
}

/** Receives transfer progress and shows it. */
export interface ProgressReporter {
  /** Called as bytes move. */
  update(progress: TransferProgress): void;
  /** Called once at the end. */
  stop(): void;
}

/** A bar on a terminal, or a line every `lineEveryMs` elsewhere. */
export function progressReporter(stream: NodeJS.WriteStream | NodeJS.WritableStream, lineEveryMs = 2000): ProgressReporter {
  const started = Date.now();
  if ((stream as NodeJS.WriteStream).isTTY) {
    const bar = new SingleBar({
      stream: stream as NodeJS.WriteStream,
      format: "{bar} {percentage}% | {done} / {all} | {rate}/s | ETA {eta_formatted} | {files}",
      hideCursor: true,
    });
    let begun = false;
    let last: TransferProgress | undefined;
    const reporter: ProgressReporter = {
      update(progress) {
        last = progress;
        const payload = {
          done: formatBytes(progress.bytes),
          all: progress.totalBytes > 0 ? formatBytes(progress.totalBytes) : "?",
          rate: formatBytes(progress.bytes / Math.max(0.001, (Date.now() - started) / 1000)),
          files: `${progress.filesDone}/${plural(progress.totalFiles, "file")}`,
        };
        if (!begun) {
          bar.start(Math.max(1, progress.totalBytes), progress.bytes, payload);
          begun = true;
        } else {
          if (progress.totalBytes === 0) bar.setTotal(Math.max(1, progress.bytes));
          bar.update(progress.bytes, payload);
        }
      },
      stop() {
        if (last) reporter.update(last);
        bar.stop();
      },
    };
    return reporter;
  }
  let lastLine = 0;
  let last: TransferProgress | undefined;
  const line = (progress: TransferProgress): void => {
    const seconds = Math.max(0.001, (Date.now() - started) / 1000);
    stream.write(
      `${formatBytes(progress.bytes)} / ${progress.totalBytes > 0 ? formatBytes(progress.totalBytes) : "?"}, ${progress.filesDone}/${plural(progress.totalFiles, "file")}, ${formatBytes(progress.bytes / seconds)}/s\n`,
    );
  };
  return {
    update(progress) {
      last = progress;
      if (Date.now() - lastLine >= lineEveryMs) {
        lastLine = Date.now();
        line(progress);
      }
    },
    stop() {
      if (last) line(last);
    },
  };
}
