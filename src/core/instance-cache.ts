/**
 * Shared filesystem instances: the same protocol and equal options give the same filesystem, so
 * that every top-level call on one store reuses one connection pool, one block store and one set
 * of counters (fsspec's `_Cached` works the same way).
 * @module
 */

/**
 * Option names that configure one call (`open`, `cat`, a format reader), not the filesystem:
 * they never split the cache.
 */
const CALL_OPTIONS = new Set([
  "signal",
  "instance",
  "start",
  "end",
  "cache",
  "blockSize",
  "headSize",
  "maxDepth",
  "detail",
  "compression",
  "gzipIndex",
]);

const identities = new WeakMap<object, number>();
let nextIdentity = 1;

function identityOf(value: object): number {
  let id = identities.get(value);
  if (id === undefined) {
    id = nextIdentity++;
    identities.set(value, id);
  }
  return id;
}

function isPlainObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function keyOfValue(value: unknown, seen: Set<object>): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
    case "boolean":
    case "bigint":
      return `${typeof value}:${String(value)}`;
    case "undefined":
      return "undefined";
    case "symbol":
    case "function":
      return `#${identityOf(value as object)}`;
  }
  const object = value as object;
  if (seen.has(object)) return `#${identityOf(object)}`;
  if (Array.isArray(object)) {
    seen.add(object);
    const key = `[${object.map((item) => keyOfValue(item, seen)).join(",")}]`;
    seen.delete(object);
    return key;
  }
  if (!isPlainObject(object)) return `#${identityOf(object)}`;
  seen.add(object);
  const key = `{${keyOfEntries(object as Record<string, unknown>, seen, new Set())}}`;
  seen.delete(object);
  return key;
}

function keyOfEntries(object: Record<string, unknown>, seen: Set<object>, skipped: ReadonlySet<string>): string {
  return Object.keys(object)
    .filter((name) => object[name] !== undefined && !skipped.has(name))
    .sort()
    .map((name) => `${JSON.stringify(name)}:${keyOfValue(object[name], seen)}`)
    .join(",");
}

/**
 * A stable key over a protocol and its options. Plain objects and arrays are compared by value
 * (key order and `undefined` members do not matter); functions, class instances (credential
 * providers, auth plugins, dispatchers, stores, AbortSignals ...) by identity. Call options
 * (`signal`, `start`, `end`, `cache`, `blockSize`, `headSize`, `maxDepth`, `detail`,
 * `compression`, `gzipIndex`, `instance`) are left out.
 */
export function instanceKey(protocol: string, options: Record<string, unknown>): string {
  return `${protocol}|${keyOfEntries(options, new Set(), CALL_OPTIONS)}`;
}

/** Something the cache can close when it is cleared. */
export interface Closable {
  /** Releases connections and other resources. */
  close(): Promise<void>;
}

const instances = new Map<string, Closable>();
const keys = new WeakMap<Closable, string>();

/** The cached instance under `key`, or `undefined`. */
export function cachedInstance<T extends Closable>(key: string): T | undefined {
  return instances.get(key) as T | undefined;
}

/** Caches `instance` under `key`. */
export function rememberInstance(key: string, instance: Closable): void {
  instances.set(key, instance);
  keys.set(instance, key);
}

/** Drops `instance` from the cache (called when it is closed), so the next call builds a new one. */
export function forgetInstance(instance: Closable): void {
  const key = keys.get(instance);
  if (key !== undefined && instances.get(key) === instance) instances.delete(key);
  keys.delete(instance);
}

/** How many shared instances are cached now. */
export function cachedInstanceCount(): number {
  return instances.size;
}

/**
 * Closes every shared filesystem (releasing its connection pools) and empties the cache; the
 * next `filesystem`/`urlToFs`/`open(url)` builds new ones.
 */
export async function clearInstanceCache(): Promise<void> {
  const all = [...instances.values()];
  instances.clear();
  await Promise.allSettled(all.map((instance) => instance.close()));
}
