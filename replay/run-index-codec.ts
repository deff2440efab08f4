import { TABLE_FILES } from '../projections/tables/tables.js';
import { ASSEMBLED_FILES } from './assembled-files.js';
import type { RunIndexEntry } from './run-index-entry.js';

/**
 * An index entry as a positional JSON array, not an object with named keys: at 10,000 runs the
 * keyed form was 7 MB (710 bytes a run), and parsing and writing it was a large part of an
 * incremental replay that had little else to do. Row and byte counts follow TABLE_FILES and
 * ASSEMBLED_FILES. The index is replay's own bookkeeping: a malformed one is ignored and rebuilt.
 *
 * [runId, startedAt, lastEventAt, [offset, seq, hash, lastLineStart], journalBytes, journalMtimeMs,
 *  flags (1 unfinished, 2 writerAlive, 4 empty), lockStaleMs, tornTail [offset, bytes] | null,
 *  refused [line, offset, problem] | null, rows per table | 0, bytes per assembled file | 0]
 */
export type EncodedEntry = readonly unknown[];

const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;

const UNFINISHED = 1;
const WRITER_ALIVE = 2;
const EMPTY = 4;

function countsOf(record: Readonly<Record<string, number>>, files: readonly string[]): number[] | 0 {
  if (Object.keys(record).length === 0) return 0;
  return files.map((file) => record[file] ?? 0);
}

function recordOf(counts: unknown, files: readonly string[]): Record<string, number> | null {
  if (counts === 0) return {};
  if (!Array.isArray(counts) || counts.length !== files.length) return null;
  const record: Record<string, number> = {};
  for (let i = 0; i < files.length; i += 1) {
    const n: unknown = counts[i];
    if (!isCount(n)) return null;
    record[files[i]!] = n;
  }
  return record;
}

export function encodeEntry(e: RunIndexEntry): EncodedEntry {
  const { offset, seq, hash, lastLineStart } = e.checkpoint;
  const flags = (e.unfinished ? UNFINISHED : 0) | (e.writerAlive ? WRITER_ALIVE : 0) | (e.empty ? EMPTY : 0);
  return [
    e.runId,
    e.startedAt,
    e.lastEventAt,
    [offset, seq, hash, lastLineStart],
    e.journalBytes,
    e.journalMtimeMs,
    flags,
    e.lockStaleMs,
    e.tornTail ? [e.tornTail.offset, e.tornTail.bytes] : null,
    e.refused ? [e.refused.line, e.refused.offset, e.refused.problem] : null,
    countsOf(e.tableRows, TABLE_FILES),
    countsOf(e.tableBytes, ASSEMBLED_FILES),
  ];
}

const isTimeOrNull = (t: unknown): t is string | null => t === null || typeof t === 'string';

/** The entry, or null when the array is not one this version wrote. */
// eslint-disable-next-line complexity -- one guard per field of an index row, in the order encodeEntry writes them
export function decodeEntry(a: unknown): RunIndexEntry | null {
  if (!Array.isArray(a) || a.length !== 12) return null;
  const [runId, startedAt, lastEventAt, checkpoint, journalBytes, journalMtimeMs, flags, lockStaleMs, tornTail, refused, rows, bytes] =
    a as unknown[];
  if (typeof runId !== 'string' || !isTimeOrNull(startedAt) || !isTimeOrNull(lastEventAt)) return null;
  if (!Array.isArray(checkpoint) || checkpoint.length !== 4) return null;
  const [offset, seq, hash, lastLineStart] = checkpoint as unknown[];
  if (!isCount(offset) || !isCount(seq) || typeof hash !== 'string' || !isCount(lastLineStart)) return null;
  if (!isCount(journalBytes) || typeof journalMtimeMs !== 'number' || !isCount(flags) || !isCount(lockStaleMs)) return null;
  if (tornTail !== null && !(Array.isArray(tornTail) && tornTail.length === 2 && isCount(tornTail[0]) && isCount(tornTail[1]))) return null;
  if (
    refused !== null &&
    !(Array.isArray(refused) && refused.length === 3 && isCount(refused[0]) && isCount(refused[1]) && typeof refused[2] === 'string')
  )
    return null;
  const tableRows = recordOf(rows, TABLE_FILES);
  const tableBytes = recordOf(bytes, ASSEMBLED_FILES);
  if (!tableRows || !tableBytes) return null;
  return {
    runId,
    startedAt,
    lastEventAt,
    checkpoint: { offset, seq, hash, lastLineStart },
    journalBytes,
    journalMtimeMs,
    unfinished: (flags & UNFINISHED) !== 0,
    writerAlive: (flags & WRITER_ALIVE) !== 0,
    lockStaleMs,
    tornTail: tornTail ? { offset: tornTail[0] as number, bytes: tornTail[1] as number } : null,
    refused: refused ? { line: refused[0] as number, offset: refused[1] as number, problem: refused[2] as string } : null,
    empty: (flags & EMPTY) !== 0,
    tableRows,
    tableBytes,
  };
}

/**
 * The line each entry was read from or last written as. Entries are never changed (replay makes a new
 * object for a run that changed), so an entry's line stays its encoding: at 10,000 runs a save after
 * an incremental replay re-encodes the few runs that changed, not every one.
 */
const lineOfEntry = new WeakMap<RunIndexEntry, string>();

/** An entry as one line of index.json: JSON of its encodeEntry array. */
export function encodeEntryLine(e: RunIndexEntry): string {
  let line = lineOfEntry.get(e);
  if (line === undefined) {
    line = JSON.stringify(encodeEntry(e));
    lineOfEntry.set(e, line);
  }
  return line;
}

/** The entry on one line of index.json, or null when the line is not one this version wrote. */
export function decodeEntryLine(line: string): RunIndexEntry | null {
  let encoded: unknown;
  try {
    encoded = JSON.parse(line);
  } catch {
    return null;
  }
  const entry = decodeEntry(encoded);
  if (entry !== null) lineOfEntry.set(entry, line);
  return entry;
}
