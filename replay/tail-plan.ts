import { compareTailRuns, tailOf, tailRunOf, type AssemblyRecord, type TailRun } from './assembly-record.js';
import type { RunIndexEntry } from './run-index-entry.js';

/** What the assembled files hold a run's rows for: replayed, with RunStarted, not refused (run-index.ts tableOrder). */
const inTables = (entry: RunIndexEntry | null): entry is RunIndexEntry & { startedAt: string } =>
  entry !== null && entry.refused === null && !entry.empty && entry.startedAt !== null;

/**
 * A rewrite of the assembled files from the first changed run on (tail-rewrite.ts): the runs there
 * in the files now (their old bytes), the runs there after it (changed ones read from their
 * fragments), and the record's new tail.
 */
export interface TailPlan {
  readonly oldSuffix: readonly TailRun[];
  readonly newSuffix: ReadonlyArray<{ readonly run: TailRun; readonly changed: boolean }>;
  readonly tail: readonly TailRun[];
  readonly tailIsAll: boolean;
  readonly rows: Readonly<Record<string, number>>;
}

/**
 * Plans the rewrite of the files `record` describes for the `changed` runs (their new entries; null
 * for a run gone), or null when the change reaches before the record's tail: then only a whole
 * assembly knows where the rows go. The record's tail holds every run from its first one on in
 * table order, so a run not in it that sorts at or after its first run is not in the files yet. A
 * run's sort key never changes: a journal replaced under the same run id is read from byte 0, and
 * its live update then assembles whole (live-runs.ts). `assembled`, when known (a replay that loaded
 * the index), is what the files were made from, and each changed run is checked against it.
 */
export function planTail(
  record: AssemblyRecord,
  changed: ReadonlyMap<string, RunIndexEntry | null>,
  assembled?: ReadonlyMap<string, RunIndexEntry>,
): TailPlan | null {
  const placed = placeChanged(record, changed, assembled);
  if (placed === null) return null;
  const merged: Array<{ run: TailRun; changed: boolean }> = [];
  const staying = record.tail.filter((run) => !changed.has(run.runId));
  const { arriving } = placed;
  let from = placed.from;
  for (let i = 0, j = 0; i < staying.length || j < arriving.length;) {
    if (j >= arriving.length || (i < staying.length && compareTailRuns(staying[i]!, arriving[j]!) < 0))
      merged.push({ run: staying[i++]!, changed: false });
    else {
      from = Math.min(from, merged.length);
      merged.push({ run: arriving[j++]!, changed: true });
    }
  }
  const oldSuffix = record.tail.slice(from);
  const newSuffix = merged.slice(from);
  const rows = { ...record.rows };
  for (const file of Object.keys(rows)) {
    for (const run of oldSuffix) rows[file]! -= run.rows[file] ?? 0;
    for (const { run } of newSuffix) rows[file]! += run.rows[file] ?? 0;
  }
  const { tail, tailIsAll } = tailOf(merged.map(({ run }) => run));
  return { oldSuffix, newSuffix, tail, tailIsAll: record.tailIsAll && tailIsAll, rows };
}

/**
 * Where the changed runs were in the record's tail (the first such place) and the runs that go into
 * the files, sorted; null when one cannot be placed from the tail alone.
 */
function placeChanged(
  record: AssemblyRecord,
  changed: ReadonlyMap<string, RunIndexEntry | null>,
  assembled: ReadonlyMap<string, RunIndexEntry> | undefined,
): { from: number; arriving: TailRun[] } | null {
  const positions = new Map(record.tail.map((run, i) => [run.runId, i]));
  let from = record.tail.length;
  const arriving: TailRun[] = [];
  for (const [runId, entry] of changed) {
    const old = positions.get(runId);
    if (old !== undefined) from = Math.min(from, old);
    const placed = placeOne(record, old, entry, assembled && (assembled.get(runId) ?? null));
    if (placed === null) return null;
    if (placed !== 'not in the tables') arriving.push(placed);
  }
  return { from, arriving: arriving.sort(compareTailRuns) };
}

/**
 * A changed run's new place: its tail entry, 'not in the tables' (refused, gone), or null when the tail
 * cannot tell. `old` is its index in the record's tail; `was`, when known, the entry the files were made from.
 */
function placeOne(
  record: AssemblyRecord,
  old: number | undefined,
  entry: RunIndexEntry | null,
  was: RunIndexEntry | null | undefined,
): TailRun | 'not in the tables' | null {
  // What the files hold must be what the record says: else only a whole assembly is sure.
  if (was !== undefined && inTables(was) !== (old !== undefined)) return null;
  if (!inTables(entry)) {
    // Not in the tail: in the files before it, or never; only the entries the files were made from can tell.
    return old === undefined && !record.tailIsAll && was === undefined ? null : 'not in the tables';
  }
  const run = tailRunOf(entry);
  if (old !== undefined) return record.tail[old]!.startedAt === run.startedAt ? run : null;
  const first = record.tail[0];
  return record.tailIsAll || first === undefined || compareTailRuns(run, first) >= 0 ? run : null;
}
