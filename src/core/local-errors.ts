/**
 * Local disk errors in the skyfs family: Node's `EACCES`, `EISDIR`, `ENAMETOOLONG`... become
 * typed errors that name the path, for the disk backend and for downloads alike.
 * @module
 */
import {
  FileExistsError,
  InvalidArgumentError,
  IsADirectoryError,
  NotADirectoryError,
  NotFoundError,
  PermissionError,
  SkyfsError,
} from "./errors.js";

const MESSAGES: Record<string, [new (message: string, options: object) => SkyfsError, string]> = {
  ENOENT: [NotFoundError, "no such file or directory"],
  EACCES: [PermissionError, "permission denied"],
  EPERM: [PermissionError, "operation not permitted"],
  EROFS: [PermissionError, "read-only file system"],
  EISDIR: [IsADirectoryError, "is a directory"],
  ENOTDIR: [NotADirectoryError, "not a directory"],
  EEXIST: [FileExistsError, "already exists"],
  ENOTEMPTY: [FileExistsError, "directory not empty"],
  ENAMETOOLONG: [InvalidArgumentError, "file name too long"],
  ENOSPC: [SkyfsError, "no space left on device"],
  EDQUOT: [SkyfsError, "disk quota exceeded"],
  EBUSY: [SkyfsError, "resource busy"],
  EMFILE: [SkyfsError, "too many open files"],
};

/**
 * The skyfs error for a failed local file operation on `path`. A skyfs error passes unchanged;
 * a Node error keeps its code (`EACCES`) and is kept as the cause.
 */
export function localFileError(error: unknown, path: string): SkyfsError {
  if (error instanceof SkyfsError) return error;
  const code = (error as NodeJS.ErrnoException)?.code;
  const options = { url: path, code, cause: error };
  const known = code === undefined ? undefined : MESSAGES[code];
  if (known) return new known[0](known[1], options);
  return new SkyfsError(`local file error${code ? ` ${code}` : ""}: ${(error as Error)?.message ?? String(error)}`, options);
}

/**
 * The skyfs error for a failed creation of the folder `path`: a file in the way (`EEXIST`,
 * `ENOTDIR`) is a {@link NotADirectoryError}, anything else as {@link localFileError}.
 */
export function localFolderError(error: unknown, path: string): SkyfsError {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === "EEXIST" || code === "ENOTDIR")
    return new NotADirectoryError("cannot create this folder: a file is in the way", { url: path, code, cause: error });
  return localFileError(error, path);
}
