import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BackendLayer,
  FileSystem,
  filesystem,
  type GetOptions,
  type GetResult,
  MemoryBackend,
  TransientError,
  WeightedSemaphore,
} from "../../src/index.js";
import { startHttpServer } from "../servers/http-server.js";

const MiB = 1024 * 1024;

/** Passes calls to a backend and records the most bytes of reads in flight at once. */
class InFlightProbe extends BackendLayer {
  inFlight = 0;
  maxInFlight = 0;
  failAtOffset: number | undefined;

  override async get(path: string, options: GetOptions = {}): Promise<GetResult> {
    if (!options.range) return this.inner.get(path, options);
    const { offset, length } = options.range;
    if (offset === this.failAtOffset) throw new TransientError("connection reset", { url: path });
    this.inFlight += length;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      // Yield to the event loop, so that reads started together are in flight together.
      await new Promise((resolve) => setImmediate(resolve));
      return await this.inner.get(path, options);
    } finally {
      this.inFlight -= length;
    }
  }
}

describe("streaming get", () => {
  let folder: string;
  const big = new Uint8Array(40 * MiB + 17);
  for (let i = 0; i < big.length; i++) big[i] = (i ^ (i >> 13)) & 255;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "skyfs-get-"));
  });

  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it("fetches parts in parallel with bytes in flight bounded by part size times parts in flight", async () => {
    const probe = new InFlightProbe(new MemoryBackend());
    const fs = new FileSystem(probe, { partSize: MiB, partsInFlight: 4 });
    await fs.pipe("memory://get/big.bin", big);
    const target = join(folder, "big.bin");
    let reported = 0;
    await fs.get("memory://get/big.bin", target, { onProgress: (progress) => (reported = progress.bytes) });
    const written = await readFile(target);
    expect(createHash("sha256").update(written).digest("hex")).toBe(createHash("sha256").update(big).digest("hex"));
    expect(reported).toBe(big.length);
    expect(probe.maxInFlight).toBeLessThanOrEqual(4 * MiB);
    expect(probe.maxInFlight).toBeGreaterThanOrEqual(2 * MiB);
  });

  it("leaves nothing behind when a part fails", async () => {
    const probe = new InFlightProbe(new MemoryBackend());
    const fs = new FileSystem(probe, { partSize: MiB, partsInFlight: 3 });
    await fs.pipe("memory://get/fails.bin", big);
    probe.failAtOffset = 7 * MiB;
    const target = join(folder, "sub", "fails.bin");
    await expect(fs.get("memory://get/fails.bin", target)).rejects.toBeInstanceOf(TransientError);
    expect(await readdir(join(folder, "sub"))).toEqual([]);
  });

  it("fetches each small file of an HTTP folder with one request, no HEAD", async () => {
    const served = join(folder, "served");
    await mkdir(join(served, "small"), { recursive: true });
    for (let i = 0; i < 20; i++) await writeFile(join(served, "small", `f${i}.bin`), `file number ${i}`);
    const server = await startHttpServer(served);
    const fs = filesystem("http");
    try {
      const target = join(folder, "small-copy");
      await fs.get(`${server.baseUrl}/small/`, target, { recursive: true });
      expect((await readdir(target)).sort()).toHaveLength(20);
      expect(await readFile(join(target, "f7.bin"), "utf8")).toBe("file number 7");
      const fileRequests = server.requests.filter((request) => /\/f\d+\.bin$/.test(request.url));
      expect(fileRequests.map((request) => request.method)).toEqual(Array(20).fill("GET"));
      expect(new Set(fileRequests.map((request) => request.url)).size).toBe(20);
    } finally {
      await fs.close();
      await server.close();
    }
  });
});

describe("weighted semaphore", () => {
  it("keeps the units in flight under its capacity, first come first served", async () => {
    const bytes = new WeightedSemaphore(10);
    let held = 0;
    let most = 0;
    const order: number[] = [];
    await Promise.all(
      [4, 4, 4, 9, 1, 20, 2].map(async (units, i) => {
        const release = await bytes.acquire(units);
        order.push(i);
        held += units;
        most = Math.max(most, units > 10 ? 0 : held);
        await new Promise((resolve) => setTimeout(resolve, 5));
        held -= units;
        release();
      }),
    );
    expect(most).toBeLessThanOrEqual(10);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });
});
