/**
 * Building the cloud index of a set of FITS files: a local folder, a remote prefix or a glob
 * pattern, optionally indexed from a local copy and recorded under the URL the files will be
 * read from.
 * @module
 */
import { compressionOfName } from "../core/compression/codecs.js";
import { buildGzipIndex, openDecompressed } from "../core/compression/decompressed-source.js";
import { gzipIndexToJson } from "../core/compression/gzip-index.js";
import { mapLimit } from "../core/concurrency.js";
import { hasMagic } from "../core/glob.js";
import { relativePath } from "../core/paths.js";
import { FITS_INDEX_FORMAT, type FitsIndex, type IndexedFile, indexHdu, openFitsSource } from "../fits.js";
import { type FileSystem, type StorageOptions, urlToFs } from "../index.js";

/** Options of {@link buildFitsIndex}. */
export interface BuildIndexOptions {
  /**
   * Where the files live for readers of the index, when they are indexed from a local copy:
   * each file is recorded as `dataUrl` + its path below the indexed folder. Such entries carry
   * no ETag (a local copy has none); readers check their size.
   */
  dataUrl?: string;
  /** Which files of a folder are indexed (default: names ending in .fits, .fit, .fts). */
  match?: (name: string) => boolean;
  /** Files read at once (default 8). */
  concurrency?: number;
  /** Storage options of the source (auth, endpoint ...). */
  storage?: StorageOptions;
  /** Called after each file. */
  onFile?: (url: string, done: number, total: number) => void;
  /**
   * Store a seek index of each gzip-compressed file in its entry (default true): building it
   * decodes the file once; later sections then decode from the nearest checkpoint.
   */
  gzipIndex?: boolean;
}

const FITS_NAME = /\.(fits|fit|fts)(\.(gz|bz2|xz|zst|Z))?$/i;

/**
 * Indexes every FITS file at `source` (a file, a folder or prefix, or a glob pattern), reading
 * headers only. Returns the index document and the filesystem used (for its transfer stats).
 */
export async function buildFitsIndex(source: string, options: BuildIndexOptions = {}): Promise<{ index: FitsIndex; fs: FileSystem }> {
  const { fs, path } = urlToFs(source, options.storage);
  const match = options.match ?? ((name: string) => FITS_NAME.test(name));
  let root = path;
  let files: string[];
  if (hasMagic(path)) {
    files = await fs.glob(path);
    root = path
      .slice(0, path.search(/[*?[]/))
      .replace(/[^/]*$/, "")
      .replace(/\/$/, "");
  } else if (await fs.isDir(path)) {
    files = (await fs.find(path)).filter((name) => match(name));
  } else {
    files = [path];
    root = path.replace(/\/[^/]*$/, "");
  }
  let done = 0;
  const entries = await mapLimit(files, options.concurrency ?? 8, async (file): Promise<IndexedFile> => {
    const compression = compressionOfName(file);
    const stored = await fs.open(file);
    const gzipIndex = compression === "gzip" && options.gzipIndex !== false ? await buildGzipIndex(stored) : undefined;
    const opened = compression ? await openDecompressed(stored, compression, { gzipIndex }) : stored;
    const hdus = await openFitsSource(opened).hdus();
    const url = options.dataUrl === undefined ? fs.url(file) : joinUrl(options.dataUrl, relativePath(root, file));
    options.onFile?.(url, ++done, files.length);
    const entry: IndexedFile = {
      url,
      size: opened.size,
      etag: options.dataUrl === undefined ? (opened.etag ?? null) : null,
      hdus: hdus.map(indexHdu),
    };
    if (gzipIndex) entry.gzipIndex = { ...gzipIndexToJson(gzipIndex), etag: entry.etag };
    return entry;
  });
  return { index: { format: FITS_INDEX_FORMAT, version: 1, created: new Date().toISOString(), files: entries }, fs };
}

function joinUrl(base: string, relative: string): string {
  return `${base.replace(/\/+$/, "")}/${relative.replace(/^\/+/, "")}`;
}
