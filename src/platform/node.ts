/**
 * The Node platform, installed for its effect by the Node entry points: HTTP/1.1 over sockets
 * that read into reused buffers (see `NodeTransport`; a caller's undici dispatcher when the
 * options give one), local files (`file://` and plain paths), GCS on `@google-cloud/storage`,
 * and the local-disk operations (`get`, `put`, `filecache::`, the MAST path cache).
 * @module
 */

import { setMaxListeners } from "node:events";
import { LocalBackend } from "../backends/file.js";
import { registerGcs } from "../backends/gcs/index.js";
import { NodeTransport } from "../backends/http/node-transport.js";
import { setDefaultHttpTransport } from "../backends/http/transport.js";
import { UndiciTransport } from "../backends/http/undici-transport.js";
import { registerPortableBackends } from "../backends/portable.js";
import { defaultCacheDirectory, LocalFileCache } from "../core/cache/file-cache.js";
import { downloadObject } from "../core/download.js";
import { installLocalDisk } from "../core/local-disk.js";
import { registerFileSystem } from "../core/registry.js";
import { setListenerCapLift } from "../core/signal-listeners.js";
import { getToLocal, putFromLocal } from "../core/transfers.js";
import { readTextFile, writeTextFile } from "./text-files.js";

setDefaultHttpTransport((options) => (options.dispatcher ? new UndiciTransport(options.dispatcher) : new NodeTransport(options)));
setListenerCapLift((signal) => setMaxListeners(0, signal));
installLocalDisk({
  getToLocal,
  putFromLocal,
  downloadObject,
  fileCache: (options) => new LocalFileCache(options),
  defaultCacheDirectory,
  readTextFile,
  writeTextFile,
});
registerPortableBackends();
registerFileSystem("file", () => new LocalBackend());
registerGcs();
