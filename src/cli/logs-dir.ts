import fs from 'node:fs';
import { LogsDirError, RunNotFoundError, UnsafeRunPathError } from '../errors.js';
import { resolveLogsDir, runPaths } from '../journal/paths.js';
import { describeFileKind } from '../journal/safe-open.js';

/** The folder's stat, or undefined when there is none; a path that runs through a file is refused. */
function statOf(dir: string): fs.Stats | undefined {
  try {
    return fs.statSync(dir, { throwIfNoEntry: false });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR')
      throw new LogsDirError(dir, 'it is not a folder: a part of the path is a file');
    throw error;
  }
}

/**
 * The logs folder of a command that reads journals (runs, show, verify, replay, the analyses...):
 * it must exist and be a folder. Read commands never create it, so a typo in --dir is an error,
 * not an empty listing and a new tree.
 */
export function existingLogsDir(option: string | undefined): string {
  const dir = resolveLogsDir(option);
  const stat = statOf(dir);
  if (stat === undefined) throw new LogsDirError(dir, 'no such folder; check --dir or RUNLEDGER_DIR (read commands never create it)');
  if (!stat.isDirectory()) throw new LogsDirError(dir, 'it is not a folder; --dir names the folder that holds runs/');
  return dir;
}

/**
 * The logs folder of a command that may start it (serve, ship, replay --from): it may not exist
 * yet, but if something is there it must be a folder.
 */
export function logsDirToCreate(option: string | undefined): string {
  const dir = resolveLogsDir(option);
  const stat = statOf(dir);
  if (stat !== undefined && !stat.isDirectory()) throw new LogsDirError(dir, 'it is not a folder; --dir names the folder that holds runs/');
  return dir;
}

/** The note a read command prints when it analysed a read-only logs folder without writing derived files. */
export function noteReadOnly(dir: string): void {
  process.stderr.write(`note: ${dir} is read-only: read from the journals without writing derived files\n`);
}

/** Refuses a read-only logs folder for a command whose work is writing there (replay, cleanup). */
export function assertWritableLogsDir(dir: string, command: string): void {
  if (!isWritable(dir))
    throw new LogsDirError(
      dir,
      `it is read-only, and ${command} writes there; the analyses (runs, compare, report...) read a read-only folder without writing`,
    );
}

/** Whether runledger can write under the logs folder (a read-only copy, a read-only mount, or not the owner). */
export function isWritable(dir: string): boolean {
  try {
    fs.accessSync(dir, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** A run's journal for show and tail: it must be there, and be a file. */
export function existingJournal(option: string | undefined, runId: string): string {
  const { journal } = runPaths(existingLogsDir(option), runId);
  const stat = fs.statSync(journal, { throwIfNoEntry: false });
  if (stat === undefined) throw new RunNotFoundError(runId, journal);
  // The reader's own refusal, so show, tail, verify and replay say the same of a folder, a FIFO or a link.
  if (!stat.isFile()) throw new UnsafeRunPathError(runId, journal, describeFileKind(stat));
  return journal;
}
