import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Worker } from "node:worker_threads";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SkyfsError } from "../../src/core/errors.js";
import { FileWriterThread } from "../../src/core/file-writer-thread.js";

describe("FileWriterThread", () => {
  let sandbox: string;
  let writer: FileWriterThread;

  beforeEach(async () => {
    sandbox = await mkdtemp(join(tmpdir(), "skyfs-writer-"));
    writer = new FileWriterThread();
  });

  afterEach(async () => {
    await writer.close();
    await rm(sandbox, { recursive: true, force: true });
  });

  it("creates many files handed over at once, each whole", async () => {
    const created = await Promise.all(
      Array.from({ length: 300 }, (_, i) => writer.write(join(sandbox, `f${i}`), new Uint8Array(100 + i).fill(i & 255))),
    );
    expect(created.every((value) => value === true)).toBe(true);
    expect(await readdir(sandbox)).toHaveLength(300);
    for (const i of [0, 1, 150, 299]) expect(await readFile(join(sandbox, `f${i}`))).toEqual(Buffer.alloc(100 + i, i & 255));
  });

  it("writes files whose bytes go round the shared ring several times, and files too large for its room", async () => {
    for (let wave = 0; wave < 3; wave++) {
      const sizes = Array.from({ length: 100 }, (_, i) => 20_000 + i * 500);
      await Promise.all(
        sizes.map((size, i) => writer.write(join(sandbox, `w${wave}-${i}`), new Uint8Array(size).fill((wave * 100 + i) & 255))),
      );
      for (const i of [0, 57, 99])
        expect((await readFile(join(sandbox, `w${wave}-${i}`))).equals(Buffer.alloc(sizes[i] as number, (wave * 100 + i) & 255))).toBe(
          true,
        );
    }
    const large = Array.from({ length: 24 }, (_, i) => new Uint8Array(256 * 1024).fill(i + 1));
    expect(await Promise.all(large.map((bytes, i) => writer.write(join(sandbox, `large${i}`), bytes)))).toEqual(large.map(() => true));
    for (const i of [0, 23]) expect((await readFile(join(sandbox, `large${i}`))).equals(Buffer.from(large[i] as Uint8Array))).toBe(true);
  });

  it("copies the bytes before returning: the caller may reuse its array at once", async () => {
    const bytes = new Uint8Array([1, 2, 3, 4]);
    const written = writer.write(join(sandbox, "copy"), bytes.subarray(1, 3));
    bytes.fill(9);
    expect(await written).toBe(true);
    expect([...(await readFile(join(sandbox, "copy")))]).toEqual([2, 3]);
  });

  it("refuses an existing file, leaving it as it was", async () => {
    await writeFile(join(sandbox, "old"), "old");
    expect(await writer.write(join(sandbox, "old"), new Uint8Array([1]))).toBe(false);
    expect(await readFile(join(sandbox, "old"), "utf8")).toBe("old");
  });

  it("rejects with the system's error, naming the path, and writes the other files of the batch", async () => {
    await writeFile(join(sandbox, "plain"), "x");
    const outcomes = await Promise.allSettled([
      writer.write(join(sandbox, "missing", "a"), new Uint8Array(1)),
      writer.write(join(sandbox, "plain", "b"), new Uint8Array(1)),
      writer.write(join(sandbox, "c"), new Uint8Array([7])),
    ]);
    expect(outcomes[0]).toMatchObject({
      status: "rejected",
      reason: { code: "ENOENT", syscall: "open", path: join(sandbox, "missing", "a") },
    });
    expect(outcomes[1]).toMatchObject({ status: "rejected", reason: { code: "ENOTDIR" } });
    expect(outcomes[2]).toEqual({ status: "fulfilled", value: true });
    expect((await readdir(sandbox)).sort()).toEqual(["c", "plain"]);
  });

  it("refuses a path holding a NUL byte as Node does, while the files around it land under their own names", async () => {
    const outcomes = await Promise.allSettled([
      writer.write(join(sandbox, "before"), new Uint8Array([1])),
      writer.write(join(sandbox, "bad\0name"), new Uint8Array([2])),
      writer.write(join(sandbox, "after"), new Uint8Array([3])),
    ]);
    expect(outcomes[1]).toMatchObject({ status: "rejected", reason: { code: "ERR_INVALID_ARG_VALUE" } });
    expect(outcomes[0]).toEqual({ status: "fulfilled", value: true });
    expect(outcomes[2]).toEqual({ status: "fulfilled", value: true });
    expect((await readdir(sandbox)).sort()).toEqual(["after", "before"]);
    expect([...(await readFile(join(sandbox, "after")))]).toEqual([3]);
  });

  it("when its thread stops, settles every file it held (written, or failed with a SkyfsError) and writes later ones through the pool", async () => {
    const pending = Array.from({ length: 50 }, (_, i) => writer.write(join(sandbox, `q${i}`), new Uint8Array([i, i])));
    await (writer as unknown as { thread: Worker }).thread.terminate();
    const outcomes = await Promise.allSettled(pending);
    for (const [i, outcome] of outcomes.entries()) {
      if (outcome.status === "fulfilled") {
        expect(outcome.value).toBe(true);
        expect([...(await readFile(join(sandbox, `q${i}`)))]).toEqual([i, i]);
      } else {
        expect(outcome.reason).toBeInstanceOf(SkyfsError);
        expect((outcome.reason as Error).message).toBe("the thread writing small files stopped");
      }
    }
    expect(await writer.write(join(sandbox, "later"), new Uint8Array([1]))).toBe(true);
    expect([...(await readFile(join(sandbox, "later")))]).toEqual([1]);
  });

  it("waits for the files handed over before closing, and writes through the pool afterwards", async () => {
    const pending = writer.write(join(sandbox, "last"), new Uint8Array([5]));
    await writer.close();
    expect(await pending).toBe(true);
    expect(await writer.write(join(sandbox, "after"), new Uint8Array([6]))).toBe(true);
    expect([...(await readFile(join(sandbox, "after")))]).toEqual([6]);
  });
});
