/**
 * What the Node peers of the many-files scenarios do before their reads: fetch an HTTP folder's
 * index page with undici and take the links it lists (neither undici nor OpenDAL's `http` service
 * lists a folder). Timed with the work, as skyfs's and fsspec's listings are.
 */
import { request } from "undici";

/** The absolute URLs of the files an HTTP folder's index page links to whose names end with `suffix`. */
export async function linkedFiles(folderUrl: string, suffix: string): Promise<string[]> {
  const response = await request(folderUrl);
  if (response.statusCode !== 200) throw new Error(`listing ${folderUrl}: HTTP ${response.statusCode}`);
  const page = await response.body.text();
  const urls = [...page.matchAll(/href="([^"]+)"/g)].map((match) => new URL(match[1] as string, folderUrl).href);
  return urls.filter((url) => url.startsWith(folderUrl) && url.endsWith(suffix));
}

/** The file name a URL ends with, decoded. */
export function fileName(url: string): string {
  return decodeURIComponent(url.slice(url.lastIndexOf("/") + 1));
}
