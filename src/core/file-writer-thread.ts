/**
 * Creating many small files from one thread of their own. Through Node's thread pool, each file
 * costs three trips (open, write, close), and each trip wakes a pool thread and then the event
 * loop; here the files handed over in one turn of the event loop, or while the thread is busy,
 * travel to it in one message, their bytes copied into a ring of shared memory, and it creates
 * each with one synchronous open-write-close, so the event loop neither blocks on the disk nor
 * pays a wake-up per step.
 * @module
 */
import { Worker } from "node:worker_threads";
import { ByteRing } from "./byte-ring.js";
import { SkyfsError } from "./errors.js";
import { writeNewFile } from "./whole-file.js";

/**
 * Bytes of the shared ring the files' bytes travel through: 16 files of 256 KiB, hundreds of
 * small ones. A file that finds no room travels in its message, as a copy of its own.
 */
const RING_BYTES = 4 * 1024 * 1024;

/**
 * The thread's code: for each file of a batch, `writeFileSync` with flag `wx`, answering
 * `"written"`, `"exists"`, or the error (the file removed when it was created before the error),
 * as {@link writeNewFile} does through the pool.
 */
const THREAD_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { unlinkSync, writeFileSync } = require("node:fs");
const ring = new Uint8Array(workerData);
function create({ path, at, length, bytes }) {
  try {
    writeFileSync(path, bytes ?? ring.subarray(at, at + length), { flag: "wx" });
    return "written";
  } catch (error) {
    if (error.code === "EEXIST") return "exists";
    if (error.syscall !== "open") {
      try { unlinkSync(path); } catch {}
    }
    return { message: error.message, code: error.code, errno: error.errno, syscall: error.syscall };
  }
}
parentPort.on("message", (files) => parentPort.postMessage(files.map(create)));
`;

/** What the thread answers for one file. */
type Outcome = "written" | "exists" | { message: string; code?: string; errno?: number; syscall?: string };

/** A file handed over and not yet answered for. */
interface PendingFile {
  path: string;
  /** Where its bytes are in the ring, or a copy of them, whose memory goes to the thread with the message. */
  bytes: { at: number; length: number } | Uint8Array<ArrayBuffer>;
  resolve: (created: boolean) => void;
  reject: (error: unknown) => void;
}

/**
 * A thread that creates small files whole, for a `get` of many files. {@link FileWriterThread.write}
 * keeps {@link writeNewFile}'s contract. The files handed over during one turn of the event loop
 * go to the thread together, and one batch is with it at a time: those handed over meanwhile go
 * together in the next. The thread starts with the instance, holds the process
 * open only while files are pending, and ends with {@link FileWriterThread.close}. Should it stop
 * on its own, the files it held fail with a {@link SkyfsError} and later ones go through the pool.
 */
export class FileWriterThread {
  private readonly thread: Worker;
  private readonly ring = new ByteRing(RING_BYTES);
  private queued: PendingFile[] = [];
  private sent: PendingFile[] = [];
  private readonly idle: Array<() => void> = [];
  /** Set once the thread stopped or was closed: later files go through the pool. */
  private ended = false;
  /** A send is due at the end of this turn of the event loop. */
  private sendScheduled = false;

  /** Starts the thread, which boots while the first files are read. */
  constructor() {
    this.thread = new Worker(THREAD_SOURCE, { eval: true, workerData: this.ring.bytes.buffer });
    this.thread.unref();
    this.thread.on("message", (outcomes: Outcome[]) => this.answered(outcomes));
    this.thread.on("error", (error) => this.stopped(error));
    this.thread.on("exit", (code) => {
      if (!this.ended) this.stopped(new Error(`exit code ${code}`));
    });
  }

  /**
   * Creates `path` holding `bytes`, refusing an existing file: resolves `true` once written,
   * `false` when `path` exists, and rejects with the system's error otherwise (no partial file is
   * left). The bytes are copied before the call returns.
   */
  readonly write = (path: string, bytes: Uint8Array): Promise<boolean> => {
    if (this.ended) return writeNewFile(path, bytes);
    return new Promise((resolve, reject) => {
      const at = this.ring.take(bytes.length);
      if (at !== undefined) this.ring.bytes.set(bytes, at);
      this.queued.push({ path, bytes: at === undefined ? bytes.slice() : { at, length: bytes.length }, resolve, reject });
      if (!this.sendScheduled) {
        this.sendScheduled = true;
        setImmediate(() => {
          this.sendScheduled = false;
          this.sendQueued();
        });
      }
    });
  };

  /** Waits for the files handed over so far, then ends the thread. */
  async close(): Promise<void> {
    if (this.sent.length > 0 || this.queued.length > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
    this.ended = true;
    await this.thread.terminate();
  }

  private sendQueued(): void {
    if (this.sent.length > 0 || this.queued.length === 0) return;
    this.sent = this.queued;
    this.queued = [];
    this.thread.ref();
    const copies = this.sent.flatMap(({ bytes }) => (bytes instanceof Uint8Array ? [bytes.buffer] : []));
    this.thread.postMessage(
      this.sent.map(({ path, bytes }) => (bytes instanceof Uint8Array ? { path, bytes } : { path, ...bytes })),
      copies,
    );
  }

  private answered(outcomes: Outcome[]): void {
    const files = this.sent;
    this.sent = [];
    for (const [i, file] of files.entries()) {
      if (!(file.bytes instanceof Uint8Array)) this.ring.giveBack();
      settle(file, outcomes[i]);
    }
    if (this.queued.length > 0) this.sendQueued();
    else {
      this.thread.unref();
      for (const resume of this.idle.splice(0)) resume();
    }
  }

  /** The thread is gone: the files it held fail, the queued ones go through the pool. */
  private stopped(cause: unknown): void {
    if (this.ended) return;
    this.ended = true;
    const error = new SkyfsError("the thread writing small files stopped", { cause });
    for (const file of this.sent.splice(0)) file.reject(error);
    for (const file of this.queued.splice(0)) writeNewFile(file.path, this.bytesOf(file)).then(file.resolve, file.reject);
    for (const resume of this.idle.splice(0)) resume();
  }

  /** The bytes of `file`, in the ring or in its own copy. */
  private bytesOf(file: PendingFile): Uint8Array {
    const { bytes } = file;
    return bytes instanceof Uint8Array ? bytes : this.ring.bytes.subarray(bytes.at, bytes.at + bytes.length);
  }
}

function settle(file: PendingFile, outcome: Outcome | undefined): void {
  if (outcome === "written") file.resolve(true);
  else if (outcome === "exists") file.resolve(false);
  else {
    const { message, ...fields } = outcome ?? { message: "no answer from the thread writing small files" };
    file.reject(Object.assign(new Error(message), fields, { path: file.path }));
  }
}
