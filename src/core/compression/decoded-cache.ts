/**
 * The memory that decompressed sources share: decoded blocks and gzip seek indexes, least
 * recently used first out once the capacity is reached.
 * @module
 */

/** Default bytes kept by {@link sharedDecodedCache}. */
export const DEFAULT_DECODED_CACHE_CAPACITY = 64 * 1024 * 1024;

/** A least-recently-used cache of values weighed in bytes. */
export class DecodedCache {
  private readonly entries = new Map<string, { value: unknown; bytes: number }>();
  private held = 0;

  /** @param capacity Bytes kept at most. */
  constructor(readonly capacity: number = DEFAULT_DECODED_CACHE_CAPACITY) {}

  /** The value under `key` (it becomes the most recently used), or undefined. */
  get<T>(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value as T;
  }

  /** Whether a value is held under `key`. */
  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Keeps `value`, weighing `bytes`, under `key`; evicts the least recently used beyond the capacity. */
  set(key: string, value: unknown, bytes: number): void {
    const previous = this.entries.get(key);
    if (previous) {
      this.held -= previous.bytes;
      this.entries.delete(key);
    }
    this.entries.set(key, { value, bytes });
    this.held += bytes;
    for (const [oldest, entry] of this.entries) {
      if (this.held <= this.capacity || oldest === key) break;
      this.entries.delete(oldest);
      this.held -= entry.bytes;
    }
  }

  /** Bytes held now. */
  get bytes(): number {
    return this.held;
  }

  /** Drops everything. */
  clear(): void {
    this.entries.clear();
    this.held = 0;
  }
}

/** The cache every decompressed source uses unless given another. */
export const sharedDecodedCache = new DecodedCache();
