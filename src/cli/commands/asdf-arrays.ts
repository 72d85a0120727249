/**
 * The ASDF side of the `cutout` and `preview` commands: arrays named by their tree path
 * (`--array roman/data`, a quantity's array included), read by sections.
 * @module
 */
import { writeFile } from "node:fs/promises";
import { type AsdfFile, NdArray } from "../../asdf.js";
import type { AxisRange, ImageHdu } from "../../fits.js";
import { NotFoundError } from "../../index.js";
import { cutoutAsdf } from "../../workflows/index.js";
import type { CliContext } from "../context.js";

/** The array at `path`, or the first numeric array with two axes or more. */
export async function chooseAsdfArray(file: AsdfFile, path: string | undefined): Promise<{ path: string; array: NdArray }> {
  if (path !== undefined) return { path, array: file.array(path) };
  for (const candidate of file.arrays()) {
    const array = file.get(candidate);
    if (!(array instanceof NdArray)) continue;
    try {
      if (array.datatype.kind === "numeric" && (await array.resolveShape()).length >= 2) return { path: candidate, array };
    } catch {
      // an array that cannot be described is not a candidate
    }
  }
  throw new NotFoundError("the file has no numeric array with at least two axes", { url: file.url });
}

/** An ASDF array presented like an image HDU (shape, section), for previews: sections read only their bytes. */
export async function asdfImage(file: AsdfFile, path: string | undefined): Promise<Pick<ImageHdu, "shape" | "section">> {
  const { array } = await chooseAsdfArray(file, path);
  const shape = await array.resolveShape();
  return {
    shape,
    section: async (ranges: readonly AxisRange[]) => {
      const read = await array.section(ranges);
      const data = Float64Array.from(read.data as ArrayLike<number | bigint>, Number);
      return { data, shape: read.shape, dtype: "float64" };
    },
  };
}

/** `skyfs cutout` of an ASDF array: writes an ASDF file keeping `meta` and recording the origin. */
export async function writeAsdfCutout(
  context: CliContext,
  file: AsdfFile,
  options: { section: readonly AxisRange[]; output: string; array?: string },
): Promise<void> {
  const { path, array } = await chooseAsdfArray(file, options.array);
  const shape = await array.resolveShape();
  const leading = shape.slice(0, Math.max(0, shape.length - options.section.length)).map((): AxisRange => [0, 1]);
  const section =
    shape.length > options.section.length && options.section.length === 2 ? [...leading, ...options.section] : options.section;
  const cutout = await cutoutAsdf(file, path, section);
  await writeFile(options.output, cutout.asdf);
  if (context.options.json) context.printJson({ output: options.output, array: path, shape: cutout.shape, bounds: cutout.bounds });
  else
    context.print(
      `${options.output}: ${path}, section ${cutout.bounds.map(([a, b]) => `${a}:${b}`).join(",")}, shape (${cutout.shape.join(", ")})`,
    );
}
