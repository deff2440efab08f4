import fs from 'node:fs';
import { ensureDirectoryDurably, fsyncDirectory, nodeFileOps } from '../journal/file-ops.js';
import { runPaths } from '../journal/paths.js';

/**
 * Appends verified bytes to a mirrored journal and makes them durable (fdatasync; a new file's
 * folder fsync'd too), before the central state says they are there.
 */
export function appendDurably(logsDir: string, runId: string, expectedSize: number, bytes: Buffer): void {
  const paths = runPaths(logsDir, runId);
  ensureDirectoryDurably(nodeFileOps, paths.runDir);
  const fd = fs.openSync(paths.journal, fs.constants.O_WRONLY | fs.constants.O_CREAT, 0o600);
  try {
    const size = fs.fstatSync(fd).size;
    // Bytes past the recorded end were written by a run that crashed before saving its state.
    if (size !== expectedSize) fs.ftruncateSync(fd, expectedSize);
    for (let done = 0; done < bytes.length; ) done += fs.writeSync(fd, bytes, done, bytes.length - done, expectedSize + done);
    fs.fdatasyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  if (expectedSize === 0) fsyncDirectory(nodeFileOps, paths.runDir);
}

/** Cuts a mirrored journal back to what the central state records (a crash between append and state save). */
export function truncateToRecorded(logsDir: string, runId: string, offset: number): void {
  const { journal } = runPaths(logsDir, runId);
  let size: number;
  try {
    size = fs.statSync(journal).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && offset === 0) return;
    throw error;
  }
  if (size < offset) {
    throw new Error(`${journal} holds ${size} bytes, fewer than the ${offset} central replay mirrored into it; remove the folder's .central/ and runs/ to mirror the stream again`);
  }
  if (size > offset) {
    const fd = fs.openSync(journal, 'r+');
    try {
      fs.ftruncateSync(fd, offset);
      fs.fdatasyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }
}
