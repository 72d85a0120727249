/**
 * Bundles a page the way a user's bundler would: esbuild for the browser platform, `skyfs`
 * imports resolved through the package's `exports` with the `browser` condition. The targets
 * named there (`./dist/...js`) are taken from the sources they are built from, so no build is
 * needed first.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build, type Metafile, type Plugin } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

type Conditions = { browser?: string; import?: string; types?: string };

/** The `browser` target of each `exports` entry (`"skyfs"`, `"skyfs/fits"` ...). */
export function browserTargets(): Map<string, string | undefined> {
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { exports: Record<string, Conditions> };
  return new Map(Object.entries(manifest.exports).map(([subpath, conditions]) => [`skyfs${subpath.slice(1)}`, conditions.browser]));
}

const skyfsFromSources: Plugin = {
  name: "skyfs-from-sources",
  setup(builder) {
    const targets = browserTargets();
    builder.onResolve({ filter: /^skyfs(\/.*)?$/ }, (args) => {
      const target = targets.get(args.path);
      if (!target) return { errors: [{ text: `package.json exports no browser build for "${args.path}"` }] };
      return { path: join(root, target.replace(/^\.\/dist\//, "src/").replace(/\.js$/, ".ts")) };
    });
  },
};

/** What a bundle came to. */
export interface BundleReport {
  /** The entry chunk's bytes, minified. */
  entryBytes: number;
  /** The entry chunk's bytes, minified and gzipped. */
  entryGzipBytes: number;
  /** Every input file that went into the entry chunk (paths relative to the project). */
  entryInputs: string[];
  /** Bytes of every chunk together, lazily loaded ones included. */
  totalBytes: number;
}

/** Bundles `entry` into `outdir` as `main.js` (ESM, code-split so lazily imported SDKs stay in their own chunks). */
export async function bundlePage(entry: string, outdir: string): Promise<BundleReport> {
  const result = await build({
    entryPoints: { main: entry },
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    outdir,
    metafile: true,
    logLevel: "silent",
    absWorkingDir: root,
    plugins: [skyfsFromSources],
  });
  const outputs = Object.entries(result.metafile.outputs);
  const [name, output] = outputs.find(([, out]) => out.entryPoint !== undefined) as [string, Metafile["outputs"][string]];
  return {
    entryBytes: output.bytes,
    entryGzipBytes: gzipSync(readFileSync(join(root, name))).length,
    entryInputs: Object.keys(output.inputs),
    totalBytes: outputs.reduce((sum, [, out]) => sum + out.bytes, 0),
  };
}
