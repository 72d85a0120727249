/**
 * The Firebase CLI's storage emulator (its Node implementation of the GCS JSON API), started in
 * this process on 127.0.0.1 without Java or downloads: the rules runtime's start and stop are
 * no-ops and the emulator is started through its registry, as the CLI would. It uses internals
 * of one pinned `firebase-tools` version, loaded from `SKYFS_FIREBASE_TOOLS` (a path to the
 * package) or from the project; the GCS emulator tests are skipped when neither is found.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { join } from "node:path";

/** The `firebase-tools` version these internals were checked against. */
export const FIREBASE_TOOLS_VERSION = "14.27.0";

/** A running emulator. */
export interface GcsEmulator {
  /** Its JSON API endpoint (`apiEndpoint`). */
  endpoint: string;
  /** Stops it. */
  close: () => Promise<void>;
}

function packageRoot(): string | undefined {
  const candidates = [process.env.SKYFS_FIREBASE_TOOLS, join(process.cwd(), "node_modules", "firebase-tools")].filter(Boolean) as string[];
  return candidates.find((candidate) => existsSync(join(candidate, "lib", "emulator", "storage", "index.js")));
}

/** Why the emulator cannot run here, or undefined when it can. */
export function emulatorMissing(): string | undefined {
  return packageRoot() ? undefined : `firebase-tools ${FIREBASE_TOOLS_VERSION} not found (set SKYFS_FIREBASE_TOOLS to its folder)`;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** Starts the storage emulator for `projectId`. */
export async function startGcsEmulator(projectId = "skyfs-test"): Promise<GcsEmulator> {
  const root = packageRoot();
  if (!root) throw new Error(emulatorMissing());
  const load = createRequire(join(root, "package.json"));
  const { StorageEmulator } = load(join(root, "lib", "emulator", "storage", "index.js"));
  const { EmulatorRegistry } = load(join(root, "lib", "emulator", "registry.js"));
  const { StorageRulesRuntime } = load(join(root, "lib", "emulator", "storage", "rules", "runtime.js"));
  StorageRulesRuntime.prototype.start = async () => undefined;
  StorageRulesRuntime.prototype.stop = async () => undefined;
  const port = await freePort();
  const emulator = new StorageEmulator({ projectId, host: "127.0.0.1", port, auto_download: false, rules: [] });
  await EmulatorRegistry.start(emulator);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: async () => {
      await EmulatorRegistry.stop("storage");
    },
  };
}
