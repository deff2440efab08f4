import fs from 'node:fs';
import path from 'node:path';
import { UnsafeRunPathError } from '../errors.js';
import { nodeFileOps, type FileOps } from '../durable/file-ops.js';

/** What a file that is not a regular file is, for a refusal. */
export function describeFileKind(stat: fs.Stats): string {
  if (stat.isSymbolicLink()) return 'a symbolic link';
  if (stat.isDirectory()) return 'a folder';
  if (stat.isFIFO()) return 'a FIFO (named pipe), not a regular file';
  if (stat.isSocket()) return 'a socket, not a regular file';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device, not a regular file';
  return 'not a regular file';
}

/** Throws UnsafeRunPathError when the run folder is a symbolic link (lstat: the link itself is asked, never followed). */
export function assertRunFolderNotLinked(runId: string, runDir: string): void {
  const stat = fs.lstatSync(runDir, { throwIfNoEntry: false });
  if (stat?.isSymbolicLink()) throw new UnsafeRunPathError(runId, runDir, 'a symbolic link');
}

/**
 * Opens a journal for reading without ever blocking or following a link: the run folder must not be a
 * symbolic link, the journal is opened O_NOFOLLOW (a link fails with ELOOP) and O_NONBLOCK (opening a
 * FIFO would otherwise wait forever for a writer, deaf to SIGTERM), and anything but a regular file is
 * refused before a byte is read. O_NONBLOCK changes nothing for a regular file.
 */
export function openJournalForReading(file: string, runId: string, ops: FileOps = nodeFileOps): { fd: number; size: number } {
  assertRunFolderNotLinked(runId, path.dirname(file));
  let fd: number;
  try {
    fd = ops.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw new UnsafeRunPathError(runId, file, 'a symbolic link');
    throw error;
  }
  const stat = ops.fstatSync(fd);
  if (!stat.isFile()) {
    ops.closeSync(fd);
    throw new UnsafeRunPathError(runId, file, describeFileKind(stat));
  }
  return { fd, size: stat.size };
}
