import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MissingDependencyError } from "../../src/index.js";
import { startHttpServer, type TestHttpServer } from "../servers/http-server.js";
import { type S3TestServer, startS3rver } from "../servers/s3-servers.js";
import { skyfs } from "./run-cli.js";

const cli = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "src", "cli", "main.ts");

/** Runs the command with its standard output closed after the first chunk, as `| head -c 1` does. */
function runClosingOutput(args: string[]): Promise<{ code: number | null; stderr: string; received: number }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", cli, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    let received = 0;
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout.once("data", (chunk: Buffer) => {
      received = chunk.length;
      child.stdout.destroy();
    });
    child.on("close", (code) => resolve({ code, stderr, received }));
  });
}

describe("the command's failures", () => {
  let folder: string;
  let server: TestHttpServer;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "skyfs-cli-errors-"));
    await writeFile(join(folder, "big.bin"), new Uint8Array(4 * 1024 * 1024).fill(65));
    for (let i = 0; i < 40; i++) await writeFile(join(folder, `f${String(i).padStart(2, "0")}.txt`), `${i}`);
    server = await startHttpServer(folder);
  });

  afterAll(async () => {
    await server.close();
    await rm(folder, { recursive: true, force: true });
  });

  it("prints its version", async () => {
    const { version } = JSON.parse(await readFile(join(dirname(cli), "..", "..", "package.json"), "utf8")) as { version: string };
    for (const flag of ["--version", "-V"]) {
      const result = await skyfs([flag]);
      expect(result.code).toBe(0);
      expect(result.stdout.trim()).toBe(version);
    }
  });

  it("exits quietly when its reader goes away (find | head, cat | head, --json find | head)", async () => {
    for (const args of [
      ["find", `${server.baseUrl}/`],
      ["cat", `${server.baseUrl}/big.bin`],
      ["--json", "find", `${server.baseUrl}/`],
    ]) {
      const result = await runClosingOutput(args);
      expect(result.received, args.join(" ")).toBeGreaterThan(0);
      expect(result.stderr, args.join(" ")).not.toMatch(/EPIPE|Error|at /);
      expect(result.code, args.join(" ")).toBe(0);
    }
  });

  it("writes errors as JSON on standard error with --json", async () => {
    const result = await skyfs(["--json", "cat", `${server.baseUrl}/missing.fits`]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(JSON.parse(result.stderr)).toEqual({
      error: {
        name: "NotFoundError",
        message: `no such object (${server.baseUrl}/missing.fits)`,
        url: `${server.baseUrl}/missing.fits`,
        code: "404",
      },
    });
  });

  it("says that no S3 credentials were found and suggests --anon; refuses s3:// without a bucket", async () => {
    const s3: S3TestServer = await startS3rver(["errors-bucket"]);
    try {
      const noCredentials = {
        AWS_ACCESS_KEY_ID: "",
        AWS_SECRET_ACCESS_KEY: "",
        AWS_PROFILE: "",
        AWS_CONFIG_FILE: join(folder, "none"),
        AWS_SHARED_CREDENTIALS_FILE: join(folder, "none"),
        AWS_EC2_METADATA_DISABLED: "true",
      };
      const result = await skyfs(["--endpoint", s3.endpoint, "info", "s3://errors-bucket/x.fits"], noCredentials);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^skyfs: PermissionError: no AWS credentials were found .*--anon/);
      const bucketless = await skyfs(["--anon", "info", "s3://"]);
      expect(bucketless.stderr).toMatch(/^skyfs: InvalidUrlError: an S3 URL starts with a bucket name/);
    } finally {
      await s3.close();
    }
  });

  it("words a missing optional package for a plural purpose", () => {
    expect(new MissingDependencyError("@aws-sdk/client-s3", "s3:// URLs").message).toBe(
      "the optional package '@aws-sdk/client-s3' is needed for s3:// URLs: run npm install @aws-sdk/client-s3",
    );
  });

  it("says 1 request, not 1 requests", async () => {
    const result = await skyfs(["--stats", "du", `${server.baseUrl}/f00.txt`]);
    expect(result.stdout).toMatch(/\t1 file\t/);
    expect(result.stderr).toMatch(/^stats: 1 request \(info 1\)/m);
  });
});
