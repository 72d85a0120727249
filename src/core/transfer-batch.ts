/**
 * Running the files of a `get` or `put`: a bounded number at once, and on the first failure no
 * new file is started, the files in flight are cancelled, and the call settles only once every
 * one of them has (so that nothing appears in the target after it returned), naming the files
 * that completed.
 * @module
 */
import { AbortError, nameErrorClasses, SkyfsError } from "./errors.js";
import { allowManyListeners } from "./signal-listeners.js";

/** One file of a failed batch and why it failed. */
export interface FailedTransfer {
  /** The file's URL or local path. */
  url: string;
  /** The error it failed with. */
  error: unknown;
}

/**
 * A transfer of several files failed. `completed` lists the files written in full; files that
 * were neither completed nor failed were cancelled or never started. The first failure is the
 * `cause`.
 */
export class TransferError extends SkyfsError {
  /** Files transferred in full before the batch stopped. */
  readonly completed: string[];
  /** Files that failed (not counting those cancelled because another one failed). */
  readonly failed: FailedTransfer[];
  /** Files in the batch. */
  readonly total: number;

  constructor(completed: string[], failed: FailedTransfer[], total: number) {
    const first = failed[0]?.error;
    const firstText = first instanceof Error ? `${first.name}: ${first.message}` : String(first);
    const rest = total - completed.length - failed.length;
    super(
      `${failed.length} of ${total} ${total === 1 ? "file" : "files"} failed, ${completed.length} completed${rest > 0 ? `, ${rest} cancelled or not started` : ""}; first failure: ${firstText}`,
      { cause: first, code: first instanceof SkyfsError ? first.code : undefined },
    );
    this.completed = completed;
    this.failed = failed;
    this.total = total;
  }
}

/** How {@link runTransferBatch} runs. */
export interface TransferBatchOptions<T> {
  /** Files at once. */
  concurrency: number;
  /** The caller's signal: aborting it cancels every file. */
  signal?: AbortSignal;
  /** The URL or path naming a job in errors and in {@link TransferError.completed}. */
  name: (job: T) => string;
}

/**
 * Runs `worker` over `jobs`, at most `concurrency` at once, each with a signal that aborts when
 * the caller's does or when another job failed. Resolves when all completed. Otherwise rejects
 * after every started job has settled: with the job's own error when there was one job (or
 * when the caller aborted), else with a {@link TransferError}.
 */
export async function runTransferBatch<T>(
  jobs: readonly T[],
  options: TransferBatchOptions<T>,
  worker: (job: T, signal: AbortSignal) => Promise<void>,
): Promise<void> {
  const controller = new AbortController();
  allowManyListeners(controller.signal);
  const forward = (): void => controller.abort(options.signal?.reason);
  if (options.signal?.aborted) forward();
  else options.signal?.addEventListener("abort", forward, { once: true });
  const completed: string[] = [];
  const failed: FailedTransfer[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    while (!controller.signal.aborted && next < jobs.length) {
      const job = jobs[next++] as T;
      try {
        await worker(job, controller.signal);
        completed.push(options.name(job));
      } catch (error) {
        if (!controller.signal.aborted) {
          failed.push({ url: options.name(job), error });
          controller.abort(error);
        }
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, jobs.length)) }, lane));
  } finally {
    options.signal?.removeEventListener("abort", forward);
  }
  if (options.signal?.aborted) throw new AbortError("operation aborted", { cause: options.signal.reason });
  if (failed.length === 0) return;
  if (jobs.length === 1) throw failed[0]?.error;
  throw new TransferError(completed, failed, jobs.length);
}

nameErrorClasses({ TransferError });
