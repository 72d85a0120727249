/**
 * Every provider's documented error answers, fed through the provider SDKs from a local server
 * that shapes them as the provider does: each maps to the right typed error, is retried only when
 * it may pass, and the message says what the store refused.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AzureBackend,
  type Backend,
  ConsistencyError,
  describe as describeObject,
  GcsBackend,
  isRetryable,
  NotFoundError,
  NotSupportedError,
  PermissionError,
  ProtocolError,
  RetryingBackend,
  readRange,
  S3Backend,
  SkyfsError,
  TransientError,
} from "../../src/index.js";
import { azureError, gcsError, type ScriptedReply, type ScriptedServer, s3Error, startScriptedServer } from "../servers/provider-errors.js";

type ErrorClass = abstract new (...args: never[]) => SkyfsError;

interface Case {
  reply: ScriptedReply;
  code: string;
  expected: ErrorClass;
}

/** Sends one failing call through a retry layer of 3 attempts; returns the error and the requests it cost. */
/** The ETag the error-code tests pin their ranged reads to: a pinned read is one plain GET. */
const PINNED = '"pinned"';

async function failOnce(
  server: ScriptedServer,
  backend: Backend,
  reply: ScriptedReply,
  call: (backend: Backend) => Promise<unknown>,
): Promise<{ error: SkyfsError; requests: number }> {
  server.answer(() => reply);
  server.requests.length = 0;
  const retrying = new RetryingBackend(backend, { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 });
  const error = await call(retrying).then(
    () => {
      throw new Error("the call succeeded against an error answer");
    },
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(SkyfsError);
  return { error: error as SkyfsError, requests: server.requests.length };
}

function expectMapped(result: { error: SkyfsError; requests: number }, expected: ErrorClass, code: string, operation: RegExp): void {
  const { error, requests } = result;
  expect(error, code).toBeInstanceOf(expected);
  const transient = expected === TransientError;
  expect(isRetryable(error), code).toBe(transient);
  expect(requests, `${code}: requests sent`).toBe(transient ? 3 : 1);
  if (expected !== NotFoundError && expected !== ConsistencyError) {
    expect(error.message, code).toContain(code);
    expect(error.message, code).toMatch(operation);
  }
  expect(error.code, code).toBe(code);
}

describe("S3 error codes", () => {
  let server: ScriptedServer;
  let backend: S3Backend;

  beforeAll(async () => {
    server = await startScriptedServer(() => ({ status: 200 }));
    backend = new S3Backend({ endpoint: server.url, credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" } });
  });

  afterAll(async () => {
    await backend.close();
    await server.close();
  });

  const cases: Case[] = [
    { reply: s3Error(503, "SlowDown", "Please reduce your request rate."), code: "SlowDown", expected: TransientError },
    {
      reply: s3Error(
        400,
        "RequestTimeout",
        "Your socket connection to the server was not read from or written to within the timeout period.",
      ),
      code: "RequestTimeout",
      expected: TransientError,
    },
    {
      reply: s3Error(500, "InternalError", "We encountered an internal error. Please try again."),
      code: "InternalError",
      expected: TransientError,
    },
    { reply: s3Error(503, "ServiceUnavailable", "Reduce your request rate."), code: "ServiceUnavailable", expected: TransientError },
    {
      reply: s3Error(403, "InvalidAccessKeyId", "The AWS access key Id you provided does not exist in our records."),
      code: "InvalidAccessKeyId",
      expected: PermissionError,
    },
    {
      reply: s3Error(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided."),
      code: "SignatureDoesNotMatch",
      expected: PermissionError,
    },
    { reply: s3Error(403, "AccessDenied", "Access Denied"), code: "AccessDenied", expected: PermissionError },
    { reply: s3Error(400, "ExpiredToken", "The provided token has expired."), code: "ExpiredToken", expected: PermissionError },
    { reply: s3Error(404, "NoSuchBucket", "The specified bucket does not exist"), code: "NoSuchBucket", expected: NotFoundError },
    { reply: s3Error(404, "NoSuchKey", "The specified key does not exist."), code: "NoSuchKey", expected: NotFoundError },
    { reply: s3Error(416, "InvalidRange", "The requested range is not satisfiable"), code: "InvalidRange", expected: ProtocolError },
    {
      reply: s3Error(412, "PreconditionFailed", "At least one of the preconditions you specified did not hold."),
      code: "PreconditionFailed",
      expected: ConsistencyError,
    },
    {
      reply: s3Error(501, "NotImplemented", "A header you provided implies functionality that is not implemented."),
      code: "NotImplemented",
      expected: NotSupportedError,
    },
    { reply: s3Error(400, "InvalidArgument", "Invalid Argument"), code: "InvalidArgument", expected: SkyfsError },
  ];

  for (const { reply, code, expected } of cases) {
    it(`GetObject answered ${reply.status} ${code}: ${expected.name}`, async () => {
      const result = await failOnce(server, backend, reply, (store) => readRange(store, "bucket/key.fits", 1, 10, { ifMatch: PINNED }));
      expectMapped(result, expected, code, /GetObject/);
      if (expected === SkyfsError)
        expect(result.error.message).toMatch(/^S3 refused GetObject: InvalidArgument, HTTP 400: Invalid Argument/);
    });
  }

  it("refuses an unpinned ranged read answered with bytes from another offset, and reads a range past the end as none", async () => {
    server.answer(() => ({ status: 206, headers: { "content-range": "bytes 0-9/100", etag: '"e"' }, body: "0123456789" }));
    const shifted = await backend.get("bucket/key.fits", { range: { offset: 5, length: 10 } }).catch((caught: unknown) => caught);
    expect(shifted).toBeInstanceOf(ProtocolError);
    expect((shifted as Error).message).toMatch(/asked for bytes from 5, got bytes 0-9\/100/);
    server.answer((request) =>
      request.method === "HEAD"
        ? { status: 200, headers: { "content-length": "100", etag: '"e"' } }
        : s3Error(416, "InvalidRange", "The requested range is not satisfiable"),
    );
    const past = await backend.get("bucket/key.fits", { range: { offset: 200, length: 10 } });
    expect(past.bytes).toHaveLength(0);
    expect(past.info.size).toBe(100);
  });

  it("maps a HEAD answer, which has no body, by its status: 501 is not supported, 503 is retried, 403 is denied", async () => {
    const notImplemented = await failOnce(server, backend, { status: 501 }, (store) => describeObject(store, "bucket/key.fits"));
    expect(notImplemented.error).toBeInstanceOf(NotSupportedError);
    expect(notImplemented.requests).toBe(1);
    expect(notImplemented.error.message).toMatch(/HeadObject.*HTTP 501/);
    const busy = await failOnce(server, backend, { status: 503 }, (store) => describeObject(store, "bucket/key.fits"));
    expect(busy.error).toBeInstanceOf(TransientError);
    expect(busy.requests).toBe(3);
    const denied = await failOnce(server, backend, { status: 403 }, (store) => describeObject(store, "bucket/key.fits"));
    expect(denied.error).toBeInstanceOf(PermissionError);
    expect(denied.requests).toBe(1);
  });
});

describe("GCS JSON API errors", () => {
  let server: ScriptedServer;
  let backend: GcsBackend;

  beforeAll(async () => {
    server = await startScriptedServer(() => ({ status: 200 }));
    backend = new GcsBackend({ apiEndpoint: server.url, projectId: "test" });
  });

  afterAll(async () => {
    await server.close();
  });

  const cases: Case[] = [
    {
      reply: gcsError(429, "rateLimitExceeded", "The rate of change requests to the object is too high."),
      code: "rateLimitExceeded",
      expected: TransientError,
    },
    { reply: gcsError(503, "backendError", "Backend Error"), code: "backendError", expected: TransientError },
    { reply: gcsError(500, "internalError", "Internal Error"), code: "internalError", expected: TransientError },
    {
      reply: gcsError(401, "required", "Anonymous caller does not have storage.objects.get access."),
      code: "required",
      expected: PermissionError,
    },
    {
      reply: gcsError(403, "forbidden", "caller does not have storage.objects.create access"),
      code: "forbidden",
      expected: PermissionError,
    },
    {
      reply: gcsError(400, "userProjectMissing", "Bucket is a requester pays bucket but no user project provided."),
      code: "userProjectMissing",
      expected: PermissionError,
    },
    { reply: gcsError(404, "notFound", "No such object: bucket/a.fits"), code: "notFound", expected: NotFoundError },
    { reply: gcsError(412, "conditionNotMet", "Precondition Failed"), code: "conditionNotMet", expected: ConsistencyError },
    { reply: gcsError(501, "notImplemented", "Not Implemented"), code: "notImplemented", expected: NotSupportedError },
    { reply: gcsError(400, "invalid", "Invalid argument."), code: "invalid", expected: SkyfsError },
  ];

  for (const { reply, code, expected } of cases) {
    it(`a copy answered ${reply.status} ${code}: ${expected.name}`, async () => {
      const result = await failOnce(
        server,
        backend,
        reply,
        (store) => store.writer?.copy?.("bucket/a.fits", "bucket/b.fits") as Promise<void>,
      );
      expectMapped(result, expected, code, /objects\.rewrite/);
      expect(server.requests[0]?.url).toMatch(/^\/storage\/v1\/b\/bucket\/o\/a\.fits\/rewriteTo\/b\/bucket\/o\/b\.fits/);
    });
  }

  it("says to set requesterPays when the bucket wants a billing project", async () => {
    const { error } = await failOnce(
      server,
      backend,
      cases[5]?.reply as ScriptedReply,
      (store) => store.writer?.copy?.("bucket/a.fits", "bucket/b.fits") as Promise<void>,
    );
    expect(error.message).toMatch(/set requesterPays to your billing project/);
  });

  it("maps a media download's 501 and 503 the same way", async () => {
    const notImplemented = await failOnce(server, backend, gcsError(501, "notImplemented", "Not Implemented"), (store) =>
      readRange(store, "bucket/a.fits", 1, 10),
    );
    expect(notImplemented.error).toBeInstanceOf(NotSupportedError);
    expect(notImplemented.requests).toBe(1);
    const busy = await failOnce(server, backend, gcsError(503, "backendError", "Backend Error"), (store) =>
      readRange(store, "bucket/a.fits", 1, 10),
    );
    expect(busy.error).toBeInstanceOf(TransientError);
    expect(busy.requests).toBe(3);
  });
});

describe("Azure Blob error codes", () => {
  let server: ScriptedServer;
  let backend: AzureBackend;

  beforeAll(async () => {
    server = await startScriptedServer(() => ({ status: 200 }));
    backend = new AzureBackend({ endpoint: `${server.url}/devstoreaccount1`, anon: true });
  });

  afterAll(async () => {
    await backend.close();
    await server.close();
  });

  const cases: Case[] = [
    {
      reply: azureError(503, "ServerBusy", "The server is currently unable to receive requests. Please retry your request."),
      code: "ServerBusy",
      expected: TransientError,
    },
    {
      reply: azureError(500, "OperationTimedOut", "The operation could not be completed within the permitted time."),
      code: "OperationTimedOut",
      expected: TransientError,
    },
    {
      reply: azureError(500, "InternalError", "The server encountered an internal error. Please retry the request."),
      code: "InternalError",
      expected: TransientError,
    },
    {
      reply: azureError(403, "AuthenticationFailed", "Server failed to authenticate the request."),
      code: "AuthenticationFailed",
      expected: PermissionError,
    },
    {
      reply: azureError(
        403,
        "AuthorizationPermissionMismatch",
        "This request is not authorized to perform this operation using this permission.",
      ),
      code: "AuthorizationPermissionMismatch",
      expected: PermissionError,
    },
    {
      reply: azureError(409, "PublicAccessNotPermitted", "Public access is not permitted on this storage account."),
      code: "PublicAccessNotPermitted",
      expected: PermissionError,
    },
    { reply: azureError(404, "BlobNotFound", "The specified blob does not exist."), code: "BlobNotFound", expected: NotFoundError },
    {
      reply: azureError(404, "ContainerNotFound", "The specified container does not exist."),
      code: "ContainerNotFound",
      expected: NotFoundError,
    },
    {
      reply: azureError(412, "ConditionNotMet", "The condition specified using HTTP conditional header(s) is not met."),
      code: "ConditionNotMet",
      expected: ConsistencyError,
    },
    {
      reply: azureError(416, "InvalidRange", "The range specified is invalid for the current size of the resource."),
      code: "InvalidRange",
      expected: ProtocolError,
    },
    {
      reply: azureError(501, "NotImplemented", "The requested operation is not implemented on the specified resource."),
      code: "NotImplemented",
      expected: NotSupportedError,
    },
    {
      reply: azureError(405, "UnsupportedHttpVerb", "The resource doesn't support the specified HTTP verb."),
      code: "UnsupportedHttpVerb",
      expected: NotSupportedError,
    },
    {
      reply: azureError(409, "BlobArchived", "This operation is not permitted on an archived blob."),
      code: "BlobArchived",
      expected: SkyfsError,
    },
  ];

  for (const { reply, code, expected } of cases) {
    it(`Get Blob answered ${reply.status} ${code}: ${expected.name}`, async () => {
      const result = await failOnce(server, backend, reply, (store) => readRange(store, "container/a.fits", 1, 10, { ifMatch: PINNED }));
      expectMapped(result, expected, code, /Get Blob/);
    });
  }

  it("maps HEAD answers by their x-ms-error-code header alone", async () => {
    const busy = await failOnce(server, backend, azureError(503, "ServerBusy", "busy"), (store) =>
      describeObject(store, "container/a.fits"),
    );
    expect(busy.error).toBeInstanceOf(TransientError);
    expect(busy.error.code).toBe("ServerBusy");
    const denied = await failOnce(server, backend, azureError(403, "AuthorizationFailure", "no"), (store) =>
      describeObject(store, "container/a.fits"),
    );
    expect(denied.error).toBeInstanceOf(PermissionError);
    expect(denied.error.message).toMatch(/Get Blob Properties: AuthorizationFailure/);
    expect(denied.requests).toBe(1);
  });
});
