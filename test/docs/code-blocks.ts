/**
 * The TypeScript code blocks of README.md and docs/*.md, and how the package's public names
 * (`skyfs`, `skyfs/fits` ...) map to the sources, so that the docs can be type-checked and run
 * against the sources without a build.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The project's folder. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** A fenced code block of a document. */
export interface CodeBlock {
  /** The document, relative to the project (`README.md`, `docs/fits.md`). */
  document: string;
  /** Line of the opening fence, from 1. */
  line: number;
  /** The info string after the fence (`ts`, `ts nocheck`). */
  info: string;
  /** The heading the block is under. */
  heading: string;
  /** The code. */
  code: string;
}

/** README.md and every docs/*.md, relative to the project. */
export function documents(): string[] {
  const docs = readdirSync(join(ROOT, "docs"))
    .filter((name) => name.endsWith(".md"))
    .sort()
    .map((name) => `docs/${name}`);
  return ["README.md", ...docs];
}

/** Every fenced block of a document. */
export function codeBlocks(document: string): CodeBlock[] {
  const lines = readFileSync(join(ROOT, document), "utf8").split("\n");
  const blocks: CodeBlock[] = [];
  let heading = "";
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const title = /^#{1,6}\s+(.*)$/.exec(line);
    if (title) heading = (title[1] as string).trim();
    const fence = /^(\s*)(`{3,}|~{3,})(.*)$/.exec(line);
    if (!fence) continue;
    const [, indent, marker, info] = fence as unknown as [string, string, string, string];
    const body: string[] = [];
    let end = i + 1;
    while (end < lines.length && !(lines[end] as string).trimStart().startsWith(marker))
      body.push((lines[end++] as string).slice(indent.length));
    blocks.push({ document, line: i + 1, info: info.trim(), heading, code: body.join("\n") });
    i = end;
  }
  return blocks;
}

/** Whether a block claims to be TypeScript (` ```ts `, ` ```typescript `). */
export function isTypeScript(block: CodeBlock): boolean {
  return /^(ts|typescript)\b/.test(block.info);
}

/** Whether a TypeScript block is marked as a fragment not to be checked (` ```ts nocheck `). */
export function isFragment(block: CodeBlock): boolean {
  return /\bnocheck\b/.test(block.info);
}

/**
 * The package's public import names and the source file behind each, read from package.json's
 * `exports` (`./dist/fits.js` comes from `src/fits.ts`).
 */
export function entryPoints(): Map<string, string> {
  const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
    name: string;
    exports: Record<string, { import: string }>;
  };
  const entries = new Map<string, string>();
  for (const [subpath, target] of Object.entries(manifest.exports)) {
    const name = subpath === "." ? manifest.name : `${manifest.name}/${subpath.slice(2)}`;
    entries.set(name, join(ROOT, target.import.replace(/^\.\/dist\//, "src/").replace(/\.js$/, ".ts")));
  }
  return entries;
}
