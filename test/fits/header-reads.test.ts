import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openFitsSource } from "../../src/fits.js";
import { filesystem } from "../../src/index.js";
import { startHttpServer, type TestHttpServer } from "../servers/http-server.js";

const corpus = join("..", "shared", "testdata", "fits", "astropy");

describe("walking the headers of a small file", () => {
  let server: TestHttpServer;

  beforeAll(async () => {
    server = await startHttpServer(corpus);
  });

  afterAll(() => server.close());

  it("reads each byte at most once (the last header read serves the next HDU)", async () => {
    const fs = filesystem("http");
    const file = openFitsSource(await fs.open(`${server.baseUrl}/o4sp040b0_raw.fits`));
    expect(await file.hdus()).toHaveLength(7);
    const ranges = server.requests.map((request) => request.headers.range);
    expect(new Set(ranges).size).toBe(ranges.length);
    expect(fs.stats().bytesReceived).toBeLessThanOrEqual(74_880);
    expect(fs.stats().requests.read).toBe(2);
    await fs.close();
  });
});
