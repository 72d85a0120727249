/**
 * Small concurrency helpers.
 * @module
 */

/**
 * Runs `worker` over `items` with at most `limit` calls in flight, keeping the result order.
 * The first rejection rejects the whole call (remaining items are not started).
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, worker: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await worker(items[index] as T, index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  });
  await Promise.all(lanes);
  return results;
}

/** A first-in first-out queue whose `shift` costs O(1) (an array's costs O(n)). */
class Queue<T> {
  private items: T[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  peek(): T | undefined {
    return this.items[this.head];
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head] as T;
    this.items[this.head++] = undefined as T;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}

/** A counting semaphore: `run` waits for a free slot before starting its task. */
export class Semaphore {
  private active = 0;
  private readonly waiting = new Queue<() => void>();

  constructor(private readonly limit: number) {}

  /** Runs `task` when fewer than `limit` tasks are running. */
  run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active < this.limit) {
      this.active++;
      return this.start(task);
    }
    return new Promise<T>((resolve, reject) => this.waiting.push(() => this.start(task).then(resolve, reject)));
  }

  /** Runs `task` in a slot already taken, and hands the slot on (or frees it) when it settles. */
  private start<T>(task: () => Promise<T>): Promise<T> {
    let running: Promise<T>;
    try {
      running = task();
    } catch (error) {
      running = Promise.reject(error);
    }
    return running.finally(this.handOn);
  }

  private readonly handOn = (): void => {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  };
}

/**
 * A semaphore counted in units (bytes): `acquire(n)` waits, first come first served, until `n`
 * more units fit under the capacity. A request larger than the capacity runs alone.
 */
export class WeightedSemaphore {
  private used = 0;
  private readonly waiting = new Queue<{ units: number; start: () => void }>();

  constructor(private readonly capacity: number) {}

  /** Waits for `units`; call the returned function to give them back. */
  async acquire(units: number): Promise<() => void> {
    if (this.waiting.length === 0 && this.fits(units)) this.used += units;
    else await new Promise<void>((resolve) => this.waiting.push({ units, start: resolve }));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.used -= units;
      this.wake();
    };
  }

  private fits(units: number): boolean {
    return this.used === 0 || this.used + units <= this.capacity;
  }

  private wake(): void {
    while (this.waiting.length > 0 && this.fits((this.waiting.peek() as { units: number }).units)) {
      const next = this.waiting.shift() as { units: number; start: () => void };
      this.used += next.units;
      next.start();
    }
  }
}
