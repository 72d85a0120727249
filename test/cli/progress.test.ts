import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { progressReporter } from "../../src/cli/progress.js";

class Terminal extends Writable {
  readonly isTTY = true;
  readonly columns = 200;
  text = "";
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: () => void): void {
    this.text += chunk.toString();
    callback();
  }
  cursorTo(): boolean {
    return true;
  }
  clearLine(): boolean {
    return true;
  }
  moveCursor(): boolean {
    return true;
  }
}

describe("the transfer progress display", () => {
  it("draws its last frame with every file counted, on a terminal and in plain lines", () => {
    const events = [
      { path: "a", bytes: 10, totalBytes: 30, filesDone: 0, totalFiles: 2 },
      { path: "a", bytes: 10, totalBytes: 30, filesDone: 1, totalFiles: 2 },
      { path: "b", bytes: 30, totalBytes: 30, filesDone: 1, totalFiles: 2 },
      { path: "b", bytes: 30, totalBytes: 30, filesDone: 2, totalFiles: 2 },
    ];
    const terminal = new Terminal();
    const bar = progressReporter(terminal as unknown as NodeJS.WriteStream);
    for (const event of events) bar.update(event);
    bar.stop();
    expect(terminal.text).toMatch(/2\/2 files[^/]*$/);
    const log = new Terminal();
    Object.defineProperty(log, "isTTY", { value: false });
    const lines = progressReporter(log, 60_000);
    lines.update({ path: "x", bytes: 5, totalBytes: 5, filesDone: 0, totalFiles: 1 });
    lines.update({ path: "x", bytes: 5, totalBytes: 5, filesDone: 1, totalFiles: 1 });
    lines.stop();
    expect(log.text.trim().split("\n").at(-1)).toMatch(/^5 B \/ 5 B, 1\/1 file, /);
  });
});
