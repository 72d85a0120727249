/**
 * Registers GCS over its JSON API under `gs://` and `gcs://`, for platforms where
 * `@google-cloud/storage` cannot run (a browser), and recognises
 * `https://storage.googleapis.com/<bucket>/<object>` when a token or billing project is given.
 * @module
 */
import { registerFileSystem, registerUrlRecognizer } from "../../core/registry.js";
import { GcsJsonBackend, type GcsJsonOptions } from "./json-backend.js";

const AUTH_OPTIONS = ["token", "anon", "requesterPays"];

/** Registers the GCS schemes on the JSON-API backend. */
export function registerGcsJson(): void {
  for (const scheme of ["gs", "gcs"])
    registerFileSystem(scheme, (options, protocol) => new GcsJsonBackend(options as GcsJsonOptions, protocol));
  registerUrlRecognizer((url, options) => {
    if (!/^https:\/\/storage\.googleapis\.com\//i.test(url)) return undefined;
    if (!AUTH_OPTIONS.some((name) => options[name] !== undefined && options[name] !== false)) return undefined;
    return { protocol: "gs" };
  });
}
