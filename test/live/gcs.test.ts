/**
 * The GCS backend against real Google Cloud Storage when SKYFS_LIVE_GCS_URL names a prefix the
 * account may write to: the whole contract suite, plus error reasons and requester pays as the
 * real service answers them. Credentials come from Application Default Credentials.
 */
import { describe, expect, it } from "vitest";
import { filesystem, NotFoundError, PermissionError } from "../../src/index.js";
import { describeContract } from "../contract/suite.js";
import { liveContractTarget, liveTarget, optionalVariable } from "./live-env.js";

const target = liveTarget("SKYFS_LIVE_GCS_URL", /^gc?s:\/\//i, "GCS");
const requesterPaysUrl = optionalVariable("SKYFS_LIVE_GCS_REQUESTER_PAYS_URL", "GCS requester-pays tests");
const billingProject = process.env.SKYFS_LIVE_GCS_BILLING_PROJECT;

describe.skipIf(!target)("live GCS", () => {
  const root = target?.runPath as string;

  describeContract("gcs (live)", () => liveContractTarget("gs", {}, root));

  it("answers a missing object with NotFoundError and an anonymous write with PermissionError", async () => {
    const fs = filesystem("gs");
    await expect(fs.cat(`${root}/never-written.bin`)).rejects.toBeInstanceOf(NotFoundError);
    await fs.close();
    const anonymous = filesystem("gs", { anon: true });
    await expect(anonymous.pipe(`${root}/refused.txt`, "no")).rejects.toBeInstanceOf(PermissionError);
    await anonymous.close();
  });

  it.skipIf(!requesterPaysUrl || !billingProject)("reads a requester-pays object only with a billing project", async () => {
    const url = requesterPaysUrl as string;
    const plain = filesystem("gs");
    const refused = await plain.catFile(url, 0, 16).catch((failure: unknown) => failure);
    expect(refused).toBeInstanceOf(PermissionError);
    expect((refused as Error).message).toMatch(/requesterPays/);
    await plain.close();
    const payer = filesystem("gs", { requesterPays: billingProject });
    expect((await payer.catFile(url, 0, 16)).length).toBe(16);
    await payer.close();
  });
});
