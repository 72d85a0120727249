/**
 * Registers the Azure Blob backend under `az://`, `azure://` and `abfs://`, and recognises the
 * service's HTTPS URLs when Azure auth options are given.
 * @module
 */
import { registerFileSystem, registerUrlRecognizer } from "../../core/registry.js";
import { AzureBackend, type AzureOptions } from "./backend.js";
import { parseAzureAccountUrl } from "./urls.js";

const AUTH_OPTIONS = ["connectionString", "accountKey", "sasToken", "credential", "anon"];

/** Registers the Azure schemes and the HTTPS recognizer. */
export function registerAzure(): void {
  for (const scheme of ["az", "azure"])
    registerFileSystem(scheme, (options, protocol) => new AzureBackend(options as AzureOptions, protocol));
  registerFileSystem("abfs", (options, protocol) => new AzureBackend(options as AzureOptions, protocol));
  registerFileSystem("abfss", (options, protocol) => new AzureBackend(options as AzureOptions, protocol));
  registerUrlRecognizer((url, options) => {
    const parsed = parseAzureAccountUrl(url);
    if (!parsed) return undefined;
    const isAbfs = /^abfss?:/i.test(url);
    if (!isAbfs && !AUTH_OPTIONS.some((name) => options[name] !== undefined && options[name] !== false)) return undefined;
    return { protocol: "az", options: { account: parsed.account } };
  });
}

export type { AzureOptions } from "./backend.js";
export { AzureBackend, azureError } from "./backend.js";
export type { AzureUrl } from "./urls.js";
export { parseAzureAccountUrl, splitContainerBlob } from "./urls.js";
