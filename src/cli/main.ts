#!/usr/bin/env node
/**
 * The `skyfs` command.
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

/** Builds the program; `output` receives results, `errors` progress and messages. */
function buildProgram(output: NodeJS.WritableStream = process.stdout, errors: NodeJS.WritableStream = process.stderr): Command {
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
    .showHelpAfterError()
    .exitOverride();
  const run = async (action: (context: CliContext) => Promise<void>): Promise<void> => {
    const context = new CliContext(program.opts<GlobalOptions>(), output, errors);
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

/** Runs the command line and returns the exit code. */
async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (isBrokenPipe(error)) return 0;
    process.stderr.write(failureText(error, program.opts<GlobalOptions>().json === true));
    if (process.env.SKYFS_DEBUG) process.stderr.write(`${(error as Error)?.stack ?? ""}\n`);
    return 1;
  }
}

for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error) => {
    if (isBrokenPipe(error)) process.exit(process.exitCode ?? 0);
    throw error;
  });
}
process.exitCode = await main(process.argv);
