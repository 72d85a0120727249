import { describe, expect, it } from "vitest";
import { Semaphore } from "../../src/index.js";

/** A task that runs until its `finish` is called, recording how many tasks run at once. */
function gate(counter: { running: number; most: number }): { task: () => Promise<number>; finish: (value: number) => void } {
  let finish: (value: number) => void = () => undefined;
  const task = (): Promise<number> => {
    counter.running++;
    counter.most = Math.max(counter.most, counter.running);
    return new Promise<number>((resolve) => {
      finish = (value) => {
        counter.running--;
        resolve(value);
      };
    });
  };
  return { task, finish: (value) => finish(value) };
}

describe("Semaphore", () => {
  it("runs at most `limit` tasks at once, in the order they came, and hands each its own result", async () => {
    const semaphore = new Semaphore(3);
    const counter = { running: 0, most: 0 };
    const gates = Array.from({ length: 10 }, () => gate(counter));
    const started: number[] = [];
    const results = gates.map((g, i) =>
      semaphore.run(() => {
        started.push(i);
        return g.task();
      }),
    );
    for (let i = 0; i < gates.length; i++) {
      await Promise.resolve();
      (gates[i] as ReturnType<typeof gate>).finish(i * 10);
      await results[i];
    }
    expect(await Promise.all(results)).toEqual(gates.map((_, i) => i * 10));
    expect(started).toEqual(gates.map((_, i) => i));
    expect(counter.most).toBe(3);
  });

  it("frees the slot of a task that throws or rejects, and passes the error on", async () => {
    const semaphore = new Semaphore(1);
    const thrown = semaphore.run((): Promise<number> => {
      throw new Error("thrown at once");
    });
    const rejected = semaphore.run(() => Promise.reject(new Error("rejected")));
    const after = semaphore.run(async () => "ran");
    await expect(thrown).rejects.toThrow("thrown at once");
    await expect(rejected).rejects.toThrow("rejected");
    expect(await after).toBe("ran");
  });

  it("runs a hundred thousand queued tasks through one slot", async () => {
    const semaphore = new Semaphore(1);
    let concurrent = 0;
    let most = 0;
    const results = await Promise.all(
      Array.from({ length: 100_000 }, (_, i) =>
        semaphore.run(async () => {
          concurrent++;
          most = Math.max(most, concurrent);
          await Promise.resolve();
          concurrent--;
          return i;
        }),
      ),
    );
    expect(most).toBe(1);
    expect(results[99_999]).toBe(99_999);
    expect(results.every((value, i) => value === i)).toBe(true);
  });
});
