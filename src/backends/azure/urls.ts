/**
 * Azure Blob URL forms: `az://container/blob`, `azure://container/blob`,
 * `abfs[s]://container@account.dfs.core.windows.net/blob` and
 * `https://account.blob.core.windows.net/container/blob`.
 * @module
 */

/** What an Azure URL names. */
export interface AzureUrl {
  /** The storage account, when the URL names one. */
  account?: string;
  /** The container. */
  container: string;
  /** The blob path (may be empty). */
  blob: string;
}

/** Parses `abfs://` and Azure HTTPS URLs (which carry the account); undefined otherwise. */
export function parseAzureAccountUrl(url: string): AzureUrl | undefined {
  const abfs = /^abfss?:\/\/([^@/]+)@([^./]+)\.(?:dfs|blob)\.core\.windows\.net\/?(.*)$/i.exec(url);
  if (abfs) return { container: abfs[1] as string, account: abfs[2] as string, blob: (abfs[3] ?? "").replace(/\/+$/, "") };
  const https = /^https:\/\/([^./]+)\.blob\.core\.windows\.net\/([^/?#]+)\/?([^?#]*)/i.exec(url);
  if (https)
    return { account: https[1] as string, container: https[2] as string, blob: decodeURIComponent(https[3] ?? "").replace(/\/+$/, "") };
  return undefined;
}

/** Splits a path `container/blob` into its parts. */
export function splitContainerBlob(path: string): { container: string; blob: string } {
  const clean = path.replace(/^\/+/, "");
  const slash = clean.indexOf("/");
  return slash < 0 ? { container: clean, blob: "" } : { container: clean.slice(0, slash), blob: clean.slice(slash + 1) };
}
