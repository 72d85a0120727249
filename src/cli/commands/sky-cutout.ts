/**
 * `skyfs cutout URL --ra --dec --size`: cutouts by sky position of an image HDU, or with
 * `--cube` of a TESS cube written as a target pixel file. Positions are coordinates only: no
 * name is resolved, so the command works offline.
 * @module
 */
import { writeFile } from "node:fs/promises";
import type { PositionFrame } from "../../fits.js";
import { InvalidArgumentError } from "../../index.js";
import type { SideInput } from "../../workflows/index.js";
import { cutoutAt, type SkyCutoutSource, tessCutout } from "../../workflows/index.js";
import type { CliContext } from "../context.js";

/** The options of a sky cutout. */
export interface SkyCutoutCommandOptions {
  /** Right ascension, degrees. */
  ra?: string;
  /** Declination, degrees. */
  dec?: string;
  /** `SIDE` or `WIDTHxHEIGHT`, each a number of pixels or with a unit (px, arcsec, arcmin, deg). */
  size?: string;
  /** Frame of the position: icrs (default), fk5, wcs. */
  frame?: string;
  /** partial (default), trim, strict. */
  mode?: string;
  /** Alternate WCS letter. */
  wcsKey?: string;
  /** The URL is a TESS cube: write a target pixel file. */
  cube?: boolean;
  /** The file to write. */
  output: string;
}

function degrees(name: string, text: string | undefined): number {
  const value = Number(text);
  if (text === undefined || text.trim() === "" || !Number.isFinite(value))
    throw new InvalidArgumentError(`--${name} takes degrees, got ${JSON.stringify(text)}`);
  return value;
}

/** Parses `--size`: `30arcsec`, `25`, or `WIDTHxHEIGHT` such as `40x20` or `1arcminx30arcsec`. */
export function parseSizeOption(text: string | undefined): SideInput | { width: SideInput; height: SideInput } {
  if (text === undefined) throw new InvalidArgumentError("a sky cutout needs --size (e.g. 30arcsec, 25, 40x20)");
  const pair = /^(.+?)x(.+)$/.exec(text.trim());
  if (pair) return { width: pair[1] as string, height: pair[2] as string };
  return text;
}

/** Runs a sky cutout (`openImage` picks the image HDU as the pixel cutout does). */
export async function runSkyCutout(
  context: CliContext,
  url: string,
  options: SkyCutoutCommandOptions,
  openImage: () => Promise<SkyCutoutSource>,
): Promise<void> {
  const frame = options.frame ?? "icrs";
  if (!["icrs", "fk5", "wcs"].includes(frame)) throw new InvalidArgumentError(`--frame is icrs, fk5 or wcs, got ${JSON.stringify(frame)}`);
  const mode = options.mode ?? "partial";
  if (!["partial", "trim", "strict"].includes(mode))
    throw new InvalidArgumentError(`--mode is partial, trim or strict, got ${JSON.stringify(mode)}`);
  const position = { ra: degrees("ra", options.ra), dec: degrees("dec", options.dec), frame: frame as PositionFrame | "wcs" };
  const size = parseSizeOption(options.size);
  if (options.cube) {
    const { fs, path } = context.resolve(url);
    const cutout = await tessCutout(await fs.open(path), position, size);
    await writeFile(options.output, cutout.toFits());
    const summary = { output: options.output, shape: cutout.shape, origin: cutout.origin, position: cutout.position };
    if (context.options.json) context.printJson(summary);
    else
      context.print(
        `${options.output}: ${cutout.shape[0]} frames of ${cutout.shape[2]}x${cutout.shape[1]} pixels from column ${cutout.origin[0]}, row ${cutout.origin[1]}`,
      );
    return;
  }
  const cutout = await cutoutAt(await openImage(), position, size, { mode: mode as "partial" | "trim" | "strict", wcsKey: options.wcsKey });
  await writeFile(options.output, cutout.toFits());
  const summary = { output: options.output, shape: cutout.shape, origin: cutout.origin, position: cutout.position };
  if (context.options.json) context.printJson(summary);
  else
    context.print(
      `${options.output}: shape (${cutout.shape.join(", ")}), origin x=${cutout.origin[0]} y=${cutout.origin[1]}, position x=${cutout.position[0].toFixed(3)} y=${cutout.position[1].toFixed(3)}`,
    );
}
