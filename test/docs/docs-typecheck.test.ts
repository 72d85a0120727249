/**
 * Every TypeScript code block of README.md and docs/*.md type-checks against the sources.
 *
 * The convention for writers of docs: a block fenced as ` ```ts ` (or ` ```typescript `) is a
 * whole module: it imports what it uses from the package's public names (`skyfs`, `skyfs/fits`
 * ...) and may use top-level `await`. A block that is deliberately a fragment (a signature, a
 * shape of an object, lines that continue an earlier block) is fenced ` ```ts nocheck `. Blocks
 * are checked with `strict` on, as a user's project would check them.
 */
import { dirname, join } from "node:path";
import ts from "typescript";
import { beforeAll, describe, expect, it } from "vitest";
import { type CodeBlock, codeBlocks, documents, entryPoints, isFragment, isTypeScript, ROOT } from "./code-blocks.js";

const blocks = documents()
  .flatMap(codeBlocks)
  .filter((block) => isTypeScript(block) && !isFragment(block));

/** Where a block's virtual module lives: beside its document, so that imports resolve as there. */
const fileOf = (block: CodeBlock): string => join(ROOT, dirname(block.document), `${block.document.replaceAll("/", "_")}.${block.line}.ts`);

describe("TypeScript code blocks of the docs", () => {
  const problems = new Map<string, string[]>();

  beforeAll(() => {
    const virtual = new Map(blocks.map((block) => [fileOf(block), `${block.code}\nexport {};\n`]));
    const options: ts.CompilerOptions = {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      lib: ["lib.es2023.d.ts"],
      types: ["node"],
      strict: true,
      skipLibCheck: true,
      noEmit: true,
      baseUrl: ROOT,
      paths: Object.fromEntries([...entryPoints()].map(([name, file]) => [name, [file]])),
    };
    const host = ts.createCompilerHost(options);
    const readFile = host.readFile.bind(host);
    const fileExists = host.fileExists.bind(host);
    const getSourceFile = host.getSourceFile.bind(host);
    host.readFile = (file) => virtual.get(file) ?? readFile(file);
    host.fileExists = (file) => virtual.has(file) || fileExists(file);
    host.getSourceFile = (file, language, ...rest) => {
      const text = virtual.get(file);
      return text === undefined ? getSourceFile(file, language, ...rest) : ts.createSourceFile(file, text, language, true);
    };
    const program = ts.createProgram([...virtual.keys()], options, host);
    // Only the blocks are checked; the sources are checked by the project's own typecheck.
    const diagnostics = [...virtual.keys()].flatMap((file) => {
      const source = program.getSourceFile(file);
      return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
    });
    for (const diagnostic of diagnostics) {
      const file = diagnostic.file?.fileName;
      if (!file || !virtual.has(file)) continue;
      const { line } = diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
      const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
      problems.set(file, [...(problems.get(file) ?? []), `block line ${line + 1}: ${text}`]);
    }
  });

  it("finds the blocks", () => {
    expect(blocks.length).toBeGreaterThan(10);
  });

  it.each(blocks.map((block) => [`${block.document}:${block.line}`, block] as const))("%s type-checks", (_, block) => {
    expect((problems.get(fileOf(block)) ?? []).join("\n")).toBe("");
  });
});
