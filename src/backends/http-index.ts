/**
 * Reading directory index pages (Apache, nginx, Python's http.server ...) as listings.
 * @module
 */

const HREF = /href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/gi;

/**
 * The URLs of the direct children of `pageUrl` linked from an index page, absolute, without
 * query or fragment, deduplicated; directories keep their trailing slash.
 */
export function parseIndexPage(html: string, pageUrl: string): string[] {
  const base = pageUrl.endsWith("/") ? pageUrl : `${pageUrl}/`;
  const children = new Set<string>();
  for (const match of html.matchAll(HREF)) {
    const raw = decodeEntities(match[1] ?? match[2] ?? match[3] ?? "");
    if (raw === "" || raw.startsWith("?") || raw.startsWith("#")) continue;
    let url: URL;
    try {
      url = new URL(raw, base);
    } catch {
      continue;
    }
    url.search = "";
    url.hash = "";
    const href = url.href;
    if (!href.startsWith(base) || href === base) continue;
    const rest = href.slice(base.length);
    const slash = rest.indexOf("/");
    if (slash >= 0 && slash !== rest.length - 1) continue;
    children.add(href);
  }
  return [...children];
}

function decodeEntities(text: string): string {
  return text
    .replace(/&amp;/g, "&")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">");
}
