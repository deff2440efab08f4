import fs from 'node:fs';
import { runledgerVersion } from '../src/version.js';
import { writeFileAtomic } from '../src/durable/atomic-file.js';
import { sha256Hex } from '../src/journal/line.js';
import { warnDiscarded } from './derived-warning.js';
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

/**
 * The index and the id of the table assembly it describes: the assembled files were made from
 * these entries, in table order, when `.replay/tables.json` names the same id (csv-assembly.ts).
 */
export function loadRunIndexWithAssembly(paths: ReplayPaths): { index: Map<string, RunIndexEntry>; assembly: string | null } {
  const empty = { index: new Map<string, RunIndexEntry>(), assembly: null };
  let text: string;
  try {
    text = fs.readFileSync(paths.index, 'utf8');
  } catch {
    return empty; // missing or unreadable: replay rebuilds everything, which is always correct
  }
  let parsed: { version?: number; runledger?: string; assembly?: unknown; sha256?: unknown; runs?: unknown[] };
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
  const index = new Map<string, RunIndexEntry>();
  for (const encoded of parsed.runs) {
    const entry = decodeEntry(encoded);
    if (entry === null) {
      warnDiscarded(paths.index, 'an entry does not decode');
      return empty;
    }
    index.set(entry.runId, entry);
  }
  return { index, assembly: typeof parsed.assembly === 'string' ? parsed.assembly : null };
}

/** The runs part of the index as written, one run a line: what its SHA-256 covers (JSON.stringify of parsed JSON gives the same text). */
const runsText = (encoded: readonly unknown[]): string => encoded.map((entry) => JSON.stringify(entry)).join(',\n');

export function saveRunIndex(paths: ReplayPaths, index: ReadonlyMap<string, RunIndexEntry>, assembly: string | null = null): void {
  const runs = [...index.values()].sort((a, b) => (a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0));
  // One run a line, so that the file reads (and diffs) run by run.
  const lines = runsText(runs.map(encodeEntry));
  const head = JSON.stringify({ version: INDEX_VERSION, runledger: runledgerVersion(), assembly, sha256: sha256Hex(lines) });
  writeFileAtomic(paths.index, `${head.slice(0, -1)},"runs":[\n${lines}\n]}\n`);
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
