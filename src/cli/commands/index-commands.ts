/**
 * The cloud index commands: index build, index show, index kerchunk.
 * @module
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Command } from "commander";
import { FITS_INDEX_FORMAT, type FitsIndex } from "../../fits.js";
import { FormatError, localFileError } from "../../index.js";
import { buildFitsIndex, toKerchunk } from "../../workflows/index.js";
import type { CliContext } from "../context.js";
import { plural } from "../progress.js";

type Run = (action: (context: CliContext) => Promise<void>) => Promise<void>;

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Reads an index document from any URL the context can open (or a local file). */
async function loadIndex(context: CliContext, url: string): Promise<FitsIndex> {
  const { fs, path } = context.resolve(url);
  const text = new TextDecoder().decode(await fs.cat(path));
  let parsed: FitsIndex;
  try {
    parsed = JSON.parse(text) as FitsIndex;
  } catch (error) {
    throw new FormatError(`the index is not JSON: ${(error as Error).message}`, { url, cause: error });
  }
  if (parsed?.format !== FITS_INDEX_FORMAT || !Array.isArray(parsed.files)) throw new FormatError("not a skyfs FITS index", { url });
  return parsed;
}

/** Adds the index commands to the program. */
export function addIndexCommands(program: Command, run: Run): void {
  const index = program.command("index").description("the cloud index of FITS headers and data offsets");

  index
    .command("build")
    .description("index every FITS file of a folder, prefix or glob pattern (headers only) into one JSON document")
    .argument("<source>", "a FITS file, a folder or prefix, or a quoted glob pattern")
    .requiredOption("-o, --output <url>", "where to write the index (a local file or any writable URL)")
    .option("--data-url <url>", "the URL the files live at, when indexing a local copy (for a single file: its URL)")
    .option("--strict", "stop at the first file that cannot be indexed, instead of skipping it")
    .action((source: string, options: { output: string; dataUrl?: string; strict?: boolean }) =>
      run(async (context) => {
        const {
          index: built,
          fs,
          skipped,
        } = await buildFitsIndex(source, {
          dataUrl: options.dataUrl,
          strict: options.strict,
          storage: context.storageOptions(),
          onSkip: (skip) => {
            if (!context.options.json) context.err.write(`skipped ${skip.url}: ${describeError(skip.error)}\n`);
          },
        });
        context.track(fs);
        const target = context.resolve(options.output);
        await target.fs.pipe(target.path, `${JSON.stringify(built, null, 1)}\n`);
        const hdus = built.files.reduce((sum, file) => sum + file.hdus.length, 0);
        if (context.options.json) {
          const skippedJson = skipped.map((skip) => ({ url: skip.url, error: describeError(skip.error) }));
          context.printJson({ output: options.output, files: built.files.length, hdus, skipped: skippedJson });
        } else {
          const skippedText =
            skipped.length > 0 ? `; skipped ${plural(skipped.length, "file")} that could not be indexed (listed above)` : "";
          context.print(`${options.output}: ${plural(built.files.length, "file")}, ${plural(hdus, "HDU")}${skippedText}`);
        }
      }),
    );

  index
    .command("show")
    .description("summarise an index: files, HDUs, shapes and offsets")
    .argument("<index>", "the index document (local file or URL)")
    .action((url: string) =>
      run(async (context) => {
        const loaded = await loadIndex(context, url);
        if (context.options.json) {
          context.printJson(loaded);
          return;
        }
        context.print(`index of ${loaded.files.length} files, built ${loaded.created}`);
        for (const file of loaded.files) {
          context.print(`${file.url}  ${file.size} bytes  ETag ${file.etag ?? "-"}`);
          for (const hdu of file.hdus) {
            const layout = hdu.shape
              ? `(${[...hdu.shape].reverse().join(", ")}) BITPIX ${hdu.bitpix}`
              : hdu.table
                ? `${hdu.table.rows}R x ${hdu.table.columns.length}C`
                : "";
            context.print(
              `  ${String(hdu.index).padStart(3)}  ${hdu.name.padEnd(12)} ${hdu.type.padEnd(12)} header @${hdu.headerOffset}+${hdu.headerSize}  data @${hdu.dataOffset}+${hdu.dataSize}  ${layout}`,
            );
          }
        }
      }),
    );

  index
    .command("kerchunk")
    .description("export the image HDUs of indexed files as kerchunk/fsspec reference JSON (version 1)")
    .argument("<index>", "the index document (local file or URL)")
    .requiredOption("-o, --output <folder>", "folder receiving one <file name>.json per indexed file")
    .action((url: string, options: { output: string }) =>
      run(async (context) => {
        const loaded = await loadIndex(context, url);
        await mkdir(options.output, { recursive: true }).catch((error: unknown) => Promise.reject(localFileError(error, options.output)));
        const written: Array<{ file: string; output: string; arrays: number; skipped: unknown[] }> = [];
        for (const file of loaded.files) {
          const { references, skipped } = toKerchunk(file);
          const name = `${decodeURIComponent(
            file.url
              .replace(/[?#].*$/, "")
              .split("/")
              .pop() || "file",
          )}.json`;
          const output = join(options.output, name);
          await writeFile(output, JSON.stringify(references)).catch((error: unknown) => Promise.reject(localFileError(error, output)));
          const arrays = Object.keys(references.refs).filter((key) => key.endsWith("/.zarray")).length;
          written.push({ file: file.url, output, arrays, skipped });
        }
        if (context.options.json) context.printJson(written);
        else
          for (const entry of written)
            context.print(`${entry.output}: ${plural(entry.arrays, "array")} (${plural(entry.skipped.length, "HDU")} skipped)`);
      }),
    );
}
