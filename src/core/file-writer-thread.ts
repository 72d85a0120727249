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

/** What the thread answers for each file of a batch, by its place in the batch. */
const WRITTEN = 0;
const EXISTS = 1;
const FAILED = 2;

/**
 * The thread's code: for each file of a batch, `writeFileSync` with flag `wx`, answering
 * written, exists, or the error (the file removed when it was created before the error), as
 * {@link writeNewFile} does through the pool. A batch travels compact, since copying a message
 * between threads costs by the value: the paths in one string, separated by NUL (which no path
 * holds), each file's place in the ring (or -1 and the index of its own copy) in one array, and
 * the answer is one byte a file plus the errors. Nothing is transferred, all is copied: the first
 * array buffer a process detaches makes V8 drop the optimized code of every function that reads
 * typed arrays, in that thread, and recompile it with checks for detached buffers.
 */
const THREAD_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { unlinkSync, writeFileSync } = require("node:fs");
const ring = new Uint8Array(workerData);
function create(path, bytes, index, errors) {
  try {
    writeFileSync(path, bytes, { flag: "wx" });
    return ${WRITTEN};
  } catch (error) {
    if (error.code === "EEXIST") return ${EXISTS};
    if (error.syscall !== "open") {
      try { unlinkSync(path); } catch {}
    }
    errors.push({ index, message: error.message, code: error.code, errno: error.errno, syscall: error.syscall });
    return ${FAILED};
  }
}
parentPort.on("message", ({ paths, places, copies }) => {
  const names = paths.split("\\0");
  const outcomes = new Uint8Array(names.length);
  const errors = [];
  for (let i = 0; i < names.length; i++) {
    const at = places[2 * i];
    const bytes = at < 0 ? copies[places[2 * i + 1]] : ring.subarray(at, at + places[2 * i + 1]);
    outcomes[i] = create(names[i], bytes, i, errors);
  }
  parentPort.postMessage({ outcomes, errors });
});
`;

/** A file the thread could not create: its place in the batch and the system's error. */
interface ThreadError {
  index: number;
  message: string;
  code?: string;
  errno?: number;
  syscall?: string;
}

/** A file handed over and not yet answered for. */
interface PendingFile {
  path: string;
  /** Where its bytes are in the ring, or a copy of them, copied again into the message. */
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
    this.thread.on("message", ({ outcomes, errors }: { outcomes: Uint8Array; errors: ThreadError[] }) => this.answered(outcomes, errors));
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
    if (this.ended || path.includes("\0")) return writeNewFile(path, bytes);
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
    const places = new Float64Array(this.sent.length * 2);
    const copies: Uint8Array<ArrayBuffer>[] = [];
    this.sent.forEach(({ bytes }, i) => {
      if (bytes instanceof Uint8Array) {
        places[2 * i] = -1;
        places[2 * i + 1] = copies.push(bytes) - 1;
      } else {
        places[2 * i] = bytes.at;
        places[2 * i + 1] = bytes.length;
      }
    });
    const paths = this.sent.map(({ path }) => path).join("\0");
    this.thread.postMessage({ paths, places, copies });
  }

  private answered(outcomes: Uint8Array, errors: ThreadError[]): void {
    const files = this.sent;
    this.sent = [];
    let nextError = 0;
    for (const [i, file] of files.entries()) {
      if (!(file.bytes instanceof Uint8Array)) this.ring.giveBack();
      const outcome = outcomes[i];
      if (outcome === WRITTEN) file.resolve(true);
      else if (outcome === EXISTS) file.resolve(false);
      else {
        const error = errors[nextError]?.index === i ? errors[nextError++] : undefined;
        fail(file, error ?? { index: i, message: "no answer from the thread writing small files" });
      }
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

/** Rejects `file` with the system's error the thread reported. */
function fail(file: PendingFile, { index: _index, message, ...fields }: ThreadError): void {
  file.reject(Object.assign(new Error(message), fields, { path: file.path }));
}
