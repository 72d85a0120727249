/**
 * A third-party backend written only against skyfs's public API: every path holds a greeting
 * naming it. It shows that a plugin outside the library joins dispatch, glob and reads.
 */
import { type Backend, type FileInfo, NotFoundError, NotSupportedError, registerFileSystem } from "../../src/index.js";

const NAMES = ["earth", "mars", "venus"];

/** Greetings for a few planets, under `greet://planets/<name>`. */
export class GreetingBackend implements Backend {
  readonly protocol = "greet";
  readonly directories = "prefix";

  stripProtocol(urlOrPath: string): string {
    return urlOrPath.replace(/^greet:\/\//, "").replace(/\/+$/, "");
  }

  toUrl(path: string): string {
    return `greet://${path}`;
  }

  private body(path: string): Uint8Array {
    const name = path.replace(/^planets\//, "");
    if (!path.startsWith("planets/") || !NAMES.includes(name)) throw new NotFoundError("no such planet", { url: this.toUrl(path) });
    return new TextEncoder().encode(`hello, ${name}`);
  }

  async info(path: string): Promise<FileInfo> {
    if (path === "planets") return { name: path, type: "directory", size: 0 };
    return { name: path, type: "file", size: this.body(path).length };
  }

  async list(path: string): Promise<FileInfo[]> {
    if (path !== "planets") throw new NotFoundError("no such folder", { url: this.toUrl(path) });
    return Promise.all(NAMES.map((name) => this.info(`planets/${name}`)));
  }

  async readRange(path: string, offset: number, length: number): Promise<Uint8Array> {
    return this.body(path).slice(offset, offset + length);
  }

  async write(path: string): Promise<void> {
    throw new NotSupportedError("greetings are read-only", { url: this.toUrl(path) });
  }

  async deleteFiles(paths: readonly string[]): Promise<void> {
    throw new NotSupportedError("greetings are read-only", { url: paths[0] });
  }
}

/** Registers the plugin under `greet://`. */
export function registerGreetings(): void {
  registerFileSystem("greet", () => new GreetingBackend());
}
