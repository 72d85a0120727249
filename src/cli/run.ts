/**
 * The `skyfs` command as a function: parses arguments, runs one command with the given streams
 * and returns the exit code, without touching the process. `main.ts` is the executable around it.
 * @module
 */
import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { addFileCommands } from "./commands/files.js";
import { addFormatCommands } from "./commands/formats.js";
import { addIndexCommands } from "./commands/index-commands.js";
import { addMastCommands } from "./commands/mast.js";
import { CliContext, type GlobalOptions } from "./context.js";
import { failureText, isBrokenPipe } from "./failure.js";

/** The package's version, from its package.json (two levels up from src/cli and dist/cli alike). */
const VERSION = (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;

/** Where one run of the command reads and writes, and what environment it sees. */
export interface CliIo {
  /** Receives results (default `process.stdout`). */
  stdout?: NodeJS.WritableStream;
  /** Receives progress, statistics and error messages (default `process.stderr`). */
  stderr?: NodeJS.WritableStream;
  /** Read by commands given `-` as a file (default `process.stdin`). */
  stdin?: NodeJS.ReadableStream;
  /**
   * Environment variables set for the duration of the run (credentials, `SKYFS_DEBUG`), then
   * restored; `undefined` removes a variable. Runs that pass `env` must not overlap.
   */
  env?: Record<string, string | undefined>;
}

/** Builds the program; results go to `io.stdout`, help, progress and messages to `io.stderr`. */
function buildProgram(io: Required<Pick<CliIo, "stdout" | "stderr" | "stdin">>): Command {
  const program = new Command();
  program
    .name("skyfs")
    .description("one filesystem over local disk, HTTP, S3, GCS and Azure, with FITS and ASDF tools")
    .version(VERSION, "-V, --version", "print the version")
    .option("--anon", "unsigned requests, no credential lookup (public buckets)")
    .option("--requester-pays [project]", "pay for requests to a requester-pays bucket (GCS: the billing project)")
    .option("--endpoint <url>", "a custom endpoint (S3-compatible stores, emulators)")
    .option("--region <region>", "the provider region")
    .option("--profile <name>", "a named credentials profile")
    .option("--json", "machine-readable output")
    .option("--stats", "print requests and bytes moved when done")
    .option(
      "--compression <kind>",
      "whole-file compression: gzip, bz2, xz, zstd, compress, infer (from the suffix) or none (default: infer for info, header, cutout, preview; none for cat, get)",
    )
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) })
    .showHelpAfterError()
    .exitOverride();
  const run = async (action: (context: CliContext) => Promise<void>): Promise<void> => {
    const context = new CliContext(program.opts<GlobalOptions>(), io.stdout, io.stderr, io.stdin);
    try {
      await action(context);
    } finally {
      if (context.options.stats) context.printStats();
      await context.close();
    }
  };
  addFileCommands(program, run);
  addFormatCommands(program, run);
  addIndexCommands(program, run);
  addMastCommands(program, run);
  return program;
}

/**
 * Runs `skyfs <args>` (the arguments after the command name) and resolves to the exit code:
 * 0 on success, 1 when the command failed (one line on `stderr`, or a JSON object with `--json`),
 * 2 on a usage error. A reader of `stdout` that went away (`EPIPE`) ends the command quietly with 0.
 */
export async function runCli(args: readonly string[], io: CliIo = {}): Promise<number> {
  const restore = io.env ? overlayEnvironment(io.env) : () => {};
  const stderr = io.stderr ?? process.stderr;
  const program = buildProgram({ stdout: io.stdout ?? process.stdout, stderr, stdin: io.stdin ?? process.stdin });
  try {
    await program.parseAsync([...args], { from: "user" });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (isBrokenPipe(error)) return 0;
    stderr.write(failureText(error, program.opts<GlobalOptions>().json === true));
    if (process.env.SKYFS_DEBUG) stderr.write(`${(error as Error)?.stack ?? ""}\n`);
    return 1;
  } finally {
    restore();
  }
}

function overlayEnvironment(env: Record<string, string | undefined>): () => void {
  const saved = Object.entries(env).map(([name]) => [name, process.env[name]] as const);
  const assign = (name: string, value: string | undefined): void => {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  };
  for (const [name, value] of Object.entries(env)) assign(name, value);
  return () => {
    for (const [name, value] of saved) assign(name, value);
  };
}
