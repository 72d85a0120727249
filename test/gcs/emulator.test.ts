import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FileSystem, filesystem, NotFoundError, NotSupportedError } from "../../src/index.js";
import { available, FIREBASE_TOOLS } from "../requirements.js";
import { type GcsEmulator, startGcsEmulator } from "../servers/gcs-emulator.js";

const sha = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");
const BUCKET = "skyfs-test.appspot.com";

describe.skipIf(!available(import.meta.url, FIREBASE_TOOLS))("GCS against the Firebase storage emulator", () => {
  let emulator: GcsEmulator;
  let fs: FileSystem;

  beforeAll(async () => {
    emulator = await startGcsEmulator();
    fs = filesystem("gs", { apiEndpoint: emulator.endpoint, projectId: "skyfs-test", pageSize: 2, resumableThreshold: 1 << 20 });
  });

  afterAll(async () => {
    await fs?.close();
    await emulator?.close();
  });

  it("uploads (multipart and single-request resumable), lists by prefix and delimiter in pages, and reads ranges", async () => {
    const big = new Uint8Array(randomBytes(3 << 20));
    await fs.pipe(`${BUCKET}/tess/s0012/a.fits`, "first");
    await fs.pipe(`${BUCKET}/tess/s0012/b.fits`, "second");
    await fs.pipe(`${BUCKET}/tess/s0012/deep/c.fits`, "third");
    await fs.pipe(`${BUCKET}/tess/s0012/big.bin`, big);
    expect(await fs.ls(`${BUCKET}/tess/s0012`)).toEqual(
      ["a.fits", "b.fits", "big.bin", "deep"].map((name) => `${BUCKET}/tess/s0012/${name}`),
    );
    expect(await fs.find(`${BUCKET}/tess`)).toHaveLength(4);
    expect(await fs.glob(`${BUCKET}/tess/*/*.fits`)).toEqual([`${BUCKET}/tess/s0012/a.fits`, `${BUCKET}/tess/s0012/b.fits`]);
    expect(await fs.isDir(`${BUCKET}/tess/s0012/deep`)).toBe(true);
    const source = await fs.open(`${BUCKET}/tess/s0012/big.bin`, { cache: "none" });
    expect(source.size).toBe(big.length);
    expect(sha(await source.read(12345, 1 << 20))).toBe(sha(big.subarray(12345, 12345 + (1 << 20))));
    expect(new TextDecoder().decode(await fs.catFile(`${BUCKET}/tess/s0012/b.fits`, -3))).toBe("ond");
  });

  it("deletes and refuses missing objects", async () => {
    // The emulator ignores `generation` on media reads, so generation pinning is verified against
    // the JSON API test server (the contract suite), not here.
    await fs.pipe(`${BUCKET}/w/changing.txt`, "first version");
    expect((await fs.info(`${BUCKET}/w/changing.txt`)).version).toMatch(/^\d+$/);
    await fs.rm(`${BUCKET}/w/changing.txt`);
    await expect(fs.info(`${BUCKET}/w/changing.txt`)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("reports the emulator's 501 to a copy as not supported, at once and without retrying", async () => {
    await fs.pipe(`${BUCKET}/w/original.txt`, "original");
    let retries = 0;
    const copier = filesystem("gs", {
      apiEndpoint: emulator.endpoint,
      projectId: "skyfs-test",
      retry: { maxAttempts: 5, baseDelayMs: 1, onRetry: () => retries++ },
    });
    const error = await copier.copy(`${BUCKET}/w/original.txt`, `${BUCKET}/w/copy.txt`).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(NotSupportedError);
    expect((error as Error).message).toMatch(/does not implement objects\.rewrite.*HTTP 501/);
    expect(retries).toBe(0);
    await copier.close();
  });
});
