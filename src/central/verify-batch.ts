import type fs from 'node:fs';
import type { FileOps } from '../durable/file-ops.js';
import { nodeFileOps } from '../durable/file-ops.js';
import { scanJournal, type ScanResult } from '../journal/reader.js';

/**
 * Checks lines received for a run against its chain so far with the journal's own reader, before
 * a byte is mirrored: each line's hash, its run id, seq = previous + 1 and prev = previous hash.
 * The reader sees a virtual file: the mirrored journal's verified prefix (never read: the scan
 * starts after it, at `from`) followed by the new lines in memory. Event schemas are left to the
 * replay that follows, which checks them with the same rules as a local replay (and refuses the
 * run the same way); checking them here too would double the cost of the mirror for nothing.
 */
export function verifyBatch(runId: string, from: { offset: number; seq: number; hash: string }, lines: Buffer): ScanResult {
  const fd = -1;
  const size = from.offset + lines.length;
  const ops: FileOps = {
    ...nodeFileOps,
    openSync: () => fd,
    closeSync: () => undefined,
    fstatSync: () => ({ size, isFile: () => true }) as fs.Stats,
    readSync: (_fd, buffer, offset, length, position) =>
      lines.copy(buffer, offset, position - from.offset, position - from.offset + length),
  };
  return scanJournal(`<stream:${runId}>`, { runId, from: from.seq === 0 ? undefined : from, ops }, undefined);
}
