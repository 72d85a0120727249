/**
 * The package as users get it: `npm pack` (which builds through `prepack`), the tarball installed
 * into an empty folder from the local npm cache, every entry point imported from an `.mjs` file,
 * the `skyfs` command run from `node_modules/.bin`, every entry point bundled for a web page by
 * esbuild, and a TypeScript file using the entry points
 * type-checked with `node16` (declaration files checked too) and with `bundler` module resolution.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { entryPoints, ROOT } from "../docs/code-blocks.js";

const run = promisify(execFile);
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const names = [...entryPoints().keys()];

/** A TypeScript file that uses the main entry points the way the README does. */
const USAGE = `import { filesystem, type FileInfo, NotFoundError, SkyfsError } from "skyfs";
import { openFits, writeFits, type ArrayResult } from "skyfs/fits";
import { openAsdf, NdArray } from "skyfs/asdf";
import { cutoutFits } from "skyfs/workflows";
import { resolveCloudUris } from "skyfs/mast";

export async function use(url: string): Promise<number> {
  const fs = filesystem("memory");
  await fs.pipe("memory://package/x.fits", writeFits([{}, { data: new Float32Array(4), shape: [2, 2], name: "SCI" }]));
  const entries: FileInfo[] = await fs.ls("memory://package", { detail: true });
  const fits = await openFits("memory://package/x.fits");
  const sci = await fits.imageHdu("SCI");
  const cut: ArrayResult = await sci.section([[0, 1], [0, 2]]);
  const cutout = await cutoutFits(sci, [[0, 1], [0, 1]]);
  const asdf = url.endsWith(".asdf") ? await openAsdf(url) : undefined;
  const array = asdf?.get("data");
  const { results } = await resolveCloudUris([]);
  const error: SkyfsError = new NotFoundError("none");
  return entries.length + cut.shape.length + cutout.fits.length + results.size + (array instanceof NdArray ? 1 : 0) + error.message.length;
}
`;

describe("the npm package", () => {
  let work: string;
  let consumer: string;
  let tarball: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "skyfs-package-"));
    const { stdout } = await run(npm, ["pack", "--json", "--pack-destination", work], { cwd: ROOT, maxBuffer: 64 << 20 });
    const [packed] = JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    tarball = join(work, packed?.filename as string);
    consumer = join(work, "consumer");
    await run("mkdir", [consumer]);
    await writeFile(join(consumer, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true }));
    await run(npm, ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", tarball], {
      cwd: consumer,
      maxBuffer: 64 << 20,
    });
  });

  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it("ships the build, the license and the docs, and source maps that carry their sources", async () => {
    const { stdout } = await run("tar", ["-tzf", tarball], { maxBuffer: 64 << 20 });
    const files = stdout.split("\n").filter(Boolean);
    expect(files).toContain("package/LICENSE");
    expect(files).toContain("package/README.md");
    expect(files).toContain("package/dist/index.js");
    expect(files).toContain("package/dist/cli/main.js");
    expect(files.filter((file) => file.startsWith("package/src/"))).toEqual([]);
    const installed = join(consumer, "node_modules", "skyfs");
    expect(await readFile(join(installed, "LICENSE"), "utf8")).toMatch(/BSD 3-Clause License[\s\S]*the skyfs authors/);
    const maps = files.filter((file) => file.endsWith(".map"));
    for (const map of maps) {
      const parsed = JSON.parse(await readFile(join(installed, map.slice("package/".length)), "utf8")) as {
        sources: string[];
        sourcesContent?: Array<string | null>;
      };
      expect(parsed.sourcesContent?.length, map).toBe(parsed.sources.length);
      expect(
        parsed.sourcesContent?.every((content) => typeof content === "string" && content.length > 0),
        map,
      ).toBe(true);
    }
    const manifest = JSON.parse(await readFile(join(installed, "package.json"), "utf8")) as { scripts?: Record<string, string> };
    expect(Object.keys(manifest.scripts ?? {})).not.toContain("prepare");
  });

  it("imports every entry point from an .mjs file", async () => {
    const lines = names.map((name, i) => `import * as entry${i} from "${name}";`);
    lines.push(`console.log(JSON.stringify([${names.map((_, i) => `Object.keys(entry${i}).length`).join(", ")}]));`);
    await writeFile(join(consumer, "imports.mjs"), `${lines.join("\n")}\n`);
    const { stdout } = await run(process.execPath, ["imports.mjs"], { cwd: consumer });
    const counts = JSON.parse(stdout) as number[];
    expect(counts).toHaveLength(names.length);
    for (const count of counts) expect(count).toBeGreaterThan(0);
  });

  it("runs the skyfs command from node_modules/.bin", async () => {
    const { stdout } = await run(join(consumer, "node_modules", ".bin", "skyfs"), ["cat", join(consumer, "package.json")], {
      cwd: consumer,
    });
    expect(JSON.parse(stdout)).toMatchObject({ name: "consumer" });
    const help = await run(join(consumer, "node_modules", ".bin", "skyfs"), ["--help"], { cwd: consumer });
    expect(help.stdout).toMatch(/^Usage: skyfs/);
    expect(help.stderr).toBe("");
  });

  it("bundles every entry point for a web page through the exports' browser condition, with no configuration", async () => {
    const { build } = await import("esbuild");
    const lines = names.map((name, i) => `import * as entry${i} from "${name}";`);
    lines.push(`console.log(${names.map((_, i) => `entry${i}`).join(", ")});`);
    await writeFile(join(consumer, "page.mjs"), `${lines.join("\n")}\n`);
    const result = await build({
      entryPoints: [join(consumer, "page.mjs")],
      absWorkingDir: consumer,
      bundle: true,
      splitting: true,
      format: "esm",
      platform: "browser",
      outdir: join(consumer, "page"),
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    expect(result.errors).toEqual([]);
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((input) => input.includes("node_modules/skyfs/dist/browser/"))).toBe(true);
    expect(inputs.filter((input) => /node_modules\/skyfs\/dist\/(platform\/node|index\.js|backends\/file)/.test(input))).toEqual([]);
  });

  // Declaration files are checked in full once (node16); the bundler check is about resolution.
  it.concurrent.each([
    ["node16", { module: "node16", moduleResolution: "node16", skipLibCheck: false }],
    ["bundler", { module: "esnext", moduleResolution: "bundler", skipLibCheck: true }],
  ])("type-checks a TypeScript file using the entry points with moduleResolution %s", async (resolution, modules) => {
    const folder = join(consumer, resolution);
    await run("mkdir", ["-p", folder]);
    // A .mts file is an ES module under node16 whatever the nearest package.json says.
    await writeFile(join(folder, "use.mts"), USAGE);
    await writeFile(
      join(folder, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          ...modules,
          target: "es2022",
          strict: true,
          noEmit: true,
          types: ["node"],
          typeRoots: [join(ROOT, "node_modules", "@types")],
        },
        files: ["use.mts"],
      }),
    );
    const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
    const result = await run(process.execPath, [tsc, "-p", folder], { cwd: folder }).catch((error: { stdout: string }) => error);
    expect(result.stdout).toBe("");
  });
});
