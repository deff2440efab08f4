import fs from 'node:fs';
import { checkJournalEvent } from '../../events/registry.js';
import type { FileOps } from '../journal/file-ops.js';
import { nodeFileOps } from '../journal/file-ops.js';
import { scanJournal, type ScanResult } from '../journal/reader.js';

/**
 * Checks lines received for a run against its chain so far with the journal's own reader, before
 * a byte is mirrored. The reader sees a virtual file: the mirrored journal's verified prefix
 * (never read: the scan starts after it, at `from`) followed by the new lines in memory.
 */
export function verifyBatch(runId: string, from: { offset: number; seq: number; hash: string }, lines: Buffer): ScanResult {
  const fd = -1;
  const size = from.offset + lines.length;
  const ops: FileOps = {
    ...nodeFileOps,
    openSync: () => fd,
    closeSync: () => undefined,
    fstatSync: () => ({ size }) as fs.Stats,
    readSync: (_fd, buffer, offset, length, position) => lines.copy(buffer, offset, position - from.offset, position - from.offset + length),
  };
  return scanJournal(`<stream:${runId}>`, { runId, checkEvent: checkJournalEvent, from: from.seq === 0 ? undefined : from, ops }, undefined);
}
