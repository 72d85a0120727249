/**
 * The skyfs demo: starts a local HTTP archive on 127.0.0.1 (no network, no account), fills it
 * with archive-like files, and walks through listing, globbing, ranged reads and downloads.
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { filesystem, glob, open } from "../src/index.js";
import { startHttpServer } from "../test/servers/http-server.js";

const step = (title: string): void => console.log(`\n== ${title}`);

async function main(): Promise<void> {
  const archive = await mkdtemp(join(tmpdir(), "skyfs-demo-archive-"));
  const downloads = await mkdtemp(join(tmpdir(), "skyfs-demo-get-"));
  for (const camera of [1, 2, 3, 4]) {
    for (const ccd of [1, 2, 3, 4]) {
      const file = join(archive, "tess/public/ffi/s0012/2019/143", `${camera}-${ccd}`, `tess2019143-s0012-${camera}-${ccd}_ffic.fits`);
      await mkdir(dirname(file), { recursive: true });
      const body = Buffer.alloc(2880 * 4, " ");
      body.write(`SIMPLE  =                    T / camera ${camera} ccd ${ccd}`, 0, "ascii");
      await writeFile(file, body);
    }
  }
  const server = await startHttpServer(archive);
  const fs = filesystem("http");
  try {
    const root = `${server.baseUrl}/tess/public/ffi/s0012`;
    step(`a local archive served at ${server.baseUrl}`);
    console.log(await fs.ls(`${root}/2019/143`));

    step("glob the full-frame images of camera 3, CCD 4");
    const found = await glob(`${root}/*/*/3-4/*_ffic.fits`);
    console.log(found);

    step("read the first card of one image with a single Range request");
    const source = await open(found[0] as string);
    const card = new TextDecoder().decode(await source.read(0, 80));
    console.log(`size ${source.size} bytes, etag ${source.etag}\n${card}`);

    step("the same card from every camera-3 image at once (catRanges)");
    const camera3 = await glob(`${root}/2019/143/3-*/*.fits`);
    const cards = await fs.catRanges(
      camera3,
      camera3.map(() => 0),
      camera3.map(() => 80),
    );
    for (const bytes of cards) console.log(new TextDecoder().decode(bytes).trim());

    step("download the whole sector to a local folder");
    let last = 0;
    await fs.get(root, downloads, { recursive: true, onProgress: (progress) => (last = progress.bytes) });
    const files = (await readdir(downloads, { recursive: true })).filter((name) => String(name).endsWith(".fits"));
    console.log(`${files.length} files, ${last} bytes in ${downloads}`);
    console.log(`\nthe server answered ${server.requests.length} requests in all`);
  } finally {
    await fs.close();
    await server.close();
    await rm(archive, { recursive: true, force: true });
    await rm(downloads, { recursive: true, force: true });
  }
}

await main();
