/**
 * The entry points are the boundary: the workflows, the CLI and `mast:` sit on top of skyfs and
 * import it the way a user does, through the package's entry points (`skyfs`, `skyfs/fits`,
 * `skyfs/asdf`, ...) or the portable surfaces those entry points export (`src/api`), never a
 * module of the core, a backend or a format directly. The entry points themselves
 * (`skyfs/workflows`) are where the boundary is drawn.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { entryPoints, ROOT } from "../docs/code-blocks.js";

const TOP_LAYERS = ["src/workflows", "src/cli"];

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** The relative module specifiers a file imports or re-exports (static and dynamic). */
function relativeImports(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)["'](\.{1,2}\/[^"']+)["']/g)) found.push(match[1] as string);
  return found;
}

describe("the entry points are the boundary", () => {
  const surfaces = readdirSync(resolve(ROOT, "src/api")).map((name) => resolve(ROOT, "src/api", name));
  const entries = new Set([...entryPoints().values(), ...surfaces].map((path) => resolve(path)));

  it("finds the import statements it checks", () => {
    expect(relativeImports(`import { a } from "../index.js";\nexport * from "./b.js";\nawait import("../../c.js");`)).toEqual([
      "../index.js",
      "./b.js",
      "../../c.js",
    ]);
  });

  for (const layer of TOP_LAYERS) {
    it(`${layer} imports only its own modules and the entry points`, () => {
      const root = resolve(ROOT, layer);
      const deep: string[] = [];
      for (const file of sourceFiles(root).filter((path) => !entries.has(path))) {
        for (const specifier of relativeImports(readFileSync(file, "utf8"))) {
          const target = resolve(dirname(file), specifier.replace(/\.js$/, ".ts"));
          const inside = !relative(root, target).startsWith("..");
          if (!inside && !entries.has(target)) deep.push(`${relative(ROOT, file)} -> ${specifier}`);
        }
      }
      expect(deep).toEqual([]);
    });
  }
});
