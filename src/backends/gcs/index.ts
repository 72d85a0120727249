/**
 * Registers the GCS backend under `gs://` and `gcs://`, and recognises
 * `https://storage.googleapis.com/<bucket>/<object>` when GCS auth options are given.
 * @module
 */
import { registerFileSystem, registerUrlRecognizer } from "../../core/registry.js";
import { GcsBackend, type GcsOptions } from "./backend.js";

const AUTH_OPTIONS = ["keyFilename", "credentials", "anon", "requesterPays", "projectId"];

/** Registers the GCS schemes and the HTTPS recognizer. */
export function registerGcs(): void {
  for (const scheme of ["gs", "gcs"]) registerFileSystem(scheme, (options, protocol) => new GcsBackend(options as GcsOptions, protocol));
  registerUrlRecognizer((url, options) => {
    if (!/^https:\/\/storage\.googleapis\.com\//i.test(url)) return undefined;
    if (!AUTH_OPTIONS.some((name) => options[name] !== undefined && options[name] !== false)) return undefined;
    return { protocol: "gs" };
  });
}

export type { GcsOptions } from "./backend.js";
export { GcsBackend } from "./backend.js";
export { gcsError } from "./errors.js";
