/**
 * skyfs in a real browser: the example page (examples/browser) bundled as a user's bundler
 * would, served with CORS headers by the test HTTP server, opened in headless Chromium. It globs
 * a folder on the web server, on an S3 bucket (moto_server) and on an Azure container (azurite),
 * reads a FITS section from each,
 * draws it, and reads an ASDF array; the test compares every figure with what the Node build
 * reads and sends, and keeps a screenshot in test-artifacts/.
 */
import { copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeAsdf } from "../../src/asdf.js";
import { openFits, writeFits } from "../../src/fits.js";
import { type StorageOptions, urlToFs } from "../../src/index.js";
import { available, CHROMIUM, CHROMIUM_PATH, MOTO } from "../requirements.js";
import { AZURITE_ACCOUNT, type Azurite, startAzurite } from "../servers/azurite.js";
import { startHttpServer, type TestHttpServer } from "../servers/http-server.js";
import { type S3TestServer, startMoto } from "../servers/s3-servers.js";
import { type BundleReport, bundlePage } from "./bundle.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const haveChromium = available(import.meta.url, CHROMIUM);
const haveMoto = haveChromium && available(import.meta.url, MOTO);

/** The CORS rule docs/browser.md tells S3 users to set. */
const BUCKET_CORS_RULE = {
  AllowedOrigins: ["*"],
  AllowedMethods: ["GET", "HEAD"],
  AllowedHeaders: ["*"],
  ExposeHeaders: ["Content-Range", "Content-Length", "ETag", "Last-Modified", "x-amz-version-id"],
  MaxAgeSeconds: 3600,
};

/** The CORS rule docs/browser.md tells Azure Blob users to set. */
const AZURE_CORS_RULE = {
  allowedOrigins: "*",
  allowedMethods: "GET,HEAD,OPTIONS",
  allowedHeaders: "range,if-match,x-ms-*",
  exposedHeaders: "content-range,content-length,etag,last-modified,x-ms-*",
  maxAgeInSeconds: 3600,
};

const SECTION: Array<[number, number]> = [
  [150, 250],
  [200, 300],
];

function weightedSum(values: ArrayLike<number | bigint>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += Number(values[i]) * ((i % 97) + 1);
  return sum;
}

function image(width: number, height: number, seed: number): Float32Array {
  const values = new Float32Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) values[y * width + x] = Math.sin((x + seed) / 17) * Math.cos(y / 23) * 1000 + ((x * y) % 13);
  return values;
}

interface StoreFigures {
  files: string[];
  shape: number[];
  checksum: number;
  requests: number;
  bytes: number;
}

/** What the Node build reads and sends for the same steps as the page. */
async function nodeFigures(folderUrl: string, options: StorageOptions): Promise<StoreFigures> {
  const { fs } = urlToFs(folderUrl, { ...options, instance: "private" });
  try {
    const files = await fs.glob(`${folderUrl}*.fits`);
    const section = await (await (await openFits(await fs.open(files[0] as string))).imageHdu(0)).section(SECTION);
    const stats = fs.stats();
    return { files, shape: section.shape, checksum: weightedSum(section.data), requests: stats.totalRequests, bytes: stats.bytesReceived };
  } finally {
    await fs.close();
  }
}

describe.skipIf(!haveChromium)("skyfs in headless Chromium", () => {
  let site: string;
  let http: TestHttpServer;
  let s3: S3TestServer | undefined;
  let azure: Azurite;
  let browser: Browser;
  let bundle: BundleReport;
  const asdfValues = image(64, 48, 5);
  const files = {
    "a_drz.fits": writeFits([{ data: image(500, 400, 0), shape: [400, 500] }]),
    "b_drz.fits": writeFits([{ data: image(500, 400, 9), shape: [400, 500] }]),
  };

  beforeAll(async () => {
    site = await mkdtemp(join(tmpdir(), "skyfs-browser-"));
    await mkdir(join(site, "data"));
    bundle = await bundlePage(join(root, "examples", "browser", "main.ts"), site);
    await copyFile(join(root, "examples", "browser", "index.html"), join(site, "index.html"));
    for (const [name, bytes] of Object.entries(files)) await writeFile(join(site, "data", name), bytes);
    await writeFile(join(site, "data", "roman.asdf"), writeAsdf({ data: { data: asdfValues, shape: [48, 64] } }, { compression: "zlib" }));
    http = await startHttpServer(site, { cors: true });
    if (haveMoto) {
      s3 = await startMoto();
      const { S3Client, CreateBucketCommand, PutBucketCorsCommand, PutObjectCommand } = await import("@aws-sdk/client-s3");
      const client = new S3Client({ endpoint: s3.endpoint, region: "us-east-1", credentials: s3.credentials, forcePathStyle: true });
      await client.send(new CreateBucketCommand({ Bucket: "pages" }));
      // A public bucket for pages: objects readable by anyone, and the CORS rule docs/browser.md
      // gives (without one, S3 refuses the page's preflights).
      await client.send(new PutBucketCorsCommand({ Bucket: "pages", CORSConfiguration: { CORSRules: [BUCKET_CORS_RULE] } }));
      for (const [name, bytes] of Object.entries(files))
        await client.send(new PutObjectCommand({ Bucket: "pages", Key: `sky/${name}`, Body: bytes, ACL: "public-read" }));
      client.destroy();
    }
    azure = await startAzurite();
    const { BlobServiceClient } = await import("@azure/storage-blob");
    const service = BlobServiceClient.fromConnectionString(azure.connectionString);
    // A public container and the CORS rule docs/browser.md gives for Azure Blob.
    await service.setProperties({ cors: [AZURE_CORS_RULE] });
    await service.getContainerClient("pages").create({ access: "container" });
    for (const [name, bytes] of Object.entries(files))
      await service.getContainerClient("pages").getBlockBlobClient(`sky/${name}`).uploadData(bytes);
    const { default: puppeteer } = await import("puppeteer-core");
    browser = await puppeteer.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await http?.close();
    await s3?.close();
    await azure?.close();
    if (site) await rm(site, { recursive: true, force: true });
  });

  it("reads FITS sections and an ASDF array as the Node build does, with the same requests", async () => {
    const page = await browser.newPage();
    const failed: string[] = [];
    page.on("requestfailed", (request) => failed.push(`${request.method()} ${request.url()}: ${request.failure()?.errorText}`));
    page.on("console", (message) => {
      if (message.type() === "error" && !message.location().url?.endsWith("/favicon.ico")) failed.push(`console: ${message.text()}`);
    });
    const query = new URLSearchParams({
      http: `${http.baseUrl}/data/`,
      prefix: "sky/",
      azendpoint: azure.endpoint,
      azaccount: AZURITE_ACCOUNT,
      container: "pages",
    });
    if (s3)
      for (const [name, value] of Object.entries({ s3endpoint: s3.endpoint, bucket: "pages", prefix: "sky/" })) query.set(name, value);
    await page.goto(`${http.baseUrl}/index.html?${query}`);
    await page.waitForFunction('document.title === "done"', { timeout: 0 });
    const result = (await page.evaluate("window.skyfsResult")) as Record<string, unknown>;
    await mkdir(join(root, "test-artifacts"), { recursive: true });
    await page.screenshot({ path: join(root, "test-artifacts", "browser-example.png") });
    expect(failed).toEqual([]);
    expect(result.error).toBeUndefined();

    const overHttp = await nodeFigures(`${http.baseUrl}/data/`, {});
    expect(overHttp.shape).toEqual([100, 100]);
    expect(overHttp.files).toEqual([`${http.baseUrl}/data/a_drz.fits`, `${http.baseUrl}/data/b_drz.fits`]);
    expect(result.http).toEqual(overHttp);
    expect(result.asdf).toEqual({ shape: [48, 64], checksum: weightedSum(asdfValues) });
    const overAzure = await nodeFigures("az://pages/sky/", { endpoint: azure.endpoint, account: AZURITE_ACCOUNT, anon: true });
    expect(overAzure.files).toEqual(["pages/sky/a_drz.fits", "pages/sky/b_drz.fits"]);
    expect(result.azure).toEqual(overAzure);
    if (s3) {
      const overS3 = await nodeFigures("s3://pages/sky/", { endpoint: s3.endpoint, anon: true });
      expect(overS3.files).toEqual(["pages/sky/a_drz.fits", "pages/sky/b_drz.fits"]);
      expect(result.s3).toEqual(overS3);
    }
  });

  it("keeps the cloud SDKs and Node's HTTP client out of the page's first chunk", () => {
    const inputs = bundle.entryInputs;
    expect(inputs.some((input) => input.includes("src/browser/index.ts"))).toBe(true);
    expect(inputs.filter((input) => /@aws-sdk|@azure|@google-cloud|node_modules\/undici/.test(input))).toEqual([]);
    expect(inputs.filter((input) => /src\/platform\/node|src\/backends\/file|file-cache|transfers/.test(input))).toEqual([]);
    console.log(
      `browser example: first chunk ${bundle.entryBytes} B minified, ${bundle.entryGzipBytes} B gzipped; all chunks ${bundle.totalBytes} B`,
    );
  });

  it("says plainly what a page cannot do: a server without CORS headers, local files, downloads to disk", async () => {
    const closed = await startHttpServer(join(site, "data"));
    try {
      const folder = join(site, "limits");
      await mkdir(folder);
      await writeFile(
        join(folder, "main.ts"),
        `import { cat, filesystem } from "skyfs";\n` +
          `const outcome = (work: () => Promise<unknown>) => work().then(() => "no error", (e: { name: string; code?: string; message: string }) => \`\${e.name} \${e.code}: \${e.message}\`);\n` +
          `const report = (result: unknown) => { (window as unknown as { skyfsResult: unknown }).skyfsResult = result; document.title = "done"; };\n` +
          `const closed = new URLSearchParams(location.search).get("closed") as string;\n` +
          `Promise.all([\n` +
          `  outcome(() => cat(closed, { retry: false, instance: "private" })),\n` +
          `  outcome(() => cat("file:///etc/hostname")),\n` +
          `  outcome(() => filesystem("memory").get("memory://x", "/tmp/x")),\n` +
          `]).then(([noCors, local, download]) => report({ noCors, local, download }), (error: Error) => report({ error: error.message }));\n`,
      );
      await bundlePage(join(folder, "main.ts"), folder);
      await writeFile(join(folder, "index.html"), `<!doctype html><script type="module" src="./main.js"></script>`);
      const page = await browser.newPage();
      await page.goto(`${http.baseUrl}/limits/index.html?closed=${encodeURIComponent(`${closed.baseUrl}/a_drz.fits`)}`);
      await page.waitForFunction('document.title === "done"', { timeout: 0 });
      const result = (await page.evaluate("window.skyfsResult")) as Record<string, string>;
      expect(result.noCors).toMatch(
        /^TransientError FETCH_FAILED: network error FETCH_FAILED: no reply from http:\/\/127\.0\.0\.1:\d+ .*does not allow this page's origin \(CORS/,
      );
      expect(closed.requests.map((request) => request.method)).toEqual(["GET"]);
      expect(result.local).toMatch(/^NotSupportedError NoLocalFiles: local files need Node/);
      expect(result.download).toMatch(/^NotSupportedError NoLocalFiles: get needs local files, which only Node has/);
    } finally {
      await closed.close();
    }
  });

  it("bundles a page that reads FITS over https alone without any cloud SDK in what it loads first", async () => {
    const entry = join(site, "fits-only.ts");
    await writeFile(
      entry,
      `import { glob } from "skyfs";\nimport { openFits } from "skyfs/fits";\n` +
        `const [first] = await glob(location.href + "data/*.fits");\n` +
        `const hdu = await (await openFits(first as string)).imageHdu(0);\n` +
        `document.title = String((await hdu.section([[0, 10], [0, 10]])).data.length);\n`,
    );
    const fitsOnly = await bundlePage(entry, join(site, "fits-only"));
    expect(fitsOnly.entryInputs.filter((input) => /@aws-sdk|@azure|@google-cloud|undici|fast-png|yaml/.test(input))).toEqual([]);
    console.log(`skyfs + skyfs/fits over https: ${fitsOnly.entryBytes} B minified, ${fitsOnly.entryGzipBytes} B gzipped`);
  });
});
