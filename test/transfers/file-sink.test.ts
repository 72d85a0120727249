import { mkdtemp, open, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileSink, HeldBytes, skipBytes } from "../../src/core/file-sink.js";
import { SkyfsError } from "../../src/index.js";

const KiB = 1024;

/** Deterministic bytes that differ at every offset. */
function pattern(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 131 + (i >> 9)) & 255;
  return bytes;
}

/** Whether the file at `path` holds exactly `bytes`. */
async function holds(path: string, bytes: Uint8Array): Promise<boolean> {
  return Buffer.compare(await readFile(path), bytes) === 0;
}

/** A fixed shuffle of `items` (a seeded linear congruential generator). */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const copy = [...items];
  let state = seed;
  for (let i = copy.length - 1; i > 0; i--) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = state % (i + 1);
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

let folder: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "skyfs-file-sink-"));
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe("FileSink", () => {
  it("writes the chunks that arrive while a region is being written together, in as few calls", async () => {
    const data = pattern(10 * 16 * KiB);
    const path = join(folder, "coalesced.bin");
    const handle = await open(path, "w");
    const written: number[] = [];
    const held = new HeldBytes();
    const sink = new FileSink(handle, path, { writeBehind: 1024 * KiB, held, onWritten: (bytes) => written.push(bytes) });
    // All ten chunks arrive before the first write can finish: the first goes out alone, the
    // nine that continue it wait and go out in one call.
    for (let at = 0; at < data.length; at += 16 * KiB) await sink.write(data.subarray(at, at + 16 * KiB), at);
    await sink.flush();
    await handle.close();
    expect(written).toEqual([16 * KiB, 9 * 16 * KiB]);
    expect(held.peak).toBe(data.length);
    expect(held.now).toBe(0);
    expect(await holds(path, data)).toBe(true);
  });

  it("keeps every byte at its place when the chunks of several parts arrive interleaved and out of order", async () => {
    const partSize = 96 * KiB;
    const chunk = 8 * KiB;
    const data = pattern(4 * partSize + 5 * KiB);
    // Each part hands its chunks over in order, as a reply does; the parts take turns in a
    // fixed shuffled order, and their lengths do not divide evenly into chunks.
    const queues = [0, 1, 2, 3, 4].map((part) => {
      const chunks: Array<[number, number]> = [];
      const end = Math.min(data.length, (part + 1) * partSize);
      for (let at = part * partSize; at < end; at += chunk) chunks.push([at, Math.min(at + chunk, end)]);
      return chunks;
    });
    const turns = shuffled(
      queues.flatMap((queue, part) => queue.map(() => part)),
      7,
    );
    const path = join(folder, "interleaved.bin");
    const handle = await open(path, "w");
    let total = 0;
    const held = new HeldBytes();
    const sink = new FileSink(handle, path, { writeBehind: 64 * KiB, held, onWritten: (bytes) => (total += bytes) });
    const pending: Array<void | Promise<void>> = [];
    for (const part of turns) {
      const [from, to] = (queues[part] as Array<[number, number]>).shift() as [number, number];
      pending.push(sink.write(data.subarray(from, to), from));
      if (pending.length % 5 === 0) await Promise.all(pending.splice(0));
    }
    await Promise.all(pending);
    await sink.flush();
    await handle.close();
    expect(total).toBe(data.length);
    expect(held.now).toBe(0);
    expect(await holds(path, data)).toBe(true);
  });

  it("fails with a skyfs error naming the file when a write fails mid-way, dropping what waits", async () => {
    const path = join(folder, "read-only.bin");
    await writeFile(path, "");
    const handle = await open(path, "r");
    const held = new HeldBytes();
    const sink = new FileSink(handle, join(folder, "target.bin"), { writeBehind: 32 * KiB, held });
    const data = pattern(8 * 16 * KiB);
    // The first chunk starts a write (refused: the file is open for reading only); the others
    // wait behind it, past the write-behind, so the last calls wait and then fail too.
    const calls = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => {
      try {
        return Promise.resolve(sink.write(data.subarray(i * 16 * KiB, (i + 1) * 16 * KiB), i * 16 * KiB));
      } catch (error) {
        return Promise.reject(error);
      }
    });
    const outcomes = await Promise.allSettled(calls);
    const failed = outcomes.filter((outcome) => outcome.status === "rejected");
    expect(failed).toHaveLength(6);
    const flushed = await sink.flush().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(flushed).toBeInstanceOf(SkyfsError);
    expect((flushed as SkyfsError).url).toBe(join(folder, "target.bin"));
    expect((flushed as SkyfsError).code).toBe("EBADF");
    for (const outcome of failed) expect((outcome as PromiseRejectedResult).reason).toBe(flushed);
    expect(() => sink.write(data.subarray(0, 10), data.length)).toThrow(SkyfsError);
    expect(held.now).toBe(0);
    await handle.close();
  });

  it("resumes a vectored write the system took only part of from the first byte not written", () => {
    const chunks = [new Uint8Array([1, 2, 3]), new Uint8Array([4, 5]), new Uint8Array([6, 7, 8, 9])];
    const flat = (list: Uint8Array[]): number[] => list.flatMap((chunk) => [...chunk]);
    expect(flat(skipBytes(chunks, 1))).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect(flat(skipBytes(chunks, 3))).toEqual([4, 5, 6, 7, 8, 9]);
    expect(flat(skipBytes(chunks, 6))).toEqual([7, 8, 9]);
    expect(skipBytes(chunks, 3)).toHaveLength(2);
    expect(skipBytes(chunks, 4)[0]?.buffer).toBe(chunks[1]?.buffer);
    expect(flat(chunks)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
