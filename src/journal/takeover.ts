import { randomBytes } from 'node:crypto';
import { openJournalForReading } from './safe-open.js';
import fs from 'node:fs';
import path from 'node:path';
import { fsyncDirectory, type FileOps } from '../durable/file-ops.js';
import { JOURNAL_FILE, type RunPaths } from './paths.js';
import type { RunLock } from './run-lock.js';

/**
 * Fencing a run's previous writer at resume. A lock that goes stale does not mean its writer is
 * dead: a process frozen (SIGSTOP, a suspended VM, a long GC pause) between its lock check and its
 * write wakes up still holding a descriptor on the journal. Appending on the same file, its late
 * line would land among the new writer's lines and break the chain after them.
 *
 * So the new writer never appends to the file the old one has open. It copies the journal, works
 * on the copy (scan, quarantine, cut back to the last verified line), and renames the copy over
 * the journal. The old writer's descriptor now points at a file no name leads to: its late bytes
 * go there, and its post-write check (lock held, journal path still its file) refuses to
 * acknowledge them. An old writer whose post-write check passed wrote before the lock changed
 * hands, so before the copy was made: its acknowledged line is in the copy.
 */
const TAKEOVER_PREFIX = `${JOURNAL_FILE}.takeover-`;

/** Copies the journal to a private file next to it (0600, like the journal) and returns its path; refuses a linked or non-regular journal (UnsafeRunPathError). */
export function copyJournalForTakeover(paths: RunPaths, ops: FileOps): string {
  // Never copy through a link or from a FIFO (copyFile would follow the one and block on the other).
  ops.closeSync(openJournalForReading(paths.journal, path.basename(paths.runDir), ops).fd);
  removeTakeoverLeftovers(paths);
  const copy = path.join(paths.runDir, `${TAKEOVER_PREFIX}${process.pid}-${randomBytes(4).toString('hex')}`);
  ops.copyFileSync(paths.journal, copy, fs.constants.COPYFILE_EXCL);
  fs.chmodSync(copy, 0o600);
  return copy;
}

/**
 * Cuts the copy back to `goodEnd`, makes it durable and renames it over the journal; returns a
 * descriptor (O_APPEND) on the journal now in place. The lock is checked right before the rename.
 */
export function installTakeoverCopy(paths: RunPaths, copy: string, goodEnd: number, lock: RunLock, ops: FileOps): number {
  const fd = ops.openSync(copy, fs.constants.O_RDWR | fs.constants.O_APPEND);
  try {
    if (ops.fstatSync(fd).size !== goodEnd) ops.ftruncateSync(fd, goodEnd);
    ops.fdatasyncSync(fd);
    lock.assertHeld();
    ops.renameSync(copy, paths.journal);
    fsyncDirectory(ops, paths.runDir);
    return fd;
  } catch (error) {
    ops.closeSync(fd);
    throw error;
  }
}

/** Removes a copy that will not be installed (the resume was refused). */
export function discardTakeoverCopy(copy: string): void {
  fs.rmSync(copy, { force: true });
}

/**
 * Copies left by resumes that died before their rename. A copy whose process is alive is left
 * alone: a racer that still believes it holds the lock fails on its own check, not on a vanished copy.
 */
function removeTakeoverLeftovers(paths: RunPaths): void {
  for (const name of fs.readdirSync(paths.runDir)) {
    if (!name.startsWith(TAKEOVER_PREFIX)) continue;
    const pid = Number(name.slice(TAKEOVER_PREFIX.length).split('-')[0]);
    if (Number.isInteger(pid) && pid !== process.pid && isAlive(pid)) continue;
    fs.rmSync(path.join(paths.runDir, name), { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
