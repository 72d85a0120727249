/**
 * ASDF `datatype`s: numeric scalars, fixed-length strings (`ascii`, `ucs4`) and structured
 * records, with their sizes and how their bytes decode to native values.
 * @module
 */

/** A numeric scalar type of the standard. */
export type NumericKind =
  | "int8"
  | "uint8"
  | "int16"
  | "uint16"
  | "int32"
  | "uint32"
  | "int64"
  | "uint64"
  | "float32"
  | "float64"
  | "complex64"
  | "complex128"
  | "bool8";

/** A parsed datatype. */
export type Datatype =
  | { kind: "numeric"; name: NumericKind; itemsize: number; byteorder: "big" | "little" }
  | { kind: "string"; encoding: "ascii" | "ucs4"; length: number; itemsize: number; byteorder: "big" | "little" }
  | { kind: "structured"; fields: Array<{ name: string; type: Datatype; offset: number; shape: number[] }>; itemsize: number };

const SIZES: Record<NumericKind, number> = {
  int8: 1,
  uint8: 1,
  bool8: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
  float32: 4,
  int64: 8,
  uint64: 8,
  float64: 8,
  complex64: 8,
  complex128: 16,
};

/**
 * A short rendering of a tree value for error messages: JSON of plain data (bigints as
 * numbers), other objects by their type only, cut at 120 characters. Never throws.
 */
export function shown(value: unknown): string {
  const text = JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item === "bigint") return Number(item);
    if (item === null || typeof item !== "object" || Array.isArray(item)) return item;
    const prototype = Object.getPrototypeOf(item);
    return prototype === Object.prototype || prototype === null ? item : `<${(item as object).constructor?.name ?? "object"}>`;
  });
  return text === undefined ? String(value) : text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** Parses an ndarray's `datatype` (with the array's `byteorder` as the default order). */
export function parseDatatype(value: unknown, byteorder: "big" | "little" = "little"): Datatype {
  if (typeof value === "string") {
    if (!(value in SIZES)) throw new Error(`unknown datatype ${shown(value)}`);
    return { kind: "numeric", name: value as NumericKind, itemsize: SIZES[value as NumericKind], byteorder };
  }
  if (Array.isArray(value) && value.length === 2 && (value[0] === "ascii" || value[0] === "ucs4") && Number.isInteger(value[1])) {
    const length = value[1] as number;
    if (length < 0) throw new Error(`a string datatype of negative length ${length}`);
    return { kind: "string", encoding: value[0], length, itemsize: value[0] === "ascii" ? length : 4 * length, byteorder };
  }
  if (Array.isArray(value)) {
    let offset = 0;
    const fields = value.map((field, i) => {
      if (typeof field !== "object" || field === null || !("datatype" in field)) throw new Error(`structured field ${i} has no datatype`);
      const spec = field as { name?: unknown; datatype: unknown; byteorder?: unknown; shape?: unknown };
      const order = spec.byteorder === "big" || spec.byteorder === "little" ? spec.byteorder : byteorder;
      const type = parseDatatype(spec.datatype, order);
      const shape = Array.isArray(spec.shape) ? (spec.shape as number[]) : [];
      const count = shape.reduce((product, length) => product * length, 1);
      const entry = { name: typeof spec.name === "string" ? spec.name : `f${i}`, type, offset, shape };
      offset += type.itemsize * count;
      return entry;
    });
    return { kind: "structured", fields, itemsize: offset };
  }
  throw new Error(`unknown datatype ${shown(value)}`);
}

/** numpy's name of a datatype (`structured` and `string` for those kinds). */
export function dtypeName(type: Datatype): string {
  if (type.kind === "numeric") return type.name === "bool8" ? "bool" : type.name;
  return type.kind;
}
