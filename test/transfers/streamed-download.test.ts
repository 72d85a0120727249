import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downloadObject, WRITE_BEHIND } from "../../src/core/download.js";
import { HeldBytes } from "../../src/core/file-sink.js";
import {
  BackendLayer,
  ConsistencyError,
  FileSystem,
  type GetOptions,
  type GetResult,
  HttpBackend,
  MemoryBackend,
  type RetryEvent,
  S3Backend,
  TransientError,
} from "../../src/index.js";
import { available, MOTO } from "../requirements.js";
import { type FaultProxy, startFaultProxy } from "../servers/fault-proxy.js";
import { startHttpServer, type TestHttpServer } from "../servers/http-server.js";
import { type S3TestServer, startMoto } from "../servers/s3-servers.js";

const KiB = 1024;
const MiB = 1024 * KiB;
const sha = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");

/** Deterministic bytes that differ at every offset of a part. */
function pattern(length: number, seed = 0): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 31 + (i >> 11) + seed) & 255;
  return bytes;
}

/** Records the chunks every streamed read hands to its sink, and the ranges asked for. */
class ChunkProbe extends BackendLayer {
  readonly ranges: Array<{ offset: number; length: number }> = [];
  readonly chunksPerRead: number[] = [];
  largestChunk = 0;

  override async get(path: string, options: GetOptions = {}): Promise<GetResult> {
    const { sink, range } = options;
    if (!sink || !range) return this.inner.get(path, options);
    this.ranges.push({ ...range });
    const read = this.chunksPerRead.push(0) - 1;
    return this.inner.get(path, {
      ...options,
      sink: (chunk, position) => {
        this.chunksPerRead[read] = (this.chunksPerRead[read] ?? 0) + 1;
        this.largestChunk = Math.max(this.largestChunk, chunk.length);
        return sink(chunk, position);
      },
    });
  }
}

/**
 * A store that streams each ranged read in chunks of `chunk` bytes and, on the first attempt of
 * a read starting at a multiple of `partSize`, fails after `cutAfter` chunks as a connection
 * reset would.
 */
class CuttingStore extends BackendLayer {
  readonly ranges: Array<{ offset: number; length: number }> = [];

  constructor(
    inner: MemoryBackend,
    private readonly partSize: number,
    private readonly chunk: number,
    private readonly cutAfter: number,
  ) {
    super(inner);
  }

  override async get(path: string, options: GetOptions = {}): Promise<GetResult> {
    const { sink, range } = options;
    if (!sink || !range) return this.inner.get(path, options);
    this.ranges.push({ ...range });
    const { info, bytes } = await this.inner.get(path, { ...options, sink: undefined });
    const cut = range.offset % this.partSize === 0 ? this.cutAfter : Number.POSITIVE_INFINITY;
    for (let at = 0, sent = 0; at < bytes.length; at += this.chunk, sent++) {
      if (sent === cut) throw new TransientError("connection reset", { url: path });
      await sink(bytes.subarray(at, at + this.chunk), range.offset + at);
    }
    return { info, bytes: new Uint8Array(0) };
  }
}

let folder: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "skyfs-streamed-"));
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe("streamed downloads", () => {
  it("resumes a part cut short from its last byte received, fetching no byte twice", async () => {
    const data = pattern(MiB + 4321);
    const store = new CuttingStore(new MemoryBackend(), 256 * KiB, 16 * KiB, 6);
    const retries: RetryEvent[] = [];
    const fs = new FileSystem(store, {
      partSize: 256 * KiB,
      partsInFlight: 2,
      retry: { baseDelayMs: 1, onRetry: (event) => retries.push(event) },
    });
    await fs.pipe("memory://r/a.bin", data);
    fs.resetStats();
    const target = join(folder, "resumed.bin");
    await fs.get("memory://r/a.bin", target);
    expect(sha(new Uint8Array(await readFile(target)))).toBe(sha(data));
    const cutAt = 6 * 16 * KiB;
    const parts = [0, 1, 2, 3, 4].map((part) => ({
      offset: part * 256 * KiB,
      length: Math.min(256 * KiB, data.length - part * 256 * KiB),
    }));
    const cut = parts.filter((part) => part.length > cutAt);
    expect(cut).toHaveLength(4);
    expect(retries).toHaveLength(cut.length);
    expect(store.ranges).toHaveLength(parts.length + cut.length);
    for (const part of parts) expect(store.ranges).toContainEqual(part);
    for (const part of cut) expect(store.ranges).toContainEqual({ offset: part.offset + cutAt, length: part.length - cutAt });
    expect(fs.stats().bytesReceived).toBe(data.length);
  });

  it("refuses an object replaced between two parts with ConsistencyError, leaving no file", async () => {
    const served = join(folder, "served");
    await mkdir(served, { recursive: true });
    await writeFile(join(served, "changing.bin"), pattern(256 * KiB));
    const server = await startHttpServer(served);
    /** Replaces the object on disk once the first part has been read. */
    class ReplaceAfterFirstPart extends BackendLayer {
      override async get(path: string, options: GetOptions = {}): Promise<GetResult> {
        const result = await this.inner.get(path, options);
        if (options.sink && options.range?.offset === 0) await writeFile(join(served, "changing.bin"), pattern(300 * KiB, 7));
        return result;
      }
    }
    const fs = new FileSystem(new ReplaceAfterFirstPart(new HttpBackend({}, "http")), {
      partSize: 64 * KiB,
      partsInFlight: 1,
    });
    try {
      const info = await fs.info(`${server.baseUrl}/changing.bin`);
      const target = join(folder, "changing.bin");
      await expect(downloadObject(fs.backend, info, true, target, { partSize: 64 * KiB, partsInFlight: 1 })).rejects.toBeInstanceOf(
        ConsistencyError,
      );
      expect((await readdir(folder)).filter((name) => name.startsWith("changing.bin"))).toEqual([]);
      const pinned = server.requests.filter((request) => request.method === "GET").map((request) => request.headers["if-match"]);
      expect(pinned.length).toBeGreaterThanOrEqual(2);
      expect(new Set(pinned)).toEqual(new Set([info.etag]));
    } finally {
      await fs.close();
      await server.close();
    }
  });
});

describe("streamed downloads over HTTP through a proxy that cuts replies", () => {
  let server: TestHttpServer;
  let proxy: FaultProxy;
  const data = pattern(MiB + 999, 3);

  beforeAll(async () => {
    const served = join(folder, "cut-served");
    await mkdir(served, { recursive: true });
    await writeFile(join(served, "big.bin"), data);
    server = await startHttpServer(served);
    proxy = await startFaultProxy(server.baseUrl);
  });

  afterAll(async () => {
    await proxy.close();
    await server.close();
  });

  it("writes the right bytes when parts are cut half way, each cut costing one retry", async () => {
    const partSize = 256 * KiB;
    const cutParts = new Set([`bytes=${partSize}-${2 * partSize - 1}`, `bytes=${3 * partSize}-${4 * partSize - 1}`]);
    proxy.reset((request) => (request.method === "GET" && request.attempt === 0 && cutParts.has(request.range ?? "") ? "cut" : undefined));
    const retries: RetryEvent[] = [];
    const fs = new FileSystem(new HttpBackend({}, "http"), {
      partSize,
      partsInFlight: 3,
      retry: { baseDelayMs: 1, onRetry: (event) => retries.push(event) },
    });
    try {
      const target = join(folder, "cut.bin");
      await fs.get(`${proxy.baseUrl}/big.bin`, target);
      expect(sha(new Uint8Array(await readFile(target)))).toBe(sha(data));
      expect(proxy.injected.cut).toBe(2);
      expect(retries.map((event) => event.error)).toEqual([expect.any(TransientError), expect.any(TransientError)]);
      const gets = proxy.seen.filter((request) => request.method === "GET");
      expect(gets).toHaveLength(Math.ceil(data.length / partSize) + 2);
      expect((await readdir(folder)).filter((name) => name.includes("skyfs-partial"))).toEqual([]);
    } finally {
      await fs.close();
    }
  });
});

describe.skipIf(!available(import.meta.url, MOTO))("streamed downloads from S3 (moto_server)", () => {
  let server: S3TestServer;
  const partSize = 8 * MiB;
  const partsInFlight = 3;
  const data = pattern(3 * partSize + 12_345, 5);

  beforeAll(async () => {
    server = await startMoto();
    const { S3Client, CreateBucketCommand } = await import("@aws-sdk/client-s3");
    const client = new S3Client({
      endpoint: server.endpoint,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: server.credentials,
    });
    await client.send(new CreateBucketCommand({ Bucket: "downloads" }));
    client.destroy();
    const writer = new FileSystem(new S3Backend({ endpoint: server.endpoint, credentials: server.credentials }));
    await writer.pipe("downloads/big.bin", data);
    await writer.close();
  });

  afterAll(async () => {
    await server?.close();
  });

  it("streams every part to its place: right bytes, one GET per part, many chunks each, memory bounded by the write-behind", async () => {
    const probe = new ChunkProbe(new S3Backend({ endpoint: server.endpoint, credentials: server.credentials }));
    const fs = new FileSystem(probe);
    try {
      const info = await fs.info("downloads/big.bin");
      fs.resetStats();
      const held = new HeldBytes();
      const target = join(folder, "s3-big.bin");
      await downloadObject(fs.backend, info, true, target, { partSize, partsInFlight, held });
      expect(sha(new Uint8Array(await readFile(target)))).toBe(sha(data));
      expect(fs.stats().requests.read).toBe(4);
      expect(fs.stats().bytesReceived).toBe(data.length);
      expect(probe.ranges.map((range) => range.offset)).toEqual([0, partSize, 2 * partSize, 3 * partSize]);
      // Streamed, not assembled: no chunk is a whole part, and each full part came in many.
      expect(probe.largestChunk).toBeLessThan(partSize);
      expect(Math.min(...probe.chunksPerRead.slice(0, 3))).toBeGreaterThan(8);
      // Held in memory at once: at most the write-behind (the sink's blocks), far below the
      // parts in flight (the old design held partSize x partsInFlight).
      expect(held.peak).toBeLessThanOrEqual(WRITE_BEHIND);
      expect(held.peak).toBeLessThan(partSize * partsInFlight);
      expect(held.now).toBe(0);
    } finally {
      await fs.close();
    }
  });
});
