/**
 * `skyfs mast resolve`: MAST data URIs to cloud URLs, from arguments, a file or standard input.
 * @module
 */
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { InvalidArgumentError, localFileError, SkyfsError } from "../../index.js";
import { type ResolveOptions, resolveCloudUris } from "../../mast/index.js";
import type { CliContext } from "../context.js";
import { plural } from "../progress.js";

type Run = (action: (context: CliContext) => Promise<void>) => Promise<void>;

async function readLines(source: string, stdin: NodeJS.ReadableStream): Promise<string[]> {
  const text =
    source === "-"
      ? await new Promise<string>((resolve, reject) => {
          let data = "";
          stdin.setEncoding("utf8");
          stdin.on("data", (chunk: string) => {
            data += chunk;
          });
          stdin.on("end", () => resolve(data));
          stdin.on("error", reject);
        })
      : await readFile(source, "utf8").catch((error: unknown) => Promise.reject(localFileError(error, source)));
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
}

/** Adds the `mast` commands to the program. */
export function addMastCommands(program: Command, run: Run): void {
  const mast = program.command("mast").description("MAST data URIs (mast:HST/product/...) and their cloud copies");
  mast
    .command("resolve")
    .description("print the cloud URL of each MAST data URI (one lookup per 40 URIs, existence checked per prefix)")
    .argument("[uris...]", "MAST data URIs")
    .option("-f, --file <path>", "read URIs from a file, one per line ('-' for standard input)")
    .option("--check <mode>", "existence check: none, head or listing", "listing")
    .option("--tess-rule", "place TESS full-frame images by their documented layout, without a lookup")
    .option("--service <url>", "the path-lookup service")
    .option("--cache <file>", "keep answers in this JSON file between runs")
    .action((uris: string[], options: { file?: string; check: string; tessRule?: boolean; service?: string; cache?: string }) =>
      run(async (context) => {
        const all = [...uris, ...(options.file ? await readLines(options.file, context.stdin) : [])];
        if (all.length === 0)
          throw new InvalidArgumentError("no MAST data URIs: give them as arguments or with -f FILE ('-' for standard input)");
        const resolveOptions: ResolveOptions = {
          check: options.check as ResolveOptions["check"],
          storage: { anon: true, ...context.storageOptions() },
        };
        if (options.tessRule) resolveOptions.rules = ["tess-ffi"];
        if (options.service) resolveOptions.serviceUrl = options.service;
        if (options.cache) resolveOptions.cacheFile = options.cache;
        const { results, stats } = await resolveCloudUris(all, resolveOptions);
        if (context.options.json) context.printJson({ results: Object.fromEntries(results), stats });
        else for (const [uri, resolution] of results) context.print("url" in resolution ? resolution.url : `# ${uri}: ${resolution.error}`);
        context.err.write(
          `mast: ${plural(results.size, "URI")}, ${plural(stats.lookupRequests, "lookup request")}, ${plural(stats.checkRequests, "existence check")}, ${stats.cached} from the cache, ${stats.byRule} by rule\n`,
        );
        const failed = [...results.values()].filter((resolution) => !("url" in resolution)).length;
        if (failed > 0)
          throw new SkyfsError(`${failed} of ${plural(results.size, "URI")} could not be resolved (see the lines starting with #)`);
      }),
    );
}
