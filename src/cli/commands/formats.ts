/**
 * The format commands: info (FITS and ASDF), header, cutout, preview (FITS images and ASDF arrays).
 * @module
 */
import { writeFile } from "node:fs/promises";
import type { Command } from "commander";
import { AsdfFile } from "../../asdf.js";
import { type AnyHdu, type AxisRange, type FitsFile, type ImageHdu, openFitsSource } from "../../fits.js";
import { InvalidArgumentError, localFileError, NotFoundError } from "../../index.js";
import { cutoutFits, imagePlane, renderPreview } from "../../workflows/index.js";
import type { CliContext } from "../context.js";
import { integerOption, percentileOption } from "../options.js";
import { asdfImage, writeAsdfCutout } from "./asdf-arrays.js";
import { runSkyCutout, type SkyCutoutCommandOptions } from "./sky-cutout.js";

type Run = (action: (context: CliContext) => Promise<void>) => Promise<void>;

/**
 * Parses `--section "y0:y1,x0:x1"` (numpy axis order, Python slice bounds: end exclusive, an
 * empty side means the axis end, a negative bound counts from the end).
 */
export function parseSection(text: string): AxisRange[] {
  return text.split(",").map((part) => {
    const match = /^\s*(-?\d*)\s*:\s*(-?\d*)\s*$/.exec(part);
    if (!match || match[1] === "-" || match[2] === "-")
      throw new InvalidArgumentError(
        `--section takes START:END per axis, comma separated (numpy order, negative counts from the end), got ${JSON.stringify(text)}`,
      );
    return [match[1] === "" ? 0 : Number(match[1]), match[2] === "" ? Number.MAX_SAFE_INTEGER : Number(match[2])] as const;
  });
}

/** Parses `--hdu`: an index (`1`), an EXTNAME (`SCI`), or EXTNAME and EXTVER (`SCI,2`, as astropy's `hdul["SCI", 2]`). */
export function parseHduSelector(text: string): { index: number } | { name: string; ver?: number } {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return { index: Number(trimmed) };
  const match = /^(.+?)\s*,\s*(\d+)$/.exec(trimmed);
  if (match) return { name: match[1] as string, ver: Number(match[2]) };
  if (trimmed === "") throw new InvalidArgumentError("--hdu takes an index, an EXTNAME, or EXTNAME,EXTVER");
  return { name: trimmed };
}

/** The HDU `--hdu` names. */
function selectHdu(file: FitsFile, which: string): Promise<AnyHdu> {
  const selector = parseHduSelector(which);
  return "index" in selector ? file.hdu(selector.index) : file.hdu(selector.name, selector.ver);
}

/** Opens a FITS or ASDF file (told apart by its first bytes, which the open request brings). */
async function openDocument(
  context: CliContext,
  url: string,
): Promise<{ kind: "asdf"; file: AsdfFile } | { kind: "fits"; file: FitsFile }> {
  const { fs, path } = context.resolve(url);
  const source = await fs.open(path, { compression: context.compression("infer") });
  const head = Buffer.from(await source.read(0, 6)).toString("latin1");
  if (head === "#ASDF ") {
    return { kind: "asdf", file: await AsdfFile.open(source, { resolveExternal: (target) => context.resolve(target).fs.open(target) }) };
  }
  return { kind: "fits", file: openFitsSource(source) };
}

/** Opens a FITS file through the command's context (so its requests are counted); an ASDF file is refused by name. */
export async function openFitsFile(context: CliContext, url: string): Promise<FitsFile> {
  const { fs, path } = context.resolve(url);
  const source = await fs.open(path, { compression: context.compression("infer") });
  if (source.size >= 6 && Buffer.from(await source.read(0, 6)).toString("latin1") === "#ASDF ")
    throw new InvalidArgumentError("this is an ASDF file: this command reads FITS files (info and preview read both)", { url });
  return openFitsSource(source);
}

/** The HDU named by `--hdu` (an index or an EXTNAME), or the first HDU holding an image. */
export async function chooseImageHdu(file: FitsFile, which: string | undefined): Promise<ImageHdu | AnyHdu> {
  if (which !== undefined) return selectHdu(file, which);
  for (const hdu of await file.hdus()) {
    if ("section" in hdu && hdu.type !== "BinTableHDU" && (hdu as ImageHdu).shape.length >= 2) return hdu;
  }
  throw new NotFoundError("the file has no image HDU with at least two axes", { url: file.source.url });
}

/** Writes an output file; a local disk error is a skyfs error naming the file. */
async function writeLocal(path: string, bytes: Uint8Array): Promise<void> {
  await writeFile(path, bytes).catch((error: unknown) => Promise.reject(localFileError(error, path)));
}

/** A value with 6 significant digits, for people (`1234.57`, not `1234.5678901234567`). */
function roundForDisplay(value: number): string {
  return String(Number(value.toPrecision(6)));
}

function imageOf(hdu: AnyHdu): ImageHdu {
  if (!("section" in hdu) || !("shape" in hdu) || hdu.type === "BinTableHDU" || hdu.type === "TableHDU")
    throw new InvalidArgumentError(`HDU ${hdu.index} (${hdu.type}) is not an image`);
  return hdu as ImageHdu;
}

/** Adds the format commands to the program. */
export function addFormatCommands(program: Command, run: Run): void {
  program
    .command("info")
    .description("the HDUs of a FITS file (like astropy's info()) or the tree of an ASDF file (like asdf info), reading headers only")
    .argument("<url>")
    .option("--max-rows <n>", "ASDF: lines of the tree to print", integerOption("--max-rows", 1), 200)
    .action((url: string, options: { maxRows: number }) =>
      run(async (context) => {
        const document = await openDocument(context, url);
        if (document.kind === "asdf") {
          if (context.options.json) context.printJson(document.file.toJSON());
          else context.print(document.file.info({ maxRows: options.maxRows }));
          return;
        }
        const file = document.file;
        if (!context.options.json) {
          context.print(await file.info());
          return;
        }
        const hdus = await file.hdus();
        context.printJson(
          hdus.map((hdu) => ({
            ...hdu.layout,
            name: hdu.name,
            ver: hdu.ver,
            type: hdu.type,
            cards: hdu.header.cards.length,
            shape: "shape" in hdu ? (hdu as ImageHdu).shape : undefined,
          })),
        );
      }),
    );

  program
    .command("header")
    .description("print the header of one HDU, or of all, like fitsheader")
    .argument("<url>")
    .option("--hdu <n|name[,ver]>", "one HDU, by index, EXTNAME, or EXTNAME,EXTVER (default: all)")
    .option("-k, --keyword <name>", "only this keyword (repeat -k for more)", (value: string, previous: string[] = []) => [
      ...previous,
      value,
    ])
    .action((url: string, options: { hdu?: string; keyword?: string[] }) =>
      run(async (context) => {
        const file = await openFitsFile(context, url);
        const hdus = options.hdu === undefined ? await file.hdus() : [await selectHdu(file, options.hdu)];
        const wanted = options.keyword?.map((keyword) => keyword.toUpperCase());
        if (context.options.json) {
          context.printJson(
            hdus.map((hdu) => ({
              index: hdu.index,
              name: hdu.name,
              cards: hdu.header.cards.filter((card) => !wanted || wanted.includes(card.keyword)),
            })),
          );
          return;
        }
        for (const hdu of hdus) {
          context.print(`# HDU ${hdu.index} in ${url}:`);
          const text = hdu.header.toString();
          for (let at = 0; at < text.length; at += 80) {
            const card = text.slice(at, at + 80).trimEnd();
            if (card === "END") break;
            const keyword = card.slice(0, 8).trim();
            if (!wanted || wanted.includes(keyword)) context.print(card);
          }
        }
      }),
    );

  program
    .command("cutout")
    .description(
      "write a section of an image HDU to a new FITS file (header kept, CRPIX shifted), by pixels or around a sky position, or of an ASDF array to a new ASDF file (meta kept, origin recorded)",
    )
    .argument("<url>")
    .option("--section <y0:y1,x0:x1>", "the section, numpy axis order (slowest axis first), end exclusive")
    .requiredOption("-o, --output <file>", "the FITS file to write")
    .option("--hdu <n|name[,ver]>", "the image HDU: index, EXTNAME or EXTNAME,EXTVER (default: the first with two axes or more)")
    .option("--ra <deg>", "cut around this right ascension (degrees; no names are resolved)")
    .option("--dec <deg>", "cut around this declination (degrees)")
    .option("--size <side|WxH>", "sky cutout size: pixels or with a unit (px, arcsec, arcmin, deg), e.g. 30arcsec or 40x20")
    .option("--frame <icrs|fk5|wcs>", "frame of --ra/--dec (default icrs; wcs: the header's own)")
    .option("--mode <partial|trim|strict>", "sky cutout off the image edge: fill (partial, default), trim, or refuse (strict)")
    .option("--wcs-key <letter>", "the alternate WCS to place the position with")
    .option("--cube", "the URL is a TESS cube: write a target pixel file of every frame")
    .option("--array <path>", "ASDF: the array's path in the tree, e.g. roman/data (default: the first with two axes or more)")
    .action((url: string, options: SkyCutoutCommandOptions & { section?: string; output: string; hdu?: string; array?: string }) =>
      run(async (context) => {
        if (options.ra !== undefined || options.dec !== undefined || options.cube) {
          await runSkyCutout(context, url, options, async () =>
            imageOf(await chooseImageHdu(await openFitsFile(context, url), options.hdu)),
          );
          return;
        }
        if (options.section === undefined) throw new InvalidArgumentError("cutout needs --section, or --ra, --dec and --size");
        const section = parseSection(options.section);
        const document = await openDocument(context, url);
        if (document.kind === "asdf") {
          await writeAsdfCutout(context, document.file, { ...options, section });
          return;
        }
        const file = document.file;
        const hdu = imageOf(await chooseImageHdu(file, options.hdu));
        const primaryHeader = hdu.index > 0 ? (await file.hdu(0)).header : undefined;
        const cutout = await cutoutFits(hdu, section, { primaryHeader, origin: { url, hdu: hdu.index } });
        await writeLocal(options.output, cutout.fits);
        if (context.options.json) context.printJson({ output: options.output, shape: cutout.shape, bounds: cutout.bounds });
        else
          context.print(
            `${options.output}: HDU ${hdu.index}, section ${cutout.bounds.map(([a, b]) => `${a}:${b}`).join(",")}, shape (${cutout.shape.join(", ")})`,
          );
      }),
    );

  program
    .command("preview")
    .description("a PNG quick look of a FITS image HDU or an ASDF array, with a percentile stretch")
    .argument("<url>")
    .requiredOption("-o, --output <file>", "the PNG file to write")
    .option("--hdu <n|name[,ver]>", "FITS: the image HDU: index, EXTNAME or EXTNAME,EXTVER (default: the first with two axes or more)")
    .option("--array <path>", "ASDF: the array's path in the tree (default: the first with two axes or more)")
    .option("--section <y0:y1,x0:x1>", "preview only this section of the plane (rows, columns; negative counts from the end)")
    .option("--plane <n>", "which plane of a cube (default 0, the first; see docs/cli.md)", integerOption("--plane", 0), 0)
    .option("--low <pct>", "percentile shown black", percentileOption("--low"), 1)
    .option("--high <pct>", "percentile shown white", percentileOption("--high"), 99)
    .option("--max-size <px>", "longest side of the PNG", integerOption("--max-size", 1), 1024)
    .action(
      (
        url: string,
        options: {
          output: string;
          hdu?: string;
          array?: string;
          section?: string;
          plane: number;
          low: number;
          high: number;
          maxSize: number;
        },
      ) =>
        run(async (context) => {
          const document = await openDocument(context, url);
          const hdu =
            document.kind === "asdf"
              ? await asdfImage(document.file, options.array)
              : imageOf(await chooseImageHdu(document.file, options.hdu));
          const plane = imagePlane(hdu.shape, options.plane, options.section ? parseSection(options.section) : undefined);
          const array = await hdu.section(plane.ranges);
          const preview = renderPreview(array.data, plane.shape, {
            lowPercentile: options.low,
            highPercentile: options.high,
            maxSize: options.maxSize,
          });
          await writeLocal(options.output, preview.png);
          const summary = { output: options.output, width: preview.width, height: preview.height, low: preview.low, high: preview.high };
          if (context.options.json) context.printJson(summary);
          else
            context.print(
              `${options.output}: ${preview.width}x${preview.height}${plane.planes > 1 ? `, plane ${options.plane} of ${plane.planes}` : ""}, stretch ${roundForDisplay(preview.low)} .. ${roundForDisplay(preview.high)}`,
            );
        }),
    );
}
