/**
 * A third-party backend written only against skyfs's public API: every path holds a greeting
 * naming it. It shows that a plugin outside the library joins dispatch, glob and reads.
 */
import { type Backend, type FileInfo, type GetOptions, type GetResult, NotFoundError, registerFileSystem } from "../../src/index.js";

const NAMES = ["earth", "mars", "venus"];

/** Greetings for a few planets, under `greet://planets/<name>`. */
export class GreetingBackend implements Backend {
  readonly protocol = "greet";

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

  async get(path: string, options: GetOptions = {}): Promise<GetResult> {
    if (path === "planets") return { info: { name: path, type: "directory", size: 0 }, bytes: new Uint8Array(0) };
    const body = this.body(path);
    const info: FileInfo = { name: path, type: "file", size: body.length };
    if (options.head) return { info, bytes: new Uint8Array(0) };
    const offset = options.range?.offset ?? 0;
    return { info, bytes: body.slice(offset, offset + (options.range?.length ?? body.length)) };
  }

  async list(path: string): Promise<FileInfo[]> {
    if (path !== "planets") throw new NotFoundError("no such folder", { url: this.toUrl(path) });
    return NAMES.map((name) => ({ name: `planets/${name}`, type: "file", size: this.body(`planets/${name}`).length }));
  }
}

/** Registers the plugin under `greet://`. */
export function registerGreetings(): void {
  registerFileSystem("greet", () => new GreetingBackend());
}
