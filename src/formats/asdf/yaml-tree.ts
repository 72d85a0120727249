/**
 * The ASDF tree: YAML 1.1 parsed with the `yaml` library, every tag kept. Known tags become
 * useful objects (ndarrays, complex numbers; the core metadata tags plain mappings); any other
 * tag is kept as a {@link TaggedValue}, never a failure.
 * @module
 */
import { isAlias, isMap, isScalar, isSeq, type Node, parseDocument, type ScalarTag, type Tags } from "yaml";

/**
 * YAML 1.1 booleans as the reference ASDF library (PyYAML) reads them: yes/no, true/false,
 * on/off, not the single letters y/n (which stay strings, as in keys such as `x`, `y`).
 */
const PYYAML_BOOL: ScalarTag = {
  tag: "tag:yaml.org,2002:bool",
  default: true,
  test: /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  resolve: (text: string) => /^(?:yes|true|on)$/i.test(text),
};

function pyyamlTags(tags: Tags): Tags {
  return [...tags.filter((tag) => (tag as ScalarTag).tag !== "tag:yaml.org,2002:bool"), PYYAML_BOOL];
}

/** A value under a tag skyfs does not interpret. */
export class TaggedValue {
  constructor(
    /** The full tag (`tag:stsci.edu:asdf/...`, `asdf://...`). */
    readonly tag: string,
    /** The tagged mapping, sequence or scalar. */
    readonly value: unknown,
  ) {}
}

/** A complex number (`!core/complex`). */
export interface Complex {
  /** Real part. */
  re: number;
  /** Imaginary part. */
  im: number;
}

/** Tags whose mappings are kept as plain mappings. */
const PLAIN =
  /^tag:stsci\.edu:asdf\/core\/(asdf|software|extension_metadata|history_entry|extension|externalarray|column|table|subclass_metadata)-/;
const YAML_TAG = /^tag:yaml\.org,2002:/;

/** Limits of the tree parser. */
export interface TreeOptions {
  /** Turns an `ndarray` mapping into an object. */
  ndarray: (meta: Record<string, unknown>, tag: string) => unknown;
}

/** Parses YAML 1.1 text into the tree; throws the parser's first error. */
export function parseTree(text: string, options: TreeOptions): unknown {
  const document = parseDocument(text, { version: "1.1", intAsBigInt: true, uniqueKeys: false, customTags: pyyamlTags });
  if (document.errors.length > 0) throw new Error((document.errors[0] as Error).message);
  const seen = new Map<Node, unknown>();
  const convert = (node: unknown): unknown => {
    if (node === null || node === undefined) return null;
    if (isAlias(node)) return convert(node.resolve(document));
    const known = seen.get(node as Node);
    if (known !== undefined) return known;
    let value: unknown;
    if (isMap(node)) {
      const object: Record<string, unknown> = {};
      seen.set(node, object);
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? pair.key.value : convert(pair.key);
        object[typeof key === "bigint" ? key.toString() : String(key)] = convert(pair.value);
      }
      value = object;
    } else if (isSeq(node)) {
      const array: unknown[] = [];
      seen.set(node, array);
      for (const item of node.items) array.push(convert(item));
      value = array;
    } else if (isScalar(node)) {
      value = scalar(node.value);
    } else {
      value = null;
    }
    const tag = (node as { tag?: string }).tag;
    if (!tag || YAML_TAG.test(tag) || PLAIN.test(tag)) return value;
    let result: unknown;
    if (/^tag:stsci\.edu:asdf\/core\/ndarray-/.test(tag) && value !== null && typeof value === "object" && !Array.isArray(value)) {
      result = options.ndarray(value as Record<string, unknown>, tag);
    } else if (/^tag:stsci\.edu:asdf\/core\/complex-/.test(tag)) {
      result = parseComplex(String(isScalar(node) ? (node.source ?? node.value) : value));
    } else {
      result = new TaggedValue(tag, value);
    }
    seen.set(node as Node, result);
    return result;
  };
  return convert(document.contents);
}

function scalar(value: unknown): unknown {
  if (typeof value === "bigint")
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  return value ?? null;
}

/** Parses Python's complex notation: `1j`, `(1+2j)`, `(nan-infj)`, `-1e+308j`, `3`. */
export function parseComplex(text: string): Complex {
  const body = text
    .trim()
    .replace(/^\((.*)\)$/, "$1")
    .replace(/\s+/g, "");
  const number = (part: string): number => {
    const lower = part.toLowerCase().replace(/^\+/, "");
    if (lower === "nan" || lower === "-nan") return Number.NaN;
    if (lower === "inf" || lower === "infinity") return Number.POSITIVE_INFINITY;
    if (lower === "-inf" || lower === "-infinity") return Number.NEGATIVE_INFINITY;
    const value = Number(lower);
    if (Number.isNaN(value)) throw new Error(`not a complex number: ${JSON.stringify(text)}`);
    return value;
  };
  if (!/j$/i.test(body)) return { re: number(body), im: 0 };
  const imaginary = body.slice(0, -1);
  let split = -1;
  for (let i = imaginary.length - 1; i > 0; i--) {
    const char = imaginary[i];
    if ((char === "+" || char === "-") && !/e/i.test(imaginary[i - 1] as string)) {
      split = i;
      break;
    }
  }
  if (split < 0) return { re: 0, im: imaginary === "" || imaginary === "+" ? 1 : imaginary === "-" ? -1 : number(imaginary) };
  return { re: number(imaginary.slice(0, split)), im: number(imaginary.slice(split)) };
}
