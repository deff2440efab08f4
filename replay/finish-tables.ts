import fs from 'node:fs';
import { runPaths } from '../src/journal/paths.js';
import { DurableBatch } from '../src/durable/atomic-file.js';
import { tailOf, tailRunOf, writeNewAssemblyRecord } from './assembly-record.js';
import type { FileIdentity } from './file-identity.js';
import { assembleDerivedTables, type PreviousAssembly } from './csv-assembly.js';
import type { DerivedFilesLock } from './derived-lock.js';
import { warnDiscarded } from './derived-warning.js';
import { commitIndex, type IndexChanges } from './index-commit.js';
import type { ReplayReport, RunReplayReport } from './replay-report.js';
import { runRowsFile, type ReplayPaths } from './replay-paths.js';
import { loadEventCheck, replayRun } from './replay-run.js';
import { tableOrder, type RunIndexEntry } from './run-index.js';
import { clearTablesStale } from './tables-stale.js';
import { rewriteChangedRuns } from './tail-rewrite.js';

type Assembled =
  | { readonly rows: ReadonlyMap<string, number>; readonly files: Record<string, FileIdentity>; readonly tail: ReturnType<typeof tailOf> }
  | { readonly unverified: ReadonlyArray<{ readonly runId: string; readonly problem: string }> };

/**
 * The assembled files rewritten in place from the first changed run on (tail-rewrite.ts), when the
 * last assembly's record is trusted and the change lies within its tail; else null.
 */
async function assembleTail(
  paths: ReplayPaths,
  index: ReadonlyMap<string, RunIndexEntry>,
  previous: PreviousAssembly | undefined,
): Promise<Assembled | null> {
  const record = previous?.record;
  if (!record) return null;
  const changed = new Map([...previous.changedRuns].map((runId) => [runId, index.get(runId) ?? null]));
  const rewritten = await rewriteChangedRuns(paths, record, changed, previous.entries);
  if (rewritten === null || 'unverified' in rewritten) return rewritten;
  return {
    rows: new Map(Object.entries(rewritten.rows)),
    files: rewritten.files,
    tail: { tail: [...rewritten.tail], tailIsAll: rewritten.tailIsAll },
  };
}

/** The seven tables and the analyzer's inputs written whole (csv-assembly.ts), copying unchanged runs' bytes from the last assembly. */
function assembleWhole(paths: ReplayPaths, index: ReadonlyMap<string, RunIndexEntry>, previous: PreviousAssembly | undefined): Assembled {
  const order = tableOrder(index);
  const made = assembleDerivedTables(paths, order, previous);
  return 'unverified' in made ? made : { ...made, tail: tailOf(order.map(tailRunOf)) };
}

/**
 * Brings the seven tables and the analyzer's inputs up to date with `index` and saves the index; the
 * caller holds the lock. In place from the first changed run when the last assembly allows it, else
 * whole. A run whose fragment does not verify (its lengths or SHA-256) is rebuilt from its journal,
 * with one warning line, and the tables are assembled again: derived state is never trusted over the
 * journals (docs/DESIGN.md §6.5). The assembly record is written last: the commit point.
 */
export async function finishTables(
  paths: ReplayPaths,
  lock: DerivedFilesLock,
  index: Map<string, RunIndexEntry>,
  runs: RunReplayReport[],
  previous?: PreviousAssembly & { readonly changes?: IndexChanges },
): Promise<ReplayReport> {
  let last = previous;
  for (let attempt = 0; ; attempt += 1) {
    lock.assertHeld();
    const made = (await assembleTail(paths, index, last)) ?? assembleWhole(paths, index, last);
    if (!('unverified' in made)) {
      const { generation, logBytes } = await commitIndex(paths, index, last?.changes);
      writeNewAssemblyRecord(paths, {
        generation,
        pendingBytes: logBytes,
        files: made.files,
        rows: Object.fromEntries(made.rows),
        ...made.tail,
      });
      // Current now, whoever asked (replay, cleanup, central replay): live updates' marker goes.
      clearTablesStale(paths);
      return reportOf(paths, runs, made.rows);
    }
    // A fragment just rebuilt from its journal that still does not verify: the disk is not keeping what is written.
    if (attempt > 0)
      throw new Error(
        `${runRowsFile(paths, made.unverified[0]!.runId)} does not verify even after a rebuild: ${made.unverified[0]!.problem}`,
      );
    const rebuilt = await rebuildRuns(paths, index, made.unverified);
    last = last && {
      ...last,
      changedRuns: new Set([...last.changedRuns, ...rebuilt.map((entry) => entry.runId)]),
      ...(last.changes ? { changes: { ...last.changes, updated: [...last.changes.updated, ...rebuilt] } } : {}),
    };
  }
}

/** Runs whose fragments did not verify, replayed from byte 0: their new entries, also set in `index`. */
async function rebuildRuns(
  paths: ReplayPaths,
  index: Map<string, RunIndexEntry>,
  unverified: ReadonlyArray<{ readonly runId: string; readonly problem: string }>,
): Promise<RunIndexEntry[]> {
  const checkEvent = await loadEventCheck();
  const batch = new DurableBatch();
  const rebuilt: RunIndexEntry[] = [];
  try {
    for (const { runId, problem } of unverified) {
      warnDiscarded(runRowsFile(paths, runId), problem);
      const stat = fs.lstatSync(runPaths(paths.logsDir, runId).journal);
      const entry = replayRun(paths, runId, undefined, true, batch, new Set(), stat, checkEvent).entry;
      index.set(runId, entry);
      rebuilt.push(entry);
    }
    await batch.flush();
  } catch (error) {
    batch.abort();
    throw error;
  }
  return rebuilt;
}

export function reportOf(paths: ReplayPaths, runs: RunReplayReport[], rowCounts: ReadonlyMap<string, number>): ReplayReport {
  return {
    dir: paths.logsDir,
    ok: runs.every((r) => r.refused === null),
    runs,
    tables: [...rowCounts.entries()].map(([file, rows]) => ({ file, rows })),
  };
}
