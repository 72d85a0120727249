/**
 * The browser platform, installed for its effect by the browser entry points: HTTP over
 * `fetch`, GCS over its JSON API, and a `file://` scheme that says plainly that a page has no
 * local files.
 * @module
 */
import { registerGcsJson } from "../backends/gcs/register-json.js";
import { registerPortableBackends } from "../backends/portable.js";
import { NotSupportedError } from "../core/errors.js";
import { registerFileSystem } from "../core/registry.js";

registerPortableBackends();
registerGcsJson();
registerFileSystem("file", () => {
  throw new NotSupportedError("local files need Node: a web page can read http(s), s3, gs, az and memory URLs", {
    code: "NoLocalFiles",
  });
});
