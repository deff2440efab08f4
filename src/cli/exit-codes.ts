import { FileSystemError } from '../errors.js';

/** Documented in README "CLI". */
export const EXIT_OK = 0;
/** Findings: corruption, a failed check. */
export const EXIT_FINDINGS = 1;
/** Usage or input error: bad arguments, unknown run, unreadable dir; a file-system refusal (disk full, no permission). */
export const EXIT_USAGE = 2;
/** An unexpected error: a bug of runledger's (the message asks to report it). */
export const EXIT_INTERNAL = 3;

export class UsageError extends Error {}

/** What to do about each file-system error code runledger does not handle itself. */
const FILE_SYSTEM_HINTS: Readonly<Record<string, string>> = {
  ENOSPC: 'the disk is full: free space and run the command again (journals are never rewritten, derived files are replaced whole)',
  EDQUOT: 'the disk quota is exhausted: free space and run the command again',
  EACCES: 'permission denied: check the owner and mode of the folder, or give another --dir',
  EPERM: 'operation not permitted: check the owner and mode of the folder, or give another --dir',
  EROFS: 'the file system is read-only: give a writable --dir',
  ENOTDIR: 'a file stands where a folder is expected: check --dir and the files under it',
  EISDIR: 'a folder stands where a file is expected: check --dir and the files under it',
  ENOENT: 'a file or folder disappeared while runledger used it (removed by cleanup or by hand?)',
  EMFILE: 'too many open files: raise the limit (ulimit -n) and run the command again',
  ENFILE: 'too many open files on the system: run the command again later',
  EIO: 'an I/O error: the disk may be failing',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'a path is too long: use a shorter --dir',
};

/**
 * The FileSystemError for a node error with one of the codes above (ENOSPC, EACCES, ...); null
 * for anything else, which is then a bug of runledger's.
 */
export function fileSystemErrorOf(error: unknown): FileSystemError | null {
  if (!(error instanceof Error)) return null;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === undefined || !(code in FILE_SYSTEM_HINTS)) return null;
  const { message } = error;
  return new FileSystemError(code, `${message.split('\n')[0]}: ${FILE_SYSTEM_HINTS[code]}.`, { cause: error });
}
