/**
 * The one family of errors skyfs raises. Every error carries the URL it concerns (never
 * credentials) and, when a provider answered, the provider's own code.
 * @module
 */
import { redactText, redactUrl, reduceCause } from "./redact.js";

/** Fields shared by every skyfs error. */
export interface SkyfsErrorOptions {
  /** The URL or path the operation concerned. */
  url?: string;
  /** The provider's own error code (`NoSuchKey`, `403`, ...), when one answered. */
  code?: string;
  /** The underlying error. */
  cause?: unknown;
}

/**
 * Base class of every error skyfs raises on purpose. The URL and the message are shown with
 * secrets redacted, and a cause from below skyfs (an SDK or transport error) is kept only as a
 * reduced copy without the signed request, canonical request or tokens it may carry.
 */
export class SkyfsError extends Error {
  /** The URL or path the operation concerned. */
  readonly url: string | undefined;
  /** The provider's own error code, when one answered. */
  readonly code: string | undefined;

  constructor(message: string, options: SkyfsErrorOptions = {}) {
    const url = options.url === undefined ? undefined : redactUrl(options.url);
    super(redactText(url ? `${message} (${url})` : message), { cause: reduceCause(options.cause, (error) => error instanceof SkyfsError) });
    if (!Object.hasOwn(new.target.prototype, "name")) this.name = new.target.name;
    this.url = url;
    this.code = options.code;
  }
}

/** The object, file or directory does not exist. */
export class NotFoundError extends SkyfsError {}

/** The store refused access (missing credentials, denied policy, requester-pays flag absent). */
export class PermissionError extends SkyfsError {}

/** A file operation was asked of a directory. */
export class IsADirectoryError extends SkyfsError {}

/** A directory operation was asked of a file. */
export class NotADirectoryError extends SkyfsError {}

/** The target exists and the operation would not overwrite it. */
export class FileExistsError extends SkyfsError {}

/** The object changed between two reads of one open source (its ETag or version differs). */
export class ConsistencyError extends SkyfsError {}

/** A URL could not be understood, or names a scheme nobody registered. */
export class InvalidUrlError extends SkyfsError {}

/** An argument is out of its allowed range (negative length, bad range, unsafe key). */
export class InvalidArgumentError extends SkyfsError {}

/** An optional dependency needed for this URL is not installed. */
export class MissingDependencyError extends SkyfsError {
  /** The npm package to install. */
  readonly packageName: string;

  constructor(packageName: string, purpose: string) {
    super(`the optional package '${packageName}' is needed for ${purpose}: run npm install ${packageName}`);
    this.packageName = packageName;
  }
}

/** The store cannot do this operation (writing to a plain HTTP server, for instance). */
export class NotSupportedError extends SkyfsError {}

/** A read would exceed the byte budget set on the filesystem. */
export class BudgetExceededError extends SkyfsError {}

/** The store answered with an error that may pass (throttling, 5xx, reset, timeout). */
export class TransientError extends SkyfsError {
  /** HTTP status, when there was one. */
  readonly status: number | undefined;

  constructor(message: string, options: SkyfsErrorOptions & { status?: number } = {}) {
    super(message, options);
    this.status = options.status;
  }
}

/** The store answered in a way skyfs cannot use (bad status, wrong Content-Range, short body). */
export class ProtocolError extends SkyfsError {}

/** The operation was cancelled through its AbortSignal. */
export class AbortError extends SkyfsError {}

/** Where in a file a format error was found. */
export interface FormatErrorOptions extends SkyfsErrorOptions {
  /** Byte offset in the file where the problem was found. */
  offset?: number;
  /** Index of the FITS HDU or ASDF block concerned. */
  index?: number;
}

/** A file is not valid in its format (bad header, truncated data, lying sizes). */
export class FormatError extends SkyfsError {
  /** Byte offset in the file where the problem was found. */
  readonly offset: number | undefined;
  /** Index of the FITS HDU or ASDF block concerned. */
  readonly index: number | undefined;

  constructor(message: string, options: FormatErrorOptions = {}) {
    const where = [
      options.index !== undefined ? `index ${options.index}` : undefined,
      options.offset !== undefined ? `byte ${options.offset}` : undefined,
    ].filter(Boolean);
    super(where.length > 0 ? `${message} [${where.join(", ")}]` : message, options);
    this.offset = options.offset;
    this.index = options.index;
  }
}

/** Throws {@link AbortError} when the signal is already aborted. */
export function throwIfAborted(signal: AbortSignal | undefined, url?: string): void {
  if (signal?.aborted) throw new AbortError("operation aborted", { url, cause: signal.reason });
}

/**
 * Gives each error class a `name` that survives minification (a bundler renames classes, and
 * `error.name` would read `ne` in a page): the class's name as written.
 */
export function nameErrorClasses(classes: Record<string, abstract new (...args: never[]) => Error>): void {
  for (const [name, type] of Object.entries(classes))
    Object.defineProperty(type.prototype, "name", { value: name, writable: true, configurable: true });
}

nameErrorClasses({
  SkyfsError,
  NotFoundError,
  PermissionError,
  IsADirectoryError,
  NotADirectoryError,
  FileExistsError,
  ConsistencyError,
  InvalidUrlError,
  InvalidArgumentError,
  MissingDependencyError,
  NotSupportedError,
  BudgetExceededError,
  TransientError,
  ProtocolError,
  AbortError,
  FormatError,
});
