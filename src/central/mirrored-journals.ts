import fs from 'node:fs';
import { promisify } from 'node:util';
import { removeFileDurably } from '../durable/atomic-file.js';
import { ensureDirectoryDurably, fsyncDirectory, nodeFileOps } from '../durable/file-ops.js';
import { runPaths } from '../journal/paths.js';

const fdatasync = promisify(fs.fdatasync);

/**
 * The mirrored journals being appended to in one durable step. Verified bytes are written as
 * they come (page cache); `sync` then fdatasyncs every touched file at once (in the thread pool,
 * while the consumer keeps receiving) and fsyncs the folders of new files. Only after `sync`
 * may the central state say the bytes are there; bytes written past the recorded end by a step
 * that never finished are cut off at the next start (`truncateToRecorded`).
 */
export class MirrorFiles {
  private readonly open = new Map<string, { fd: number; created: boolean; runDir: string }>();

  constructor(private readonly logsDir: string) {}

  append(runId: string, offset: number, bytes: Buffer): void {
    let file = this.open.get(runId);
    if (!file) {
      const paths = runPaths(this.logsDir, runId);
      const created = !fs.existsSync(paths.journal);
      if (created) ensureDirectoryDurably(nodeFileOps, paths.runDir);
      const fd = fs.openSync(paths.journal, fs.constants.O_WRONLY | fs.constants.O_CREAT, 0o600);
      if (fs.fstatSync(fd).size !== offset) fs.ftruncateSync(fd, offset);
      file = { fd, created, runDir: paths.runDir };
      this.open.set(runId, file);
    }
    for (let done = 0; done < bytes.length;) done += fs.writeSync(file.fd, bytes, done, bytes.length - done, offset + done);
  }

  /** Makes everything appended durable, then closes the files. */
  async sync(): Promise<void> {
    const files = [...this.open.values()];
    this.open.clear();
    try {
      await Promise.all(files.map((f) => fdatasync(f.fd)));
      for (const f of files) if (f.created) fsyncDirectory(nodeFileOps, f.runDir);
    } finally {
      for (const f of files) fs.closeSync(f.fd);
    }
  }

  /** Closes without syncing (after a failure: the recorded state still says where each journal ends). */
  abandon(): void {
    for (const f of this.open.values()) fs.closeSync(f.fd);
    this.open.clear();
  }
}

/** Cuts a mirrored journal back to what the central state records (a step that crashed before its state was saved). */
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
    throw new Error(
      `${journal} holds ${size} bytes, fewer than the ${offset} central replay mirrored into it; remove the folder's .central/ and runs/ to mirror the stream again`,
    );
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

/** Removes the journal of a run the central state does not hold (begun by a step that never saved its state), durably: it is mirrored anew, as a new file. */
export function removeUnrecorded(logsDir: string, runId: string): void {
  removeFileDurably(runPaths(logsDir, runId).journal);
}
