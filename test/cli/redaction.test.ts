import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeFits } from "../../src/fits.js";
import { startHttpServer, type TestHttpServer } from "../servers/http-server.js";
import { skyfs } from "./run-cli.js";

describe("the command line never prints credentials", () => {
  let root: string;
  let server: TestHttpServer;
  let base: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "skyfs-cli-redaction-"));
    await mkdir(join(root, "data"));
    await writeFile(join(root, "data", "image.fits"), writeFits([{ data: new Float32Array(16), shape: [4, 4] }]));
    server = await startHttpServer(root, { requireAuthorization: `Basic ${Buffer.from("reader:s3cret-pw").toString("base64")}` });
    base = server.baseUrl.replace("http://", "http://reader:s3cret-pw@");
  });

  afterAll(async () => {
    await server.close();
    await rm(root, { recursive: true, force: true });
  });

  it("redacts user info in listings, as text and as JSON, while still using it", async () => {
    for (const args of [
      ["ls", `${base}/data/`],
      ["--json", "ls", `${base}/data/`],
      ["find", `${base}/data/`],
    ]) {
      const result = await skyfs(args);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("image.fits");
      expect(result.stdout).not.toContain("s3cret-pw");
      expect(result.stdout).toContain("REDACTED@");
    }
  });

  it("redacts signatures of presigned URLs in what info prints", async () => {
    const signed = `${server.baseUrl}/data/image.fits?X-Amz-Signature=abcdef0123&X-Amz-Credential=AKIAEXAMPLE`;
    const result = await skyfs(["--json", "info", signed], {}, {});
    expect(`${result.stdout}${result.stderr}`).not.toContain("abcdef0123");
    expect(`${result.stdout}${result.stderr}`).not.toContain("AKIAEXAMPLE");
  });
});
