import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { runledgerVersion } from '../src/version.js';
import { writeFileAtomic } from '../src/durable/atomic-file.js';
import { sha256Hex } from '../src/journal/line.js';
import { warnDiscarded } from './derived-warning.js';
import { readIndexLog, removeIndexLog } from './index-log.js';
import { decodeEntry, encodeEntry } from './run-index-codec.js';
import type { RunIndexEntry } from './run-index-entry.js';
import type { ReplayPaths } from './replay-paths.js';

export type { RunIndexEntry };

// Bump when RunIndexEntry, the per-run fragments or the projection state change: an index of another
// version is ignored and everything rebuilt.
// The runledger version is checked too: another version's projections may give other bytes, so
// its index is ignored and every run rebuilt.
const INDEX_VERSION = 17;

export function loadRunIndex(paths: ReplayPaths): Map<string, RunIndexEntry> {
  return loadRunIndexWithAssembly(paths).index;
}

/** What the index on disk holds: index.json with the live updates' pending entries (index-log.ts) applied. */
export interface LoadedRunIndex {
  /** Every run's latest entry. */
  readonly index: Map<string, RunIndexEntry>;
  /** The id of the table assembly index.json's own entries describe (csv-assembly.ts). */
  readonly assembly: string | null;
  /** index.json's own entries: what the assembled files were made from. */
  readonly assembled: ReadonlyMap<string, RunIndexEntry>;
  /** Runs with a pending entry: their rows in the assembled files are older than their fragments. */
  readonly pending: ReadonlySet<string>;
}

/**
 * The index and the id of the table assembly it describes: the assembled files were made from
 * index.json's entries, in table order, when `.replay/tables.json` names the same id (csv-assembly.ts).
 * Entries that live updates appended since (index-log.ts) are applied on top, and their runs listed as pending.
 */
export function loadRunIndexWithAssembly(paths: ReplayPaths): LoadedRunIndex {
  const empty = { index: new Map<string, RunIndexEntry>(), assembly: null, assembled: new Map(), pending: new Set<string>() };
  let text: string;
  try {
    text = fs.readFileSync(paths.index, 'utf8');
  } catch {
    return empty; // missing or unreadable: replay rebuilds everything, which is always correct
  }
  let parsed: { version?: number; runledger?: string; assembly?: unknown; generation?: unknown; sha256?: unknown; runs?: unknown[] };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    warnDiscarded(paths.index, 'it is not JSON');
    return empty;
  }
  // Another format or runledger version is no damage: it is rebuilt without a warning.
  if (parsed === null || typeof parsed !== 'object' || parsed.version !== INDEX_VERSION || parsed.runledger !== runledgerVersion())
    return empty;
  if (!Array.isArray(parsed.runs) || parsed.sha256 !== sha256Hex(runsText(parsed.runs))) {
    warnDiscarded(paths.index, 'its SHA-256 does not match its runs');
    return empty;
  }
  const assembled = new Map<string, RunIndexEntry>();
  for (const encoded of parsed.runs) {
    const entry = decodeEntry(encoded);
    if (entry === null) {
      warnDiscarded(paths.index, 'an entry does not decode');
      return empty;
    }
    assembled.set(entry.runId, entry);
  }
  const logged = readIndexLog(paths, typeof parsed.generation === 'string' ? parsed.generation : null);
  const index = new Map(assembled);
  for (const [runId, entry] of logged) index.set(runId, entry);
  return { index, assembly: typeof parsed.assembly === 'string' ? parsed.assembly : null, assembled, pending: new Set(logged.keys()) };
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

/** The runs part of the index as written, one run a line: what its SHA-256 covers (JSON.stringify of parsed JSON gives the same text). */
const runsText = (encoded: readonly unknown[]): string => encoded.map((entry) => JSON.stringify(entry)).join(',\n');

export function saveRunIndex(paths: ReplayPaths, index: ReadonlyMap<string, RunIndexEntry>, assembly: string | null = null): void {
  const runs = [...index.values()].sort((a, b) => (a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0));
  // One run a line, so that the file reads (and diffs) run by run.
  const lines = runsText(runs.map(encodeEntry));
  // A new generation: pending entries appended for the old index.json are ignored from now on.
  const generation = randomBytes(8).toString('hex');
  const head = JSON.stringify({ version: INDEX_VERSION, runledger: runledgerVersion(), assembly, generation, sha256: sha256Hex(lines) });
  writeFileAtomic(paths.index, `${head.slice(0, -1)}${RUNS_OPENING}\n${lines}\n]}\n`);
  removeIndexLog(paths);
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
