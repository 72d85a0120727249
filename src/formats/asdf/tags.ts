/**
 * The ASDF tags skyfs understands as values: units and quantities, times and external arrays.
 * Each keeps its tag and the raw tagged node, so nothing of the file is hidden; any other tag
 * stays a {@link TaggedValue}.
 * @module
 */

const ASDF = "tag:stsci.edu:asdf/";

/** A value under a tag skyfs does not interpret. */
export class TaggedValue {
  constructor(
    /** The full tag (`tag:stsci.edu:asdf/...`, `asdf://...`). */
    readonly tag: string,
    /** The tagged mapping, sequence or scalar. */
    readonly value: unknown,
  ) {}
}

/** The base of every tag skyfs turns into a value: the tag and the raw node stay visible. */
export abstract class KnownTag {
  constructor(
    /** The full tag. */
    readonly tag: string,
    /** The tagged node as written (a mapping or a scalar). */
    readonly node: unknown,
  ) {}

  /** The short name `asdf info` shows (`Quantity`, `Time`, ...). */
  abstract get typeName(): string;

  /** A one-line rendering of the value (`12.5 s`, `2026-01-01T00:00:00`). */
  abstract describe(): string;
}

/** `unit/unit` (and astropy's unit tag): a unit string such as `DN / s`. */
export class Unit extends KnownTag {
  /** The unit in the string syntax of the file (the VOUnit or astropy syntax). */
  readonly unit: string;

  constructor(tag: string, node: unknown) {
    super(tag, node);
    this.unit = String(node ?? "");
  }

  /** A `unit/unit-1.0.0` for writing. */
  static of(unit: string): Unit {
    return new Unit(`${ASDF}unit/unit-1.0.0`, unit);
  }

  get typeName(): string {
    return "Unit";
  }

  describe(): string {
    return this.unit;
  }

  /** The unit string. */
  override toString(): string {
    return this.unit;
  }
}

/**
 * `unit/quantity`: a value with a unit. The value is a number, a complex number, or an
 * ndarray (read it like any other array).
 */
export class Quantity extends KnownTag {
  /** The number, `{re, im}`, or NdArray the quantity holds. */
  readonly value: unknown;
  /** The unit string (`""` for a dimensionless quantity). */
  readonly unit: string;
  /** The datatype the file declares for a scalar value, when it declares one. */
  readonly datatype: string | undefined;

  constructor(tag: string, node: unknown) {
    super(tag, node);
    const fields = asMapping(node);
    this.value = fields ? fields.value : node;
    const unit = fields?.unit;
    this.unit = unit instanceof Unit ? unit.unit : unit === undefined || unit === null ? "" : String(unit);
    this.datatype = typeof fields?.datatype === "string" ? fields.datatype : undefined;
  }

  /** A `unit/quantity-1.1.0` for writing: a number or an array (as `writeAsdf` takes them) and a unit string. */
  static of(value: unknown, unit: string): Quantity {
    return new Quantity(`${ASDF}unit/quantity-1.1.0`, { value, unit: Unit.of(unit) });
  }

  get typeName(): string {
    return "Quantity";
  }

  describe(): string {
    const value = this.value;
    const complex = value as { re?: unknown; im?: unknown } | null;
    const shown =
      typeof value === "number" || typeof value === "bigint" || typeof value === "string"
        ? String(value)
        : complex !== null && typeof complex === "object" && "re" in complex
          ? `(${String(complex.re)}+${String(complex.im)}j)`
          : "array";
    return this.unit === "" ? shown : `${shown} ${this.unit}`;
  }
}

/**
 * `time/time`: an instant as astropy writes it. The short form is a string (ISO 8601, or
 * `B1950.0`/`J2000.0` epochs) in UTC; the long form gives `value`, `format` and `scale`.
 */
export class AsdfTime extends KnownTag {
  /** The value as written: a string, a number, or an NdArray of times. */
  readonly value: unknown;
  /** The astropy format (`isot`, `iso`, `mjd`, `jd`, `unix`, `byear_str`, ...), given or inferred from a string. */
  readonly format: string | undefined;
  /** The time scale (`utc` when the file does not say). */
  readonly scale: string;
  /** The observatory location, when given (raw node). */
  readonly location: unknown;

  constructor(tag: string, node: unknown) {
    super(tag, node);
    const fields = asMapping(node);
    this.value = fields ? fields.value : node;
    this.format = typeof fields?.format === "string" ? fields.format : inferTimeFormat(this.value);
    this.scale = typeof fields?.scale === "string" ? fields.scale : "utc";
    this.location = fields?.location;
  }

  /** A `time/time-1.1.0` for writing: an ISO string alone (UTC), or a value with its format and scale. */
  static of(value: unknown, options: { format?: string; scale?: string } = {}): AsdfTime {
    const tag = `${ASDF}time/time-1.1.0`;
    if (typeof value === "string" && options.format === undefined && options.scale === undefined) return new AsdfTime(tag, value);
    return new AsdfTime(tag, { value, format: options.format, scale: options.scale ?? "utc" });
  }

  get typeName(): string {
    return "Time";
  }

  describe(): string {
    return typeof this.value === "object" && this.value !== null ? `array (${this.scale})` : String(this.value);
  }
}

/** `core/externalarray`: an array kept outside ASDF (a FITS HDU, say), by URI and target. */
export class ExternalArray extends KnownTag {
  /** The URI of the file that holds the array. */
  readonly source: string;
  /** Which array of that file (an HDU index, a name). */
  readonly target: unknown;
  /** The declared datatype. */
  readonly datatype: unknown;
  /** The declared shape. */
  readonly shape: number[];

  constructor(tag: string, node: unknown) {
    super(tag, node);
    const fields = asMapping(node) ?? {};
    this.source = String(fields.source ?? "");
    this.target = fields.target;
    this.datatype = fields.datatype;
    this.shape = Array.isArray(fields.shape) ? fields.shape.map(Number) : [];
  }

  get typeName(): string {
    return "ExternalArray";
  }

  describe(): string {
    return `${this.source} [${String(this.target)}] shape=(${this.shape.join(", ")})`;
  }
}

const UNIT = /^(tag:stsci\.edu:asdf\/unit\/unit-|tag:astropy\.org:astropy\/units\/unit-)/;
const QUANTITY = /^(tag:stsci\.edu:asdf\/unit\/quantity-|tag:astropy\.org:astropy\/units\/quantity-)/;
const TIME = /^tag:stsci\.edu:asdf\/time\/time-/;
const EXTERNAL_ARRAY = /^tag:stsci\.edu:asdf\/core\/externalarray-/;

/** The value of a tagged node: a {@link KnownTag} for the tags listed above, else a {@link TaggedValue}. */
export function tagValue(tag: string, node: unknown): KnownTag | TaggedValue {
  if (UNIT.test(tag)) return new Unit(tag, node);
  if (QUANTITY.test(tag)) return new Quantity(tag, node);
  if (TIME.test(tag)) return new AsdfTime(tag, node);
  if (EXTERNAL_ARRAY.test(tag)) return new ExternalArray(tag, node);
  return new TaggedValue(tag, node);
}

function asMapping(node: unknown): Record<string, unknown> | undefined {
  return node !== null && typeof node === "object" && !Array.isArray(node) && Object.getPrototypeOf(node) === Object.prototype
    ? (node as Record<string, unknown>)
    : undefined;
}

function inferTimeFormat(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  if (/^[+-]?\d{4,}-\d\d-\d\dT/.test(value)) return "isot";
  if (/^[+-]?\d{4,}-\d\d-\d\d( |$)/.test(value)) return "iso";
  if (/^\d{4}:\d{3}/.test(value)) return "yday";
  if (/^B\d/.test(value)) return "byear_str";
  if (/^J\d/.test(value)) return "jyear_str";
  return undefined;
}
