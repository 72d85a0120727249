/**
 * The file commands: ls, glob, find, du, cat, get, put, rm, cp.
 * @module
 */
import type { Command } from "commander";
import {
  type FileInfo,
  globManifest,
  InvalidArgumentError,
  IsADirectoryError,
  NotFoundError,
  schemeOf,
  type TransferProgress,
} from "../../index.js";
import type { CliContext } from "../context.js";
import { integerOption } from "../options.js";
import { formatBytes, plural, progressReporter } from "../progress.js";

type Run = (action: (context: CliContext) => Promise<void>) => Promise<void>;

function describeEntry(entry: FileInfo): string {
  if (entry.type === "directory") return `${"DIR".padStart(12)}  ${"".padEnd(19)}  ${entry.name}/`;
  const when = entry.mtime ? entry.mtime.toISOString().slice(0, 19).replace("T", " ") : "";
  return `${String(entry.size).padStart(12)}  ${when.padEnd(19)}  ${entry.name}`;
}

/** Parses `--range START:END` (fsspec slice: end exclusive, negatives from the end). */
export function parseRange(text: string): { start?: number; end?: number } {
  const match = /^(-?\d+)?:(-?\d+)?$/.exec(text.trim());
  if (!match) throw new InvalidArgumentError(`--range takes START:END (either may be empty or negative), got ${JSON.stringify(text)}`);
  return { start: match[1] === undefined ? undefined : Number(match[1]), end: match[2] === undefined ? undefined : Number(match[2]) };
}

/** Adds the file commands to the program. */
export function addFileCommands(program: Command, run: Run): void {
  program
    .command("ls")
    .description("list one level of a folder or prefix")
    .argument("<url>", "folder, prefix or file URL")
    .action((url: string) =>
      run(async (context) => {
        const { fs, path } = context.resolve(url);
        const entries = await fs.ls(path, { detail: true });
        if (context.options.json) context.printJson(entries);
        else for (const entry of entries) context.print(describeEntry(entry));
      }),
    );

  program
    .command("glob")
    .description("URLs matching a pattern (*, ?, [...] within a segment, ** across segments)")
    .argument("<pattern>", "URL pattern, quoted so the shell leaves it alone")
    .option("--max-depth <n>", "how deep ** descends", integerOption("--max-depth", 1))
    .option(
      "--manifest <url>",
      "match the lines of this listing file (aws s3 ls --recursive or one key per line, compressed or not) instead of listing",
    )
    .option("--manifest-root <url>", "what the manifest's keys are relative to (default: the pattern's bucket or host)")
    .action((pattern: string, options: { maxDepth?: number; manifest?: string; manifestRoot?: string }) =>
      run(async (context) => {
        if (options.manifest !== undefined) {
          const found = await globManifest(pattern, options.manifest, { storage: context.storageOptions(), root: options.manifestRoot });
          if (context.options.json) context.printJson(found);
          else for (const url of found) context.print(url);
          return;
        }
        const { fs, path } = context.resolve(pattern);
        const found = (await fs.glob(path, { maxDepth: options.maxDepth })).map((match) => fs.url(match));
        if (found.length === 0) throw new NotFoundError("nothing matches the pattern", { url: pattern });
        if (context.options.json) context.printJson(found);
        else for (const url of found) context.print(url);
      }),
    );

  program
    .command("find")
    .description("every file below a folder or prefix")
    .argument("<url>")
    .option("--max-depth <n>", "levels to descend", integerOption("--max-depth", 1))
    .option("--with-dirs", "list directories too")
    .action((url: string, options: { maxDepth?: number; withDirs?: boolean }) =>
      run(async (context) => {
        const { fs, path } = context.resolve(url);
        const found = await fs.find(path, { maxDepth: options.maxDepth, withDirs: options.withDirs, detail: true });
        if (found.length === 0) await fs.info(path);
        if (context.options.json) context.printJson(found);
        else for (const entry of found) context.print(describeEntry(entry));
      }),
    );

  program
    .command("du")
    .description("total size of the files below a folder or prefix")
    .argument("<url>")
    .action((url: string) =>
      run(async (context) => {
        const { fs, path } = context.resolve(url);
        const files = await fs.find(path, { detail: true });
        if (files.length === 0) await fs.info(path);
        const bytes = files.reduce((sum, file) => sum + file.size, 0);
        if (context.options.json) context.printJson({ url, bytes, files: files.length });
        else context.print(`${bytes}\t${formatBytes(bytes)}\t${plural(files.length, "file")}\t${url}`);
      }),
    );

  program
    .command("cat")
    .description("write an object, or a byte range of it, to standard output")
    .argument("<url>")
    .option("--range <start:end>", "bytes [start, end); negative values count from the end")
    .action((url: string, options: { range?: string }) =>
      run(async (context) => {
        const { fs, path } = context.resolve(url);
        const range = options.range ? parseRange(options.range) : {};
        const bytes = await fs.catFile(path, range.start, range.end, { compression: context.compression(null) });
        await new Promise<void>((resolve, reject) => context.out.write(bytes, (error) => (error ? reject(error) : resolve())));
      }),
    );

  program
    .command("get")
    .description("download a file, or a whole folder or prefix with --recursive")
    .argument("<url>", "remote file or prefix")
    .argument("<local>", "local file or folder")
    .option("-r, --recursive", "download a whole folder or prefix")
    .option("--concurrency <n>", "transfers at once", integerOption("--concurrency", 1))
    .action((url: string, local: string, options: { recursive?: boolean; concurrency?: number }) =>
      run(async (context) => {
        const { fs, path } = context.resolve(url);
        await withProgress(context, (onProgress) =>
          fs.get(path, local, { ...options, compression: context.compression(null), onProgress }),
        );
      }),
    );

  program
    .command("put")
    .description("upload a local file, or a folder with --recursive")
    .argument("<local>")
    .argument("<url>")
    .option("-r, --recursive", "upload a whole folder")
    .option("--concurrency <n>", "transfers at once", integerOption("--concurrency", 1))
    .action((local: string, url: string, options: { recursive?: boolean; concurrency?: number }) =>
      run(async (context) => {
        const { fs, path } = context.resolve(url);
        await withProgress(context, (onProgress) =>
          fs.put(local, path, { ...options, compression: context.compression(null), onProgress }),
        );
      }),
    );

  program
    .command("rm")
    .description("delete a file, or a folder or prefix with --recursive")
    .argument("<url>")
    .option("-r, --recursive", "delete everything below")
    .action((url: string, options: { recursive?: boolean }) =>
      run(async (context) => {
        const { fs, path } = context.resolve(url);
        await fs.rm(path, { recursive: options.recursive });
      }),
    );

  program
    .command("cp")
    .description("copy within a store (server-side where possible), or between local disk and a store")
    .argument("<source>")
    .argument("<target>")
    .option("-r, --recursive", "copy a whole folder or prefix")
    .action((source: string, target: string, options: { recursive?: boolean }) =>
      run(async (context) => {
        const sourceLocal = schemeOf(source) === "file";
        const targetLocal = schemeOf(target) === "file";
        if (sourceLocal && !targetLocal) {
          const { fs, path } = context.resolve(target);
          await fs.put(source, path, { recursive: options.recursive });
        } else if (!sourceLocal && targetLocal) {
          const { fs, path } = context.resolve(source);
          await fs.get(path, target, { recursive: options.recursive });
        } else if (schemeOf(source) === schemeOf(target)) {
          const { fs, path } = context.resolve(source);
          await fs.copy(path, fs.path(target), { recursive: options.recursive });
        } else {
          const from = context.resolve(source);
          const to = context.resolve(target);
          const base = (await from.fs.info(from.path)).type === "directory";
          if (base && !options.recursive) throw new IsADirectoryError("use --recursive to copy a folder", { url: source });
          const files = await from.fs.find(from.path);
          for (const file of files) {
            const relative = base ? file.slice(from.path.length).replace(/^\/+/, "") : "";
            const destination = relative ? `${to.path.replace(/\/+$/, "")}/${relative}` : to.path;
            await to.fs.pipe(destination, await from.fs.cat(file));
          }
        }
      }),
    );
}

/** Runs a transfer with a progress bar (or progress lines) on the context's error stream. */
async function withProgress(
  context: CliContext,
  transfer: (onProgress: (progress: TransferProgress) => void) => Promise<void>,
): Promise<void> {
  const reporter = progressReporter(context.err);
  try {
    await transfer((progress) => reporter.update(progress));
  } finally {
    reporter.stop();
  }
}
