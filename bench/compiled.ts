/**
 * The benchmark's Node children and its server process run as the package ships: the checkout's
 * `src` and `bench`, compiled by tsc into plain JavaScript, started with `node` alone. Run through a TypeScript
 * loader instead, skyfs's own code is what pays for it (the loader's transform adds work to its
 * functions; 200 random reads took about 15% longer), while the peers run their published
 * builds; docs/performance.md has the figures.
 */
import { execFile } from "node:child_process";
import { mkdir, rm, stat, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const builds = new Map<string, Promise<string>>();

/** The checkout this benchmark belongs to (its root folder). */
export const benchCheckout = join(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * The compiled form of `script`, a `.ts` file of `checkout` (`bench/skyfs-child.ts`, say). The
 * checkout's `src` and `bench` are compiled once per benchmark run, into its
 * `node_modules/.cache/skyfs-bench`, where the compiled files find the checkout's packages. Type
 * errors do not stop it (an older checkout may have some); a compilation that leaves no child
 * script does.
 */
export async function compiledScript(checkout: string, script: string): Promise<string> {
  let build = builds.get(checkout);
  if (!build) {
    build = compile(checkout);
    builds.set(checkout, build);
  }
  return join(await build, script.replace(/\.ts$/, ".js"));
}

async function compile(checkout: string): Promise<string> {
  const folder = join(checkout, "node_modules", ".cache", "skyfs-bench");
  const out = join(folder, "out");
  await rm(out, { recursive: true, force: true });
  await mkdir(folder, { recursive: true });
  const config = join(folder, "tsconfig.json");
  await writeFile(
    config,
    JSON.stringify({
      extends: join(checkout, "tsconfig.json"),
      compilerOptions: { rootDir: checkout, outDir: out, declaration: false, sourceMap: false, noEmitOnError: false, incremental: false },
      include: [join(checkout, "src"), join(checkout, "bench")],
    }),
  );
  const failure = await run(process.execPath, [tsc, "-p", config], { maxBuffer: 16 * 1024 * 1024 }).then(
    () => undefined,
    (error: Error & { stdout?: string }) => error,
  );
  const child = join(out, "bench", "skyfs-child.js");
  if (!(await stat(child).catch(() => undefined)))
    throw new Error(`compiling ${checkout} left no ${child}: ${failure?.stdout?.slice(0, 2000) ?? failure?.message}`);
  // Node looks no further up than node_modules for the package.json that makes .js files modules.
  await writeFile(join(out, "package.json"), JSON.stringify({ type: "module" }));
  return out;
}
