/**
 * Starts the benchmark's server process (HTTP server plus latency proxies) and talks to it.
 */
import { type ChildProcess, fork } from "node:child_process";
import { benchCheckout, compiledScript } from "./compiled.js";
import type { ProxyCounts } from "./latency-proxy.js";

/** A running server process. */
export interface BenchServer {
  /** Base URL through the latency proxy. */
  proxied: string;
  /** Base URL through a proxy without added latency (counted the same way). */
  direct: string;
  /** Base URL of the server itself, no proxy (not counted). */
  raw: string;
  /** Requests and bytes seen by the proxies since the last reset. */
  counts: () => Promise<Pick<ProxyCounts, "requests" | "bytes" | "connections">>;
  /** Sets the counters to zero. */
  reset: () => Promise<void>;
  /** Stops the process. */
  close: () => void;
}

/** Forks the server process for `root` with `latencyMs` of added latency per request. */
export async function startBenchServer(root: string, latencyMs: number): Promise<BenchServer> {
  const child: ChildProcess = fork(await compiledScript(benchCheckout, "bench/server-process.ts"), [root, String(latencyMs)], {
    execArgv: [],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const stop = (): void => {
    if (child.exitCode === null) child.kill("SIGKILL");
  };
  process.once("exit", stop);
  let nextId = 0;
  const pending = new Map<number, (value: unknown) => void>();
  const ready = new Promise<{ direct: string; proxied: string; raw: string }>((resolve, reject) => {
    child.on("message", (message: { ready?: boolean; id?: number; direct: string; proxied: string; raw: string }) => {
      if (message.ready) resolve(message);
      else if (message.id !== undefined) pending.get(message.id)?.(message);
    });
    child.once("exit", (code) => reject(new Error(`the benchmark server exited with ${code}`)));
  });
  const ask = (cmd: string): Promise<unknown> =>
    new Promise((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      child.send({ cmd, id });
    });
  const urls = await ready;
  return {
    ...urls,
    counts: async () => ((await ask("counts")) as { counts: ProxyCounts }).counts,
    reset: async () => {
      await ask("reset");
    },
    close: stop,
  };
}
