import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { filesystem, NotFoundError, redactText, redactUrl, SkyfsError } from "../../src/index.js";
import { type S3TestServer, startS3rver } from "../servers/s3-servers.js";

const SECRETS = ["s3cr3t-session-token", "AbCdEf0123456789sig", "hunter2"];

describe("redactUrl and redactText", () => {
  it.each([
    ["https://alice:hunter2@example.org/x.fits", "https://REDACTED@example.org/x.fits"],
    ["https://h/x?X-Amz-Signature=AbCdEf0123456789sig&X-Amz-Date=20260101", "https://h/x?X-Amz-Signature=REDACTED&X-Amz-Date=20260101"],
    ["https://h/x?jwt=eyJhbGci.payload.hunter2", "https://h/x?jwt=REDACTED"],
    ["https://h/cb?code=hunter2&state=xyz", "https://h/cb?code=REDACTED&state=REDACTED"],
    [
      "https://cdn/x?Policy=eyJ&Signature=AbCdEf0123456789sig&Key-Pair-Id=K2",
      "https://cdn/x?Policy=REDACTED&Signature=REDACTED&Key-Pair-Id=REDACTED",
    ],
    ["https://a.blob.core.windows.net/c/b?sv=2020&sig=AbCdEf0123456789sig", "https://a.blob.core.windows.net/c/b?sv=REDACTED&sig=REDACTED"],
    ["https://h/x?token=hunter2&page=2", "https://h/x?token=REDACTED&page=2"],
    ["/local/path/x.fits", "/local/path/x.fits"],
  ])("redacts %s", (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });

  it("redacts secrets inside free text", () => {
    const text = "GET /b/k\nX-Amz-Security-Token=s3cr3t-session-token&X-Amz-Signature=AbCdEf0123456789sig see https://bob:hunter2@h/x";
    const redacted = redactText(text);
    for (const secret of SECRETS) expect(redacted).not.toContain(secret);
    expect(redacted).toContain("https://REDACTED@h/x");
  });

  it("keeps from an SDK-shaped cause only its name, message, code, status and request id", () => {
    const sdkError = Object.assign(new Error("The request signature we calculated does not match"), {
      name: "SignatureDoesNotMatch",
      Code: "SignatureDoesNotMatch",
      CanonicalRequest: "GET\n/b/k\nx-amz-security-token:s3cr3t-session-token",
      StringToSign: "AWS4-HMAC-SHA256\nAbCdEf0123456789sig",
      $metadata: { httpStatusCode: 403, requestId: "REQ1" },
      $response: { headers: { authorization: "AWS4-HMAC-SHA256 Credential=hunter2" } },
    });
    const error = new SkyfsError("S3 request failed", { url: "s3://b/k?X-Amz-Signature=AbCdEf0123456789sig", cause: sdkError });
    const shown = inspect(error, { depth: 10 });
    for (const secret of SECRETS) expect(shown).not.toContain(secret);
    expect(shown).not.toContain("CanonicalRequest");
    expect(error.cause).toMatchObject({ name: "SignatureDoesNotMatch", code: "SignatureDoesNotMatch", status: 403, requestId: "REQ1" });
    const own = new NotFoundError("inner");
    expect(new SkyfsError("outer", { cause: own }).cause).toBe(own);
  });
});

describe("S3 errors printed in full", () => {
  let server: S3TestServer;

  beforeAll(async () => {
    server = await startS3rver(["secrets"]);
  });

  afterAll(async () => {
    await server.close();
  });

  it("never show the session token or the secret key in util.inspect", async () => {
    const fs = filesystem("s3", {
      endpoint: server.endpoint,
      credentials: { accessKeyId: server.credentials.accessKeyId, secretAccessKey: "hunter2", sessionToken: "s3cr3t-session-token" },
      retry: false,
    });
    const error = await fs.cat("s3://secrets/missing.fits").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SkyfsError);
    const shown = inspect(error, { depth: 20, showHidden: true });
    for (const secret of SECRETS) expect(shown).not.toContain(secret);
  });
});
