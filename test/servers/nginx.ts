/**
 * nginx serving a folder on 127.0.0.1: a real autoindex for the listing tests, and a server whose
 * own cost stays out of the client's way (sendfile, no JavaScript) for the benchmarks. Stops with
 * the process that started it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const NGINX = "/usr/sbin/nginx";

/** A running nginx. */
export interface NginxServer {
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  /** Stops nginx and removes its files. */
  close: () => Promise<void>;
}

/** How nginx serves. */
export interface NginxOptions {
  /** Answer folders with nginx's index pages (`autoindex on`). */
  autoindex?: boolean;
}

/** Starts nginx for `root`, or says why it cannot. */
export async function startNginx(root: string, options: NginxOptions = {}): Promise<NginxServer> {
  if (!existsSync(NGINX)) throw new Error(`${NGINX} not found`);
  const folder = await mkdtemp(join(tmpdir(), "skyfs-nginx-"));
  const port = await freePort();
  const temp = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((kind) => `  ${kind}_temp_path ${folder};`).join("\n");
  await writeFile(
    join(folder, "nginx.conf"),
    `daemon off;
master_process off;
pid ${join(folder, "nginx.pid")};
error_log ${join(folder, "error.log")};
events { worker_connections 512; }
http {
  access_log off;
  sendfile on;
${temp}
  server {
    listen 127.0.0.1:${port};
    root ${root};${options.autoindex ? "\n    autoindex on;" : ""}
  }
}
`,
  );
  const child: ChildProcess = spawn(NGINX, ["-p", folder, "-c", join(folder, "nginx.conf")], { stdio: "ignore" });
  const kill = (): void => {
    if (child.exitCode === null) child.kill("SIGTERM");
  };
  process.once("exit", kill);
  const stop = async (): Promise<void> => {
    process.off("exit", kill);
    kill();
    await rm(folder, { recursive: true, force: true });
  };
  const baseUrl = `http://127.0.0.1:${port}`;
  // Polls until it answers or exits, however long a busy machine takes to start it.
  for (;;) {
    const up = await fetch(`${baseUrl}/`, { method: "HEAD" }).then(
      () => true,
      () => false,
    );
    if (up) break;
    if (child.exitCode !== null) {
      await stop();
      throw new Error("nginx did not start");
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    baseUrl,
    close: stop,
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}
