import { describe, expect, it } from "vitest";
import { AsdfFile, type NdArray } from "../../src/asdf.js";
import { BytesSource, FormatError } from "../../src/index.js";
import { TREE_START, writeAsdf } from "./asdf-writer.js";

function open(yaml: string, options = {}): Promise<AsdfFile> {
  return AsdfFile.open(new BytesSource(writeAsdf(yaml), "memory://asdf/bomb.asdf"), options);
}

/** A "billion laughs" tree: nine levels, each nine aliases of the level below (9^9 leaves). */
function laughs(inline: boolean): string {
  let text = `${TREE_START}a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n`;
  let previous = "a";
  for (const name of "bcdefghi") {
    text += `${name}: &${name} [${Array(9).fill(`*${previous}`).join(", ")}]\n`;
    previous = name;
  }
  if (inline) text += `arr: !core/ndarray-1.0.0 {data: *i, datatype: [ascii, 3]}\n`;
  return `${text}...\n`;
}

describe("YAML aliases and bombs", () => {
  it("refuses a billion-laughs tree with a FormatError before anything walks it", async () => {
    for (const inline of [false, true]) {
      const yaml = laughs(inline);
      expect(yaml.length).toBeLessThan(800);
      const error = await open(yaml).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(FormatError);
      expect((error as Error).message).toMatch(/aliases expand to more than 1000000 nodes/);
    }
  });

  it("lets a small expansion through, with aliases as shared values", async () => {
    const af = await open(`${TREE_START}base: &b {x: 1, y: [1, 2]}\nlist: [*b, *b]\n...\n`);
    const list = af.get("list") as unknown[];
    expect(list).toEqual([
      { x: 1, y: [1, 2] },
      { x: 1, y: [1, 2] },
    ]);
    expect(list[0]).toBe(af.get("base"));
    expect(JSON.stringify(af.toJSON())).toContain('"list":[{"x":1,"y":[1,2]},{"x":1,"y":[1,2]}]');
  });

  it("counts aliases: 20,000 of them are refused by default and resolved in one pass when allowed", async () => {
    const yaml = `${TREE_START}b: &b [1, 2]\nlist:\n${"  - *b\n".repeat(20_000)}...\n`;
    await expect(open(yaml)).rejects.toThrow(/more than 10000 aliases/);
    const af = await open(yaml, { maxYamlAliases: 20_000 });
    const list = af.get("list") as unknown[];
    expect(list).toHaveLength(20_000);
    expect(list[19_999]).toEqual([1, 2]);
    expect(af.info({ maxRows: 10 }).split("\n")).toHaveLength(11);
  });

  it("refuses a cyclic alias with a FormatError, not a stack overflow", async () => {
    for (const cyclic of ["x: &a [1, *a]", "x: &a {self: *a}", "x: &a [1, [2, {deep: *a}]]"]) {
      const error = await open(`${TREE_START}${cyclic}\n...\n`).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(FormatError);
      expect((error as Error).message).toMatch(/cycle/);
    }
  });

  it("refuses an alias to an anchor that comes later or does not exist", async () => {
    await expect(open(`${TREE_START}x: *nowhere\n...\n`)).rejects.toBeInstanceOf(FormatError);
  });

  it("refuses trees nested deeper than the walkers can follow", async () => {
    const deep = `${TREE_START}x: ${"[".repeat(5000)}${"]".repeat(5000)}\n...\n`;
    await expect(open(deep)).rejects.toBeInstanceOf(FormatError);
  });

  it("reads an inline array through an alias within the limits", async () => {
    const af = await open(`${TREE_START}v: &v [1, 2, 3]\narr: !core/ndarray-1.0.0 {data: *v, datatype: int32}\n...\n`);
    expect(Array.from((await (af.get("arr") as NdArray).read()).data as Int32Array)).toEqual([1, 2, 3]);
  });
});
