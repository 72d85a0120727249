/**
 * The browser example: globs a folder on a web server, an S3 bucket and an Azure container, opens a FITS image
 * in each, reads a 100x100 section, draws it with a percentile stretch, reads an ASDF array, and
 * reports the requests and bytes each step cost. Where the data live comes from the page's query:
 * `?http=<folder URL>&s3endpoint=<S3 endpoint>&bucket=<bucket>&prefix=<folder in the bucket>`,
 * and for Azure Blob `&azendpoint=<blob endpoint>&azaccount=<account>&container=<container>`
 * (read from the same prefix). The bucket and the container are read anonymously.
 */
import { type StorageOptions, urlToFs } from "skyfs";
import { openAsdf } from "skyfs/asdf";
import { openFits } from "skyfs/fits";
import { stretchImage } from "skyfs/workflows";

/** What the page found in one store, for people (the report) and for tests (`window.skyfsResult`). */
interface StoreResult {
  files: string[];
  shape: number[];
  checksum: number;
  requests: number;
  bytes: number;
}

const SECTION: Array<[number, number]> = [
  [150, 250],
  [200, 300],
];

/** A sum of the values weighted by position: equal sums mean equal values in equal places. */
function weightedSum(values: ArrayLike<number | bigint>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += Number(values[i]) * ((i % 97) + 1);
  return sum;
}

function draw(canvasId: string, data: Float32Array, shape: number[]): void {
  const image = stretchImage(data, shape);
  const canvas = document.getElementById(canvasId) as HTMLCanvasElement;
  canvas.width = image.width;
  canvas.height = image.height;
  const context = canvas.getContext("2d") as CanvasRenderingContext2D;
  const rgba = context.createImageData(image.width, image.height);
  for (let i = 0; i < image.pixels.length; i++) {
    const level = image.pixels[i] as number;
    rgba.data.set([level, level, level, 255], i * 4);
  }
  context.putImageData(rgba, 0, 0);
}

async function readStore(folderUrl: string, options: StorageOptions, canvasId: string): Promise<StoreResult> {
  const { fs } = urlToFs(folderUrl, options);
  fs.resetStats();
  const files = await fs.glob(`${folderUrl}*.fits`);
  const fits = await openFits(await fs.open(files[0] as string));
  const section = await (await fits.imageHdu(0)).section(SECTION);
  draw(canvasId, section.data as Float32Array, section.shape);
  const stats = fs.stats();
  return { files, shape: section.shape, checksum: weightedSum(section.data), requests: stats.totalRequests, bytes: stats.bytesReceived };
}

async function main(): Promise<Record<string, unknown>> {
  const query = new URLSearchParams(location.search);
  const result: Record<string, unknown> = {};
  const http = query.get("http");
  if (http) {
    result.http = await readStore(http, {}, "http-cutout");
    const asdf = await openAsdf(`${http}roman.asdf`);
    const values = await asdf.array("data").read();
    result.asdf = { shape: values.shape, checksum: weightedSum(values.data as Float32Array) };
  }
  const endpoint = query.get("s3endpoint");
  const bucket = query.get("bucket");
  const prefix = query.get("prefix") ?? "";
  if (endpoint && bucket) result.s3 = await readStore(`s3://${bucket}/${prefix}`, { endpoint, anon: true }, "s3-cutout");
  const azureEndpoint = query.get("azendpoint");
  const container = query.get("container");
  if (azureEndpoint && container) {
    const options = { endpoint: azureEndpoint, account: query.get("azaccount") ?? undefined, anon: true };
    result.azure = await readStore(`az://${container}/${prefix}`, options, "azure-cutout");
  }
  return result;
}

function report(result: Record<string, unknown>): void {
  (window as unknown as { skyfsResult: unknown }).skyfsResult = result;
  (document.getElementById("report") as HTMLElement).textContent = JSON.stringify(result, null, 2);
  document.title = "done";
}

main().then(report, (error: unknown) => report({ error: `${(error as Error).name}: ${(error as Error).message}` }));
