import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { runledgerVersion } from '../src/version.js';
import { writeFileAtomic } from '../src/durable/atomic-file.js';
import { sha256Hex } from '../src/journal/line.js';
import { warnDiscarded } from './derived-warning.js';
import { readAssemblyRecord, type AssemblyRecord } from './assembly-record.js';
import { readIndexLog, removeIndexLog } from './index-log.js';
import { decodeEntryLine, encodeEntryLine } from './run-index-codec.js';
import type { RunIndexEntry } from './run-index-entry.js';
import type { ReplayPaths } from './replay-paths.js';

export type { RunIndexEntry };

// Bump when RunIndexEntry, the per-run fragments or the projection state change: an index of another
// version is ignored and everything rebuilt.
// The runledger version is checked too: another version's projections may give other bytes, so
// its index is ignored and every run rebuilt.
const INDEX_VERSION = 18;

export function loadRunIndex(paths: ReplayPaths): Map<string, RunIndexEntry> {
  return loadRunIndexWithAssembly(paths).index;
}

/** What the index on disk holds: index.json with the live updates' pending entries (index-log.ts) applied. */
export interface LoadedRunIndex {
  /** Every run's latest entry. */
  readonly index: Map<string, RunIndexEntry>;
  /** index.json's generation: what pending entries and the assembly record pair with (null: no index). */
  readonly generation: string | null;
  /** The record of the last table assembly (assembly-record.ts), if it was made from this index. */
  readonly record: AssemblyRecord | null;
  /** The entries the recorded assembly was made from: index.json's, with the pending entries it took in. */
  readonly assembled: ReadonlyMap<string, RunIndexEntry>;
  /** Runs with a pending entry newer than the recorded assembly: their rows in the assembled files are older than their fragments. */
  readonly pending: ReadonlySet<string>;
  /** Sizes of index.json and of the pending log: when the log has grown large, it is folded into index.json. */
  readonly indexBytes: number;
  readonly logBytes: number;
}

/**
 * The index and the table assembly it describes: index.json's entries, with the entries that live
 * updates and replays appended since (index-log.ts) on top. The assembled files were made from
 * index.json's entries and the log's first `pendingBytes` bytes when `.replay/tables.json` names
 * index.json's generation; the runs of the log's later entries are listed as pending.
 */
export function loadRunIndexWithAssembly(paths: ReplayPaths): LoadedRunIndex {
  const file = readIndexFile(paths);
  if (file === null)
    return { index: new Map(), generation: null, record: null, assembled: new Map(), pending: new Set(), indexBytes: 0, logBytes: 0 };
  const { generation } = file;
  const saved = readAssemblyRecord(paths);
  const record = saved !== null && generation !== null && saved.generation === generation ? saved : null;
  const logged = readIndexLog(paths, generation, record?.pendingBytes ?? 0);
  const assembled = new Map(file.entries);
  for (const [runId, entry] of logged.assembled) assembled.set(runId, entry);
  const index = new Map(assembled);
  for (const [runId, entry] of logged.pending) index.set(runId, entry);
  return { index, generation, record, assembled, pending: new Set(logged.pending.keys()), indexBytes: file.bytes, logBytes: logged.bytes };
}

/** index.json's entries, generation and size; null when it is missing, of another version, or does not verify (warned). */
function readIndexFile(paths: ReplayPaths): { entries: Map<string, RunIndexEntry>; generation: string | null; bytes: number } | null {
  let text: string;
  try {
    text = fs.readFileSync(paths.index, 'utf8');
  } catch {
    return null; // missing or unreadable: replay rebuilds everything, which is always correct
  }
  const file = splitIndexText(text);
  if (file === null) return unlaidOut(paths, text);
  let parsed: IndexHead;
  try {
    parsed = JSON.parse(file.head) as IndexHead;
  } catch {
    warnDiscarded(paths.index, 'it is not JSON');
    return null;
  }
  // Another format or runledger version is no damage: it is rebuilt without a warning.
  if (!isThisVersion(parsed)) return null;
  // The SHA-256 covers the runs part as written, so it is checked on those bytes, not on a re-serialisation.
  if (parsed.sha256 !== sha256Hex(file.runs)) {
    warnDiscarded(paths.index, 'its SHA-256 does not match its runs');
    return null;
  }
  const entries = new Map<string, RunIndexEntry>();
  for (const line of file.runs === '' ? [] : file.runs.split(RUNS_SEPARATOR)) {
    const entry = decodeEntryLine(line);
    if (entry === null) {
      warnDiscarded(paths.index, 'an entry does not decode');
      return null;
    }
    entries.set(entry.runId, entry);
  }
  return { entries, generation: typeof parsed.generation === 'string' ? parsed.generation : null, bytes: Buffer.byteLength(text) };
}

/**
 * The generation of index.json, from its first line alone (a live update must not parse every run's
 * entry): null when there is no index of this version, and a live update then runs a whole replay.
 */
export function readIndexGeneration(paths: ReplayPaths): string | null {
  let head: string;
  try {
    const fd = fs.openSync(paths.index, 'r');
    try {
      const buffer = Buffer.alloc(4096);
      head = buffer.toString('utf8', 0, fs.readSync(fd, buffer, 0, buffer.length, 0));
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return null;
  }
  const firstLine = head.slice(0, Math.max(0, head.indexOf('\n')));
  if (!firstLine.endsWith(RUNS_OPENING)) return null;
  try {
    const parsed = JSON.parse(`${firstLine.slice(0, -RUNS_OPENING.length)}}`) as {
      version?: unknown;
      runledger?: unknown;
      generation?: unknown;
    };
    return parsed.version === INDEX_VERSION && parsed.runledger === runledgerVersion() && typeof parsed.generation === 'string'
      ? parsed.generation
      : null;
  } catch {
    return null;
  }
}

const RUNS_OPENING = ',"runs":[';
const RUNS_SEPARATOR = ',\n';
const RUNS_CLOSING = '\n]}\n';

interface IndexHead {
  readonly version?: unknown;
  readonly runledger?: unknown;
  readonly generation?: unknown;
  readonly sha256?: unknown;
}

const isThisVersion = (head: IndexHead | null): boolean =>
  head !== null && typeof head === 'object' && head.version === INDEX_VERSION && head.runledger === runledgerVersion();

/**
 * index.json as saveRunIndex lays it out: its first line is the head's JSON with `,"runs":[` in place
 * of its closing brace, then the runs part (one entry a line, what the SHA-256 covers), then `\n]}\n`.
 * The head as JSON of its own, and the runs part as written; null when the text is not laid out so.
 */
function splitIndexText(text: string): { head: string; runs: string } | null {
  const firstLine = text.indexOf('\n');
  const runsEnd = text.length - RUNS_CLOSING.length;
  if (firstLine < 0 || runsEnd < firstLine + 1 || !text.endsWith(RUNS_CLOSING)) return null;
  const head = text.slice(0, firstLine);
  if (!head.endsWith(RUNS_OPENING)) return null;
  return { head: `${head.slice(0, -RUNS_OPENING.length)}}`, runs: text.slice(firstLine + 1, runsEnd) };
}

/**
 * An index.json not laid out as saveRunIndex writes it: another version's (rebuilt silently), or one
 * that is damaged or was edited, discarded with a warning.
 */
function unlaidOut(paths: ReplayPaths, text: string): null {
  let parsed: IndexHead | null;
  try {
    parsed = JSON.parse(text) as IndexHead | null;
  } catch {
    warnDiscarded(paths.index, 'it is not JSON');
    return null;
  }
  if (isThisVersion(parsed)) warnDiscarded(paths.index, 'its SHA-256 does not match its runs');
  return null;
}

/** Writes index.json whole, with a new generation (returned), and removes the pending log it took in. */
export function saveRunIndex(paths: ReplayPaths, index: ReadonlyMap<string, RunIndexEntry>): string {
  const runs = [...index.values()].sort((a, b) => (a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0));
  // One run a line, so that the file reads (and diffs) run by run.
  const lines = runs.map(encodeEntryLine).join(RUNS_SEPARATOR);
  // A new generation: pending entries appended for the old index.json are ignored from now on.
  const generation = randomBytes(8).toString('hex');
  const head = JSON.stringify({ version: INDEX_VERSION, runledger: runledgerVersion(), generation, sha256: sha256Hex(lines) });
  writeFileAtomic(paths.index, `${head.slice(0, -1)}${RUNS_OPENING}\n${lines}${RUNS_CLOSING}`);
  removeIndexLog(paths);
  return generation;
}

/** Runs in table order: by start time, then run id; runs without derived rows are left out. */
export function tableOrder(index: ReadonlyMap<string, RunIndexEntry>): RunIndexEntry[] {
  return [...index.values()]
    .filter((e) => e.refused === null && !e.empty && e.startedAt !== null)
    .sort((a, b) =>
      a.startedAt! < b.startedAt! ? -1 : a.startedAt! > b.startedAt! ? 1 : a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0,
    );
}

/** Rows per table over the runs in the tables, from the index alone. */
export function countRows(index: ReadonlyMap<string, RunIndexEntry>, tableFiles: readonly string[]): Map<string, number> {
  const counts = new Map(tableFiles.map((file) => [file, 0]));
  for (const entry of tableOrder(index)) for (const file of tableFiles) counts.set(file, counts.get(file)! + (entry.tableRows[file] ?? 0));
  return counts;
}
