import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Agent } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileSystem, filesystem, HttpBackend, InvalidUrlError, RetryingBackend, TransientError } from "../../src/index.js";
import { startHttpServer, type TestHttpServer } from "../servers/http-server.js";

describe("HTTP URLs that cannot work, and listings of wide trees", () => {
  let folder: string;
  let server: TestHttpServer;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "skyfs-url-errors-"));
    for (let i = 0; i < 14; i++) {
      await mkdir(join(folder, `dir${i}`));
      await writeFile(join(folder, `dir${i}`, "x.txt"), `file ${i}`);
    }
    server = await startHttpServer(folder);
  });

  afterAll(async () => {
    await server.close();
    await rm(folder, { recursive: true, force: true });
  });

  it("refuses a malformed URL with InvalidUrlError at once, never retried", async () => {
    const retries: unknown[] = [];
    const fs = filesystem("http", { retry: { onRetry: (event) => retries.push(event) } });
    for (const url of ["http://", "https://a b/x.fits", "http://[::1/x"]) {
      await expect(fs.info(url)).rejects.toBeInstanceOf(InvalidUrlError);
    }
    expect(retries).toEqual([]);
    await fs.close();
  });

  it("reports a host name that does not resolve as a network error naming the host", async () => {
    const failingLookup = new Agent({
      connect: {
        lookup: (hostname, _options, callback) =>
          callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND", hostname }), "", 4),
      },
    });
    const fs = new FileSystem(
      new RetryingBackend(new HttpBackend({ dispatcher: failingLookup }, "http"), { maxAttempts: 2, baseDelayMs: 1 }),
    );
    const error = await fs.info("http://archive.example/x.fits").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).message).toMatch(/^cannot resolve the host name archive\.example \(ENOTFOUND\)/);
    expect((error as TransientError).code).toBe("ENOTFOUND");
    await failingLookup.close();
  });

  it("lists a tree of more than ten folders without an abort-listener leak warning", async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(warning.name);
    };
    process.on("warning", onWarning);
    try {
      const fs = filesystem("http");
      const found = await fs.find(`${server.baseUrl}/`);
      expect(found).toHaveLength(14);
      await new Promise((resolve) => setImmediate(resolve));
      await fs.close();
    } finally {
      process.off("warning", onWarning);
    }
    expect(warnings).not.toContain("MaxListenersExceededWarning");
  });
});
