/**
 * A least-recently-used store of fixed-size blocks of objects, shared by every source that uses
 * it, with loads in flight shared too: two readers asking for the same block wait on one request.
 * @module
 */

/** Counters of a {@link BlockStore}. */
export interface BlockStoreStats {
  /** Blocks served from the store. */
  hits: number;
  /** Blocks that had to be fetched. */
  misses: number;
  /** Blocks dropped to stay under the capacity. */
  evictions: number;
  /** Bytes held now. */
  bytes: number;
}

/** Blocks kept in memory, evicted least recently used first once `capacity` bytes are held. */
export class BlockStore {
  private readonly blocks = new Map<string, Uint8Array>();
  private readonly loading = new Map<string, Promise<Uint8Array>>();
  private held = 0;
  private counters = { hits: 0, misses: 0, evictions: 0 };

  /** @param capacity Bytes kept at most (default 128 MiB). */
  constructor(readonly capacity: number = 128 * 1024 * 1024) {}

  /** The block under `key` when it is held (it becomes the most recently used), else undefined. */
  get(key: string): Uint8Array | undefined {
    const block = this.blocks.get(key);
    if (block) {
      this.blocks.delete(key);
      this.blocks.set(key, block);
    }
    return block;
  }

  /** Whether a block is held or being loaded. */
  has(key: string): boolean {
    return this.blocks.has(key) || this.loading.has(key);
  }

  /**
   * The blocks under `keys`, fetching those neither held nor in flight with one call of
   * `fetchMissing` (given the missing keys in order, it returns their blocks in that order).
   */
  async getMany(keys: readonly string[], fetchMissing: (missing: string[]) => Promise<Uint8Array[]>): Promise<Uint8Array[]> {
    const missing = [...new Set(keys.filter((key) => !this.blocks.has(key) && !this.loading.has(key)))];
    if (missing.length > 0) {
      const batch = fetchMissing(missing);
      missing.forEach((key, i) => {
        const load = batch.then((blocks) => blocks[i] as Uint8Array);
        this.loading.set(key, load);
        load.then(
          (block) => {
            this.loading.delete(key);
            this.put(key, block);
          },
          () => this.loading.delete(key),
        );
      });
    }
    const fetched = new Set(missing);
    return Promise.all(
      keys.map((key) => {
        const inFlight = this.loading.get(key);
        if (fetched.has(key)) {
          this.counters.misses++;
          return inFlight as Promise<Uint8Array>;
        }
        this.counters.hits++;
        return inFlight ?? (this.get(key) as Uint8Array);
      }),
    );
  }

  /** Counters since creation or the last {@link resetStats}. */
  stats(): BlockStoreStats {
    return { ...this.counters, bytes: this.held };
  }

  /** Sets the hit, miss and eviction counters back to zero. */
  resetStats(): void {
    this.counters = { hits: 0, misses: 0, evictions: 0 };
  }

  /** Drops every block. */
  clear(): void {
    this.blocks.clear();
    this.held = 0;
  }

  /** Keeps `block` under `key` (the most recently used), evicting the least recently used beyond the capacity. */
  put(key: string, block: Uint8Array): void {
    const previous = this.blocks.get(key);
    if (previous) this.held -= previous.length;
    this.blocks.set(key, block);
    this.held += block.length;
    for (const [oldest, evicted] of this.blocks) {
      if (this.held <= this.capacity || oldest === key) break;
      this.blocks.delete(oldest);
      this.held -= evicted.length;
      this.counters.evictions++;
    }
  }
}
