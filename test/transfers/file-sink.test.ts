import { mkdtemp, open, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileSink, HeldBytes } from "../../src/core/file-sink.js";
import { SkyfsError } from "../../src/index.js";

const KiB = 1024;
const MiB = 1024 * KiB;
const BLOCK = 256 * KiB;

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

/**
 * Streams `data` into `sink` as a download does: `parts` regions of `partSize` bytes, each
 * handed over in `chunk`-byte pieces, in order within its part, the parts taking turns in a fixed
 * shuffled order; a part whose last call returned a promise waits for it (the reply is paused)
 * while the others go on. Each piece is handed over in a buffer the caller overwrites with
 * garbage as soon as the call has returned or its promise has settled, as a transport reusing
 * its read buffer does. Returns how many calls made their part wait.
 */
async function streamParts(sink: FileSink, data: Uint8Array, partSize: number, chunk: number, seed: number): Promise<number> {
  const parts = Math.ceil(data.length / partSize);
  const turns = shuffled(
    Array.from({ length: parts }, (_, part) => {
      const length = Math.min(partSize, data.length - part * partSize);
      return Array.from({ length: Math.ceil(length / chunk) }, () => part);
    }).flat(),
    seed,
  );
  const next = Array.from({ length: parts }, (_, part) => part * partSize);
  const paused: Array<Promise<void> | undefined> = Array.from({ length: parts });
  const reused = Array.from({ length: parts }, () => new Uint8Array(chunk));
  let waits = 0;
  for (const part of turns) {
    await paused[part];
    const from = next[part] as number;
    const to = Math.min(from + chunk, (part + 1) * partSize, data.length);
    next[part] = to;
    const buffer = (reused[part] as Uint8Array).subarray(0, to - from);
    buffer.set(data.subarray(from, to));
    const accepted = sink.write(buffer, from);
    paused[part] = Promise.resolve(accepted).then(() => {
      buffer.fill(0xee);
    });
    if (accepted === undefined) await paused[part];
    else waits++;
  }
  await Promise.all(paused);
  return waits;
}

let folder: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "skyfs-file-sink-"));
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe("FileSink", () => {
  it("writes parts streamed side by side in a shuffled interleaving at their places", async () => {
    const data = pattern(5 * 96 * KiB + 5 * KiB);
    const path = join(folder, "interleaved.bin");
    const handle = await open(path, "w");
    let total = 0;
    const held = new HeldBytes();
    const sink = new FileSink(handle, path, { writeBehind: 4 * MiB, held, onWritten: (bytes) => (total += bytes) });
    await streamParts(sink, data, 96 * KiB, 8 * KiB + 3, 7);
    await sink.flush();
    await handle.close();
    expect(total).toBe(data.length);
    expect(held.now).toBe(0);
    expect(await holds(path, data)).toBe(true);
  });

  it("copies each chunk before returning: the caller's memory may be overwritten at once", async () => {
    const data = pattern(3 * BLOCK + 1000);
    const path = join(folder, "copied.bin");
    const handle = await open(path, "w");
    const sink = new FileSink(handle, path, { writeBehind: 4 * MiB });
    const chunk = new Uint8Array(10 * KiB);
    for (let at = 0; at < data.length; at += chunk.length) {
      const piece = chunk.subarray(0, Math.min(chunk.length, data.length - at));
      piece.set(data.subarray(at, at + piece.length));
      await sink.write(piece, at);
      chunk.fill(0xee);
    }
    await sink.flush();
    await handle.close();
    expect(await holds(path, data)).toBe(true);
  });

  it("spreads a chunk larger than a block, or crossing a block's end, over several blocks", async () => {
    // A 600 KiB chunk fills two blocks and part of a third; a 100 KiB chunk then crosses the
    // third block's end; the last chunk is one byte.
    const sizes = [600 * KiB, 100 * KiB, 3 * BLOCK - 700 * KiB + 123, 1];
    const data = pattern(sizes.reduce((sum, size) => sum + size, 0));
    const path = join(folder, "large-chunks.bin");
    const handle = await open(path, "w");
    const written: number[] = [];
    const held = new HeldBytes();
    const sink = new FileSink(handle, path, { writeBehind: 4 * MiB, held, onWritten: (bytes) => written.push(bytes) });
    let at = 0;
    for (const size of sizes) {
      const copy = data.slice(at, at + size);
      await sink.write(copy, at);
      copy.fill(0xee);
      at += size;
    }
    await sink.flush();
    await handle.close();
    expect(await holds(path, data)).toBe(true);
    // Full blocks go out whole; what is left goes out at the flush. The writes run side by side
    // and may finish in any order, so their sizes are compared as a set.
    expect([...written].sort((a, b) => b - a)).toEqual([BLOCK, BLOCK, BLOCK, data.length - 3 * BLOCK]);
    expect(held.now).toBe(0);
  });

  it("never holds more than its blocks while many MiB pass through two of them, regions interleaved", async () => {
    // 512 KiB of write-behind: two blocks of 256 KiB for six parts streaming side by side, so
    // parts wait for blocks over and over, and blocks being filled are written half full to end
    // the waits.
    const data = pattern(12 * MiB + 777);
    const path = join(folder, "bounded.bin");
    const handle = await open(path, "w");
    const written: number[] = [];
    const held = new HeldBytes();
    const sink = new FileSink(handle, path, { writeBehind: 512 * KiB, held, onWritten: (bytes) => written.push(bytes) });
    const waits = await streamParts(sink, data, 2 * MiB, 16 * KiB + 5, 11);
    await sink.flush();
    await handle.close();
    expect(await holds(path, data)).toBe(true);
    expect(waits).toBeGreaterThan(0);
    expect(held.peak).toBeLessThanOrEqual(2 * BLOCK);
    expect(held.now).toBe(0);
    expect(written.reduce((sum, bytes) => sum + bytes, 0)).toBe(data.length);
    // Two blocks served 12 MiB: each was written many times, most of them partly filled.
    expect(written.length).toBeGreaterThan(data.length / BLOCK);
    expect(Math.max(...written)).toBeLessThanOrEqual(BLOCK);
  });

  it("with one block, a write that cannot fit waits for it and then goes on", async () => {
    const data = pattern(2 * MiB + 11);
    const path = join(folder, "one-block.bin");
    const handle = await open(path, "w");
    const held = new HeldBytes();
    const sink = new FileSink(handle, path, { writeBehind: 1, held });
    const waits = await streamParts(sink, data, 512 * KiB, 100 * KiB, 3);
    await sink.flush();
    await handle.close();
    expect(await holds(path, data)).toBe(true);
    expect(waits).toBeGreaterThan(0);
    expect(held.peak).toBeLessThanOrEqual(BLOCK);
    expect(held.now).toBe(0);
  });

  it("keeps the file right when bytes already handed over come again, as a read tried again hands them", async () => {
    const data = pattern(700 * KiB);
    const path = join(folder, "again.bin");
    const handle = await open(path, "w");
    const held = new HeldBytes();
    const sink = new FileSink(handle, path, { writeBehind: 4 * MiB, held });
    // The first attempt hands over 100 KiB; the second starts again at 40 KiB and, reaching
    // 100 KiB, ends where the first attempt's block ends.
    for (let at = 0; at < 100 * KiB; at += 20 * KiB) await sink.write(data.slice(at, at + 20 * KiB), at);
    for (let at = 40 * KiB; at < data.length; at += 20 * KiB) await sink.write(data.slice(at, at + 20 * KiB), at);
    await sink.flush();
    await handle.close();
    expect(await holds(path, data)).toBe(true);
    expect(held.now).toBe(0);
  });

  it("ignores a zero-length chunk, and flushes at once when nothing was written", async () => {
    const path = join(folder, "empty.bin");
    const handle = await open(path, "w");
    let total = 0;
    const held = new HeldBytes();
    const sink = new FileSink(handle, path, { writeBehind: 4 * MiB, held, onWritten: (bytes) => (total += bytes) });
    await sink.flush();
    expect(sink.write(new Uint8Array(0), 1000)).toBeUndefined();
    await sink.flush();
    await handle.close();
    expect(total).toBe(0);
    expect(held.peak).toBe(0);
    expect((await readFile(path)).length).toBe(0);
  });

  it("fails with a skyfs error naming the file when a write fails, from the waiting write, flush and later writes", async () => {
    const path = join(folder, "read-only.bin");
    await writeFile(path, "");
    const handle = await open(path, "r");
    const held = new HeldBytes();
    const target = join(folder, "target.bin");
    const sink = new FileSink(handle, target, { writeBehind: BLOCK, held });
    const data = pattern(2 * BLOCK);
    // The first block fills and its write starts (refused: the file is open for reading only);
    // the second chunk finds no block left and waits, then fails with the write.
    expect(sink.write(data.subarray(0, BLOCK), 0)).toBeUndefined();
    const waiting = sink.write(data.subarray(BLOCK), BLOCK);
    expect(waiting).toBeInstanceOf(Promise);
    const failed = await Promise.resolve(waiting).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failed).toBeInstanceOf(SkyfsError);
    expect((failed as SkyfsError).url).toBe(target);
    expect((failed as SkyfsError).code).toBe("EBADF");
    await expect(sink.flush()).rejects.toBe(failed);
    expect(() => sink.write(data.subarray(0, 10), 0)).toThrow(failed as SkyfsError);
    expect(held.now).toBe(0);
    await handle.close();
  });

  it("fails with a skyfs error naming the file when its handle is closed, from flush and later writes", async () => {
    const path = join(folder, "closed.bin");
    const handle = await open(path, "w");
    await handle.close();
    const held = new HeldBytes();
    const sink = new FileSink(handle, path, { writeBehind: 4 * MiB, held });
    expect(sink.write(pattern(1000), 0)).toBeUndefined();
    const failed = await sink.flush().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failed).toBeInstanceOf(SkyfsError);
    expect((failed as SkyfsError).url).toBe(path);
    expect(() => sink.write(pattern(10), 1000)).toThrow(failed as SkyfsError);
    expect(held.now).toBe(0);
  });
});
