import { describe, expect, it } from "vitest";
import { BlockCachedSource, BlockStore, BytesSource } from "../../src/index.js";
import { expectBytes } from "../bytes.js";
import { CountingSource } from "../fits/counting-source.js";

const data = Uint8Array.from({ length: 10_000 }, (_, i) => i % 251);

describe("block cache", () => {
  it("serves reads from blocks and fetches only the missing ones, in one batch", async () => {
    const counting = new CountingSource(new BytesSource(data, "memory://b/x"));
    const source = new BlockCachedSource(counting, new BlockStore(1 << 20), 1000);
    expectBytes(await source.read(1500, 2000), data.slice(1500, 3500));
    expect(counting.calls).toEqual([{ kind: "readMany", ranges: [1000, 2000, 3000].map((offset) => ({ offset, length: 1000 })) }]);
    expect(
      await source.readMany([
        { offset: 2100, length: 10 },
        { offset: 9500, length: 1000 },
      ]),
    ).toEqual([data.slice(2100, 2110), data.slice(9500)]);
    expect(counting.calls[1]).toEqual({ kind: "readMany", ranges: [{ offset: 9000, length: 1000 }] });
  });

  it("lets concurrent reads of one block share one request", async () => {
    const counting = new CountingSource(new BytesSource(data));
    const store = new BlockStore(1 << 20);
    const source = new BlockCachedSource(counting, store, 4096);
    const reads = await Promise.all(Array.from({ length: 20 }, (_, i) => source.read(i * 100, 50)));
    reads.forEach((bytes, i) => {
      expectBytes(bytes, data.slice(i * 100, i * 100 + 50));
    });
    expect(counting.calls).toHaveLength(1);
    expect(store.stats()).toMatchObject({ misses: 1, hits: 19 });
  });

  it("evicts the least recently used blocks beyond its capacity", async () => {
    const counting = new CountingSource(new BytesSource(data));
    const store = new BlockStore(3000);
    const source = new BlockCachedSource(counting, store, 1000);
    for (const offset of [0, 1000, 2000]) await source.read(offset, 10);
    await source.read(0, 10);
    await source.read(3000, 10);
    expect(store.stats()).toMatchObject({ evictions: 1, bytes: 3000 });
    const before = counting.calls.length;
    await source.read(0, 10);
    expect(counting.calls).toHaveLength(before);
    await source.read(1000, 10);
    expect(counting.calls).toHaveLength(before + 1);
  });

  it("never mixes the blocks of two versions of one URL", async () => {
    const store = new BlockStore(1 << 20);
    const older = new BlockCachedSource(new BytesSource(data, "memory://b/x", '"v1"'), store, 1000);
    const changed = data.map((byte) => 255 - byte);
    const newer = new BlockCachedSource(new BytesSource(changed, "memory://b/x", '"v2"'), store, 1000);
    expectBytes(await older.read(0, 5), data.slice(0, 5));
    expectBytes(await newer.read(0, 5), changed.slice(0, 5));
  });

  it("forgets a failed fetch so that the next read tries again", async () => {
    let fail = true;
    const flaky = new BytesSource(data);
    const source = new BlockCachedSource(
      {
        url: flaky.url,
        size: flaky.size,
        etag: undefined,
        read: (offset, length) => flaky.read(offset, length),
        readMany: async (ranges) => {
          if (fail) throw new Error("boom");
          return flaky.readMany(ranges);
        },
      },
      new BlockStore(),
      1000,
    );
    await expect(source.read(0, 10)).rejects.toThrow("boom");
    fail = false;
    expectBytes(await source.read(0, 10), data.slice(0, 10));
  });
});
