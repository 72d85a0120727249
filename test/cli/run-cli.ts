/**
 * Runs the `skyfs` command for tests: `skyfs()` calls it in this process with captured streams
 * (fast, the sources as they are), `skyfsProcess()` starts the real executable in a child process
 * (through tsx, so it too runs the sources) for what only a process shows: the exit code and the
 * streams of the operating system.
 */
import { execFile } from "node:child_process";
import { dirname, join } from "node:path";
import { PassThrough, Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { runCli } from "../../src/cli/run.js";

const cli = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "src", "cli", "main.ts");

/** What a run of the command gave. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  stdoutBytes: Buffer;
}

/** Options of a test run. */
export interface CliRunOptions {
  /** Text given on standard input. */
  stdin?: string;
  /**
   * Child process only: leave the AWS SDK's Node version notice to the command, which the test
   * run itself silences.
   */
  sdkNotice?: boolean;
}

class Capture extends Writable {
  private readonly chunks: Buffer[] = [];
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: () => void): void {
    this.chunks.push(Buffer.from(chunk));
    callback();
  }
  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/** Runs `skyfs <args>` in this process with `env` set for the run, and captures its output. */
export async function skyfs(args: string[], env: Record<string, string> = {}, options: CliRunOptions = {}): Promise<CliResult> {
  const stdout = new Capture();
  const stderr = new Capture();
  const stdin = new PassThrough();
  stdin.end(options.stdin ?? "");
  const code = await runCli(args, { stdout, stderr, stdin, env });
  return { code, stdout: stdout.bytes().toString("utf8"), stderr: stderr.bytes().toString("utf8"), stdoutBytes: stdout.bytes() };
}

/** Runs `skyfs <args>` as a child process and waits for it to exit. */
export function skyfsProcess(args: string[], env: Record<string, string> = {}, options: CliRunOptions = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ["--import", "tsx", cli, ...args],
      { env: childEnvironment(env, options), encoding: "buffer", maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout: stdout.toString("utf8"), stderr: stderr.toString("utf8"), stdoutBytes: stdout });
      },
    );
    child.stdin?.end(options.stdin ?? "");
  });
}

function childEnvironment(env: Record<string, string>, options: CliRunOptions): NodeJS.ProcessEnv {
  const merged: NodeJS.ProcessEnv = { ...process.env, ...env };
  if (options.sdkNotice) delete merged.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
  return merged;
}
