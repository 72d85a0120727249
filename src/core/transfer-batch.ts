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
  /** Files transferred in full before the batch stopped, in the batch's order. */
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
 * Lets a job finish without its lane: the job completes (or fails) when `finishing` settles, and
 * the lane goes on to the next job as soon as the worker returns.
 */
export type HandOff = (finishing: Promise<void>) => void;

/**
 * Runs `worker` over `jobs`, at most `concurrency` at once, each with a signal that aborts when
 * the caller's does or when another job failed. A worker may hand the end of its job off (see
 * {@link HandOff}), once, before it returns. Resolves when all completed. Otherwise rejects after
 * every started job has settled, handed-off ends included: with the job's own error when there
 * was one job (or when the caller aborted), else with a {@link TransferError}.
 */
export async function runTransferBatch<T>(
  jobs: readonly T[],
  options: TransferBatchOptions<T>,
  worker: (job: T, signal: AbortSignal, handOff: HandOff) => Promise<void>,
): Promise<void> {
  const controller = new AbortController();
  allowManyListeners(controller.signal);
  const forward = (): void => controller.abort(options.signal?.reason);
  if (options.signal?.aborted) forward();
  else options.signal?.addEventListener("abort", forward, { once: true });
  /** Indices of the jobs completed, in the order they completed. */
  const completed: number[] = [];
  const failed: FailedTransfer[] = [];
  const finishing: Array<Promise<void>> = [];
  const fail = (job: T, error: unknown): void => {
    if (controller.signal.aborted) return;
    failed.push({ url: options.name(job), error });
    controller.abort(error);
  };
  let next = 0;
  const lane = async (): Promise<void> => {
    while (!controller.signal.aborted && next < jobs.length) {
      const index = next++;
      const job = jobs[index] as T;
      const handedOff: Array<Promise<void>> = [];
      try {
        await worker(job, controller.signal, (end) => {
          // Marked as handled at once: its outcome is taken once the worker has returned.
          end.catch(() => undefined);
          handedOff.push(end);
        });
      } catch (error) {
        fail(job, error);
        finishing.push(...handedOff.map((end) => end.catch(() => undefined)));
        continue;
      }
      if (handedOff.length === 0) completed.push(index);
      else
        finishing.push(
          Promise.all(handedOff).then(
            () => void completed.push(index),
            (error: unknown) => fail(job, error),
          ),
        );
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, jobs.length)) }, lane));
    await Promise.all(finishing);
  } finally {
    options.signal?.removeEventListener("abort", forward);
  }
  if (options.signal?.aborted) throw new AbortError("operation aborted", { cause: options.signal.reason });
  if (failed.length === 0) return;
  if (jobs.length === 1) throw failed[0]?.error;
  const completedNames = completed.sort((a, b) => a - b).map((index) => options.name(jobs[index] as T));
  throw new TransferError(completedNames, failed, jobs.length);
}

nameErrorClasses({ TransferError });
