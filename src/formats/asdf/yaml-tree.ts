/**
 * The ASDF tree: YAML 1.1 parsed with the `yaml` library, every tag kept. Known tags become
 * useful objects (ndarrays, complex numbers, units, quantities, times, external arrays; the core
 * metadata tags plain mappings); any other tag is kept as a {@link TaggedValue}, never a failure.
 * Aliases are resolved through one anchor table, counted and bounded, and cycles refused.
 * @module
 */
import { isAlias, isMap, isScalar, isSeq, Lexer, type Node, parseDocument, type ScalarTag, type Tags } from "yaml";
import { tagValue } from "./tags.js";

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

/** A complex number (`!core/complex`). */
export interface Complex {
  /** Real part. */
  re: number;
  /** Imaginary part. */
  im: number;
}

/** Tags whose mappings are kept as plain mappings. */
const PLAIN = /^tag:stsci\.edu:asdf\/core\/(asdf|software|extension_metadata|history_entry|extension|column|table|subclass_metadata)-/;
const YAML_TAG = /^tag:yaml\.org,2002:/;

/** Options of the tree parser. */
export interface TreeOptions {
  /** Turns an `ndarray` mapping into an object. */
  ndarray: (meta: Record<string, unknown>, tag: string) => unknown;
  /** Most aliases (`*name`) the tree may use (default 10,000). */
  maxAliases?: number;
  /**
   * Most nodes the aliases may add when the tree is walked in full (default 1,000,000): each
   * alias counts the nodes of what it points to, so a "billion laughs" tree of a few hundred
   * bytes is refused here instead of exhausting memory when it is printed or read.
   */
  maxAliasNodes?: number;
}

/** How deep mappings and sequences may nest (deeper trees are refused, so walking one never exhausts the stack). */
const MAX_DEPTH = 1000;

/** Default of {@link TreeOptions.maxAliases}. */
export const DEFAULT_MAX_ALIASES = 10_000;
/** Default of {@link TreeOptions.maxAliasNodes}. */
export const DEFAULT_MAX_ALIAS_NODES = 1_000_000;

/**
 * Parses YAML 1.1 text into the tree; throws the parser's first error, and refuses aliases that
 * point into themselves (a cycle), more aliases than allowed, or aliases that would expand to
 * more nodes than allowed. Aliases come back as the same (shared) object as their anchor.
 */
export function parseTree(text: string, options: TreeOptions): unknown {
  const maxAliases = options.maxAliases ?? DEFAULT_MAX_ALIASES;
  if (countAliases(text, maxAliases) > maxAliases) throw new Error(`more than ${maxAliases} aliases (option maxYamlAliases)`);
  const document = parseDocument(text, { version: "1.1", intAsBigInt: true, uniqueKeys: false, customTags: pyyamlTags });
  if (document.errors.length > 0) throw new Error((document.errors[0] as Error).message);
  const maxAliasNodes = options.maxAliasNodes ?? DEFAULT_MAX_ALIAS_NODES;
  const anchors = new Map<string, Node>();
  const converted = new Map<Node, unknown>();
  const sizes = new Map<Node, number>();
  const open = new Set<Node>();
  let aliases = 0;
  let aliasNodes = 0;
  /** Converts a node; returns its value and the number of nodes it stands for once expanded. */
  const convert = (node: unknown, depth = 0): [unknown, number] => {
    if (node === null || node === undefined) return [null, 1];
    if (depth > MAX_DEPTH) throw new Error(`the tree nests deeper than ${MAX_DEPTH} levels`);
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (!target) throw new Error(`the alias *${node.source} has no anchor before it`);
      if (open.has(target)) throw new Error(`the alias *${node.source} points into its own anchor (a cycle)`);
      if (++aliases > maxAliases) throw new Error(`more than ${maxAliases} aliases (option maxYamlAliases)`);
      const size = sizes.get(target) ?? 1;
      aliasNodes += size;
      if (aliasNodes > maxAliasNodes) throw new Error(`the aliases expand to more than ${maxAliasNodes} nodes (option maxYamlAliasNodes)`);
      return [converted.get(target) ?? null, size];
    }
    const anchor = (node as { anchor?: string }).anchor;
    if (anchor) anchors.set(anchor, node as Node);
    open.add(node as Node);
    let value: unknown;
    let size = 1;
    if (isMap(node)) {
      const object: Record<string, unknown> = {};
      for (const pair of node.items) {
        const [key, keySize] = isScalar(pair.key) ? [pair.key.value, 1] : convert(pair.key, depth + 1);
        const [item, itemSize] = convert(pair.value, depth + 1);
        Object.defineProperty(object, typeof key === "bigint" ? key.toString() : String(key), {
          value: item,
          enumerable: true,
          writable: true,
          configurable: true,
        });
        size += keySize + itemSize;
      }
      value = object;
    } else if (isSeq(node)) {
      const array: unknown[] = [];
      for (const item of node.items) {
        const [element, elementSize] = convert(item, depth + 1);
        array.push(element);
        size += elementSize;
      }
      value = array;
    } else if (isScalar(node)) {
      value = scalar(node.value);
    } else {
      value = null;
    }
    open.delete(node as Node);
    const result = tagged(node as Node, value, options);
    converted.set(node as Node, result);
    sizes.set(node as Node, size);
    return [result, size];
  };
  return convert(document.contents)[0];
}

/**
 * The aliases of a YAML text, counted before it is parsed (parsing many aliases costs far more
 * than lexing them): a quick scan of everything that may be one, confirmed by the lexer only
 * when that is over the limit.
 */
function countAliases(text: string, limit = DEFAULT_MAX_ALIASES): number {
  const candidates = text.match(/(?:^|[\s[{,])\*[^\s,[\]{}]/g)?.length ?? 0;
  if (candidates <= limit) return candidates;
  let aliases = 0;
  for (const token of new Lexer().lex(text)) if (token.startsWith("*")) aliases++;
  return aliases;
}

function tagged(node: Node, value: unknown, options: TreeOptions): unknown {
  const tag = (node as { tag?: string }).tag;
  if (!tag || YAML_TAG.test(tag) || PLAIN.test(tag)) return value;
  if (/^tag:stsci\.edu:asdf\/core\/ndarray-/.test(tag) && value !== null && typeof value === "object" && !Array.isArray(value))
    return options.ndarray(value as Record<string, unknown>, tag);
  if (/^tag:stsci\.edu:asdf\/core\/complex-/.test(tag)) return parseComplex(String(isScalar(node) ? (node.source ?? node.value) : value));
  return tagValue(tag, value);
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
