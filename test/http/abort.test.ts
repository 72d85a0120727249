import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AbortError, filesystem } from "../../src/index.js";
import { type FaultProxy, startFaultProxy } from "../servers/fault-proxy.js";
import { startHttpServer, type TestHttpServer } from "../servers/http-server.js";

describe("cancelling with an AbortSignal", () => {
  let folder: string;
  let server: TestHttpServer;
  let slow: FaultProxy;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "skyfs-abort-"));
    await writeFile(join(folder, "x.bin"), new Uint8Array(10_000));
    server = await startHttpServer(folder);
    slow = await startFaultProxy(server.baseUrl, { schedule: () => "hang" });
  });

  afterAll(async () => {
    await slow.close();
    await server.close();
    await rm(folder, { recursive: true, force: true });
  });

  it("stops a request in flight and raises AbortError", async () => {
    const fs = filesystem("http");
    const source = await fs.open(`${server.baseUrl}/x.bin`);
    const controller = new AbortController();
    const pending = fs.catFile(`${slow.baseUrl}/x.bin`, 0, 10, { signal: controller.signal });
    await slow.received(1);
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(AbortError);
    expect(slow.injected.hang).toBe(1);
    const readController = new AbortController();
    readController.abort();
    await expect(source.read(0, 10, { signal: readController.signal })).rejects.toBeInstanceOf(AbortError);
    await fs.close();
  });
});
