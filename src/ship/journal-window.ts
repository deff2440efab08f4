import fs from 'node:fs';
import { checkJournalEvent } from '../../events/registry.js';
import { nodeFileOps, type FileOps } from '../durable/file-ops.js';
import { scanJournal, type TailState } from '../journal/reader.js';

/** A verified position in a journal: just after line `seq`, whose hash is `hash`. */
export interface JournalPosition {
  readonly seq: number;
  readonly hash: string;
  /** Byte offset just after line `seq` (0 before the first line). */
  readonly offset: number;
}

export interface VerifiedLine {
  readonly seq: number;
  readonly hash: string;
  /** The line's bytes exactly as in the journal, newline included. */
  readonly bytes: Buffer;
  /** Byte offset just after the line. */
  readonly end: number;
  /** RunStarted's projectId, on line 1 only. */
  readonly projectId: string | null;
  /** The line is RunFinished: nothing can follow it. */
  readonly finished: boolean;
}

export interface JournalWindow {
  readonly lines: VerifiedLine[];
  /** How the scanned window ends: clean, torn (an incomplete append, or the window's edge) or corrupt. */
  readonly tail: TailState;
  /** True when the window stopped before the end of the file (more may verify after it). */
  readonly capped: boolean;
  readonly fileSize: number;
}

/**
 * Reads the verified lines after `from`, at most about `maxBytes` of them, with the journal's
 * own recovering reader (the same rules as replay and verify: nothing is parsed twice). The reader
 * sees a file that ends at the window's edge, so memory stays bounded by the window whatever the
 * journal's size; a line cut by the edge reads as torn and is read whole by the next window.
 */
export function readJournalWindow(journal: string, runId: string, from: JournalPosition, maxBytes: number): JournalWindow {
  let fileSize = 0;
  let windowEnd = 0;
  const capped: FileOps = {
    ...nodeFileOps,
    fstatSync: (fd) => {
      const stat = nodeFileOps.fstatSync(fd);
      fileSize = stat.size;
      windowEnd = Math.min(stat.size, from.offset + maxBytes);
      return Object.assign(Object.create(Object.getPrototypeOf(stat) as object) as fs.Stats, stat, { size: windowEnd });
    },
  };
  const ends: Array<{ seq: number; hash: string; end: number; projectId: string | null; finished: boolean }> = [];
  const scan = scanJournal(
    journal,
    {
      runId,
      checkEvent: checkJournalEvent,
      from: from.offset === 0 ? undefined : from,
      ops: capped,
      chunkBytes: Math.min(maxBytes, 1 << 20),
    },
    (entry, end) => {
      const projectId = entry.type === 'RunStarted' ? (entry.data as { projectId: string }).projectId : null;
      ends.push({ seq: entry.seq, hash: entry.hash, end, projectId, finished: entry.type === 'RunFinished' });
    },
  );
  const lines: VerifiedLine[] = [];
  if (ends.length > 0) {
    const bytes = readRange(journal, from.offset, scan.goodEnd);
    let start = from.offset;
    for (const e of ends) {
      lines.push({
        seq: e.seq,
        hash: e.hash,
        bytes: bytes.subarray(start - from.offset, e.end - from.offset),
        end: e.end,
        projectId: e.projectId,
        finished: e.finished,
      });
      start = e.end;
    }
  }
  return { lines, tail: scan.tail, capped: windowEnd < fileSize, fileSize };
}

function readRange(file: string, start: number, end: number): Buffer {
  const out = Buffer.allocUnsafe(end - start);
  const fd = fs.openSync(file, 'r');
  try {
    for (let done = 0; done < out.length;) {
      const n = fs.readSync(fd, out, done, out.length - done, start + done);
      if (n <= 0) throw new Error(`${file} shrank while it was read (at byte ${start + done})`);
      done += n;
    }
  } finally {
    fs.closeSync(fd);
  }
  return out;
}
