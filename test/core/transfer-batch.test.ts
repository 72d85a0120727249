import { describe, expect, it } from "vitest";
import { runTransferBatch, TransferError } from "../../src/index.js";

/** A promise settled from outside. */
function deferred(): { promise: Promise<void>; resolve: () => void; reject: (error: unknown) => void } {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("runTransferBatch with jobs handed off", () => {
  it("lets the lane go on at once, and settles only once every handed-off end has", async () => {
    const end = deferred();
    const started: string[] = [];
    let settled = false;
    const batch = runTransferBatch(["a", "b", "c"], { concurrency: 1, name: (job) => job }, async (job, _signal, handOff) => {
      started.push(job);
      if (job === "a") handOff(end.promise);
    }).then(() => {
      settled = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual(["a", "b", "c"]);
    expect(settled).toBe(false);
    end.resolve();
    await batch;
    expect(settled).toBe(true);
  });

  it("fails the batch when a handed-off end fails, naming the completed jobs in the batch's order", async () => {
    const ends = { a: deferred(), b: deferred(), c: deferred() };
    const failure = runTransferBatch(
      ["a", "b", "c", "d"],
      { concurrency: 1, name: (job) => `memory://x/${job}` },
      async (job, signal, handOff) => {
        if (job === "d") {
          await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
          throw signal.reason;
        }
        handOff(ends[job as "a" | "b" | "c"].promise);
      },
    ).catch((error: unknown) => error);
    ends.b.resolve();
    await new Promise((resolve) => setImmediate(resolve));
    ends.a.resolve();
    await new Promise((resolve) => setImmediate(resolve));
    ends.c.reject(new Error("disk full"));
    const error = (await failure) as TransferError;
    expect(error).toBeInstanceOf(TransferError);
    expect(error.completed).toEqual(["memory://x/a", "memory://x/b"]);
    expect(error.failed.map((failed) => failed.url)).toEqual(["memory://x/c"]);
    expect((error.cause as Error).message).toBe("disk full");
  });

  it("waits for what a job handed off before it threw, and reports the throw", async () => {
    const end = deferred();
    let endSettled = false;
    const failure = runTransferBatch(["a"], { concurrency: 1, name: (job) => job }, async (_job, _signal, handOff) => {
      handOff(end.promise.finally(() => (endSettled = true)));
      throw new Error("read failed");
    }).catch((error: unknown) => error);
    await new Promise((resolve) => setImmediate(resolve));
    end.reject(new Error("write failed too"));
    const error = (await failure) as Error;
    expect(endSettled).toBe(true);
    expect(error.message).toBe("read failed");
  });
});
