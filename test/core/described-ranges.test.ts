import { describe, expect, it } from "vitest";
import { BackendLayer, type GetOptions, type GetResult } from "../../src/core/backend.js";
import { absoluteRange } from "../../src/core/described-ranges.js";
import { createMemoryStore, FileSystem, MemoryBackend } from "../../src/index.js";
import { expectBytes, lcgBytes } from "../bytes.js";

const OLD = lcgBytes(300_000, 1);
const NEW = lcgBytes(300_000, 2);
const PATH = "bucket/x.bin";

/** Memory, with every ranged get counted, and a hook run before each. */
class CountingLayer extends BackendLayer {
  readonly ranged: GetOptions[] = [];
  heads = 0;
  beforeRangedGet: (count: number) => void = () => undefined;

  override get(path: string, options: GetOptions = {}): Promise<GetResult> {
    if (options.head) this.heads++;
    else if (options.range) {
      this.ranged.push(options);
      this.beforeRangedGet(this.ranged.length);
    }
    return super.get(path, options);
  }
}

/** A store whose ranged reads do not describe the object. */
class UndescribingLayer extends CountingLayer {
  override readonly describesRanges = false;
}

async function memoryWith(data: Uint8Array): Promise<{ memory: MemoryBackend; counting: CountingLayer; fs: FileSystem }> {
  const memory = new MemoryBackend({ store: createMemoryStore() });
  await memory.writer.put(PATH, data);
  const counting = new CountingLayer(memory);
  return { memory, counting, fs: new FileSystem(counting) };
}

describe("ranges in absolute offsets, read without describing the object", () => {
  it("sends only the reads, none pinned, and clips them at the end", async () => {
    const { counting, fs } = await memoryWith(OLD);
    const parts = await fs.catRanges([PATH, PATH, PATH], [0, 200_000, 299_995], [10, 200_010, 300_100]);
    expectBytes(parts[0], OLD.slice(0, 10));
    expectBytes(parts[1], OLD.slice(200_000, 200_010));
    expectBytes(parts[2], OLD.slice(299_995));
    expect(counting.heads).toBe(0);
    expect(counting.ranged).toHaveLength(3);
    expect(counting.ranged.every((options) => options.ifMatch === undefined && options.expectedSize === undefined)).toBe(true);
  });

  it("reads again, opened and pinned, when the object is replaced between the reads", async () => {
    const { memory, counting, fs } = await memoryWith(OLD);
    counting.beforeRangedGet = (count) => {
      if (count === 2) void memory.writer.put(PATH, NEW);
    };
    const parts = await fs.catRanges([PATH, PATH, PATH], [0, 100_000, 200_000], [10, 100_010, 200_010]);
    expectBytes(parts[0], NEW.slice(0, 10));
    expectBytes(parts[1], NEW.slice(100_000, 100_010));
    expectBytes(parts[2], NEW.slice(200_000, 200_010));
    expect(counting.heads).toBe(1);
    expect(counting.ranged).toHaveLength(6);
    expect(counting.ranged.slice(3).every((options) => options.ifMatch !== undefined)).toBe(true);
  });

  it("describes the object first on a store whose reads do not describe it, and for offsets from the end", async () => {
    const memory = new MemoryBackend({ store: createMemoryStore() });
    await memory.writer.put(PATH, OLD);
    const undescribing = new UndescribingLayer(memory);
    const fs = new FileSystem(undescribing);
    expectBytes(await fs.catFile(PATH, 5, 15), OLD.slice(5, 15));
    expect(undescribing.heads).toBe(1);
    const { counting, fs: describing } = await memoryWith(OLD);
    expectBytes((await describing.catRanges([PATH], [-10], [undefined]))[0], OLD.slice(-10));
    expect(counting.heads).toBe(1);
  });

  it("refuses a directory and a missing object as opening does, empty ranges included", async () => {
    const { fs } = await memoryWith(OLD);
    await expect(fs.catFile("bucket", 0, 10)).rejects.toThrow(/directory/);
    await expect(fs.catFile("bucket/missing.bin", 0, 10)).rejects.toThrow(/no such/);
    await expect(fs.catFile("bucket/missing.bin", 10, 10)).rejects.toThrow(/no such/);
    expect(await fs.catFile(PATH, 10, 10)).toEqual(new Uint8Array(0));
  });

  it("takes absolute offsets only: integers, not negative, with an end", () => {
    expect(absoluteRange(10, 20)).toEqual({ offset: 10, length: 10 });
    expect(absoluteRange(undefined, 20)).toEqual({ offset: 0, length: 20 });
    expect(absoluteRange(30, 20)).toEqual({ offset: 30, length: 0 });
    expect(absoluteRange(10, undefined)).toBeUndefined();
    expect(absoluteRange(-10, 20)).toBeUndefined();
    expect(absoluteRange(10, -1)).toBeUndefined();
    expect(absoluteRange(1.5, 20)).toBeUndefined();
  });
});
