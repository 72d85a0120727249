/**
 * The Azure backend against a real storage account when SKYFS_LIVE_AZURE_URL names a container
 * prefix the account may write to (`az://container/prefix`): the whole contract suite, plus error
 * codes as the real service answers them. Auth: AZURE_STORAGE_CONNECTION_STRING, or
 * AZURE_STORAGE_ACCOUNT with AZURE_STORAGE_KEY or AZURE_STORAGE_SAS_TOKEN, or else
 * DefaultAzureCredential with AZURE_STORAGE_ACCOUNT.
 */
import { describe, expect, it } from "vitest";
import { filesystem, NotFoundError, PermissionError } from "../../src/index.js";
import { describeContract } from "../contract/suite.js";
import { liveContractTarget, liveTarget } from "./live-env.js";

const target = liveTarget("SKYFS_LIVE_AZURE_URL", /^az:\/\//i, "Azure");
const account = process.env.AZURE_STORAGE_ACCOUNT;
const options = {
  account,
  connectionString: process.env.AZURE_STORAGE_CONNECTION_STRING,
  accountKey: process.env.AZURE_STORAGE_KEY,
  sasToken: process.env.AZURE_STORAGE_SAS_TOKEN,
};

describe.skipIf(!target)("live Azure", () => {
  const root = target?.runPath as string;

  describeContract("azure (live)", () => liveContractTarget("az", options, root));

  it("answers a missing blob with NotFoundError and a wrong key with PermissionError (AuthenticationFailed)", async () => {
    const fs = filesystem("az", options);
    await expect(fs.cat(`${root}/never-written.bin`)).rejects.toBeInstanceOf(NotFoundError);
    await fs.close();
    const wrongKey = Buffer.alloc(64, 7).toString("base64");
    const stranger = filesystem("az", { account: account ?? accountOf(options.connectionString), accountKey: wrongKey });
    const error = await stranger.pipe(`${root}/refused.txt`, "no").catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(PermissionError);
    expect((error as PermissionError).code).toBe("AuthenticationFailed");
    await stranger.close();
  });
});

function accountOf(connectionString: string | undefined): string | undefined {
  return /AccountName=([^;]+)/.exec(connectionString ?? "")?.[1];
}
