/**
 * How the command reports a failure: one line `skyfs: Name: message` on standard error, or with
 * `--json` one JSON object `{"error": {...}}`; and a reader that went away (`skyfs find | head`)
 * is not a failure at all.
 * @module
 */
import { SkyfsError, TransferError } from "../index.js";

/** Whether `error` says that the reader of a stream we write went away (`EPIPE`). */
export function isBrokenPipe(error: unknown): boolean {
  return (error as NodeJS.ErrnoException)?.code === "EPIPE";
}

/** The JSON form of an error: name, message, URL and provider code, and for transfers the files done. */
export function errorJson(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { name: "Error", message: String(error) };
  const described: Record<string, unknown> = { name: error instanceof SkyfsError ? error.name : "Error", message: error.message };
  if (error instanceof SkyfsError) {
    if (error.url !== undefined) described.url = error.url;
    if (error.code !== undefined) described.code = error.code;
  }
  if (error instanceof TransferError) {
    described.completed = error.completed;
    described.failed = error.failed.map((failure) => ({ url: failure.url, ...errorJson(failure.error) }));
  }
  return described;
}

/** The text written on standard error for a failed command (ending with a newline). */
export function failureText(error: unknown, json: boolean): string {
  if (json) return `${JSON.stringify({ error: errorJson(error) })}\n`;
  const message = error instanceof SkyfsError ? `${error.name}: ${error.message}` : `error: ${(error as Error)?.message ?? String(error)}`;
  return `skyfs: ${message}\n`;
}
