/**
 * The S3 backend against real AWS S3 (or any S3 endpoint) when SKYFS_LIVE_S3_URL names a prefix
 * the account may write to: the whole contract suite, plus the error codes and requester pays as
 * the real service answers them. Credentials come from the SDK's default chain.
 */
import { describe, expect, it } from "vitest";
import { filesystem, NotFoundError, PermissionError } from "../../src/index.js";
import { describeContract } from "../contract/suite.js";
import { liveContractTarget, liveTarget, optionalVariable } from "./live-env.js";

const target = liveTarget("SKYFS_LIVE_S3_URL", /^s3:\/\//i, "S3");
const requesterPaysUrl = optionalVariable("SKYFS_LIVE_S3_REQUESTER_PAYS_URL", "S3 requester-pays tests");
const options = { region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION, endpoint: process.env.SKYFS_LIVE_S3_ENDPOINT };

describe.skipIf(!target)("live S3", () => {
  const root = target?.runPath as string;

  describeContract("s3 (live)", () => liveContractTarget("s3", options, root));

  it("answers a missing key with NotFoundError and unknown credentials with PermissionError (InvalidAccessKeyId)", async () => {
    const fs = filesystem("s3", options);
    await expect(fs.cat(`${root}/never-written.bin`)).rejects.toBeInstanceOf(NotFoundError);
    await fs.close();
    const stranger = filesystem("s3", {
      ...options,
      credentials: { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" },
    });
    const error = await stranger.pipe(`${root}/refused.txt`, "no").catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(PermissionError);
    expect((error as PermissionError).code).toBe("InvalidAccessKeyId");
    await stranger.close();
  });

  it("writes with requesterPays set: every request pays, uploads included", async () => {
    const fs = filesystem("s3", { ...options, requesterPays: true, multipartThreshold: 6 << 20, partSize: 5 << 20 });
    const big = new Uint8Array(11 << 20).map((_, i) => i % 251);
    await fs.pipe(`${root}/payer/big.bin`, big);
    expect((await fs.info(`${root}/payer/big.bin`)).size).toBe(big.length);
    await fs.rm(`${root}/payer`, { recursive: true });
    await fs.close();
  });

  it.skipIf(!requesterPaysUrl)("reads a requester-pays object only with requesterPays, saying so when it is missing", async () => {
    const url = requesterPaysUrl as string;
    const plain = filesystem("s3", options);
    const refused = await plain.catFile(url, 0, 16).catch((failure: unknown) => failure);
    expect(refused).toBeInstanceOf(PermissionError);
    expect((refused as Error).message).toMatch(/requesterPays/);
    await plain.close();
    const payer = filesystem("s3", { ...options, requesterPays: true });
    expect((await payer.catFile(url, 0, 16)).length).toBe(16);
    await payer.close();
  });
});
