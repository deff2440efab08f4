import fs from 'node:fs';
import { listRunIds } from '../src/audit/verify-runs.js';
import { RunNotFoundError } from '../src/errors.js';
import { assertRunId, resolveLogsDir, runPaths } from '../src/journal/paths.js';
import { removeFileDurably } from './atomic-file.js';
import { assembleCsvTables } from './csv-assembly.js';
import { DerivedFilesLock } from './derived-lock.js';
import { progressBar } from './progress.js';
import { replayPaths, runRowsFile, runStateFile } from './replay-paths.js';
import { replayRun, type RunReplayOutcome } from './replay-run.js';
import { loadRunIndex, saveRunIndex, tableOrder } from './run-index.js';

export interface ReplayOptions {
  readonly dir?: string;
  /** Replay only these runs (the tables still hold every run). Default: all. */
  readonly runIds?: readonly string[];
  /** Ignore checkpoints: read every journal from its first byte. */
  readonly full?: boolean;
  /** Show a progress bar on a TTY. */
  readonly progress?: boolean;
  /** How long to wait for another writer of derived files. Default 60 s. */
  readonly lockWaitMs?: number;
}

export interface RunReplayReport {
  readonly runId: string;
  readonly outcome: RunReplayOutcome['kind'];
  /** Events read by this replay (only the new ones when it continued from a checkpoint). */
  readonly newEvents: number;
  readonly fromScratch: boolean;
  readonly tornTail: { readonly offset: number; readonly bytes: number } | null;
  /** Corruption that made replay refuse the run. */
  readonly refused: { readonly line: number; readonly offset: number; readonly problem: string } | null;
}

export interface ReplayReport {
  readonly dir: string;
  /** False when a run was refused for corruption. */
  readonly ok: boolean;
  readonly runs: readonly RunReplayReport[];
  readonly tables: ReadonlyArray<{ readonly file: string; readonly rows: number }>;
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Replay: brings every run's derived files up to date with its journal (incrementally, from
 * checkpoints), then rewrites the seven CSV tables. The only writer of derived files; everything
 * it writes can be deleted and rebuilt. Deterministic: the same journals give the same bytes.
 */
export async function replay(options: ReplayOptions = {}): Promise<ReplayReport> {
  const paths = replayPaths(resolveLogsDir(options.dir));
  for (const runId of options.runIds ?? []) {
    assertRunId(runId);
    if (!fs.existsSync(runPaths(paths.logsDir, runId).journal)) throw new RunNotFoundError(runId, runPaths(paths.logsDir, runId).journal);
  }
  const lock = await DerivedFilesLock.acquire(paths, options.lockWaitMs ?? 60_000);
  try {
    const index = loadRunIndex(paths);
    const onDisk = listRunIds(paths.logsDir);
    for (const gone of [...index.keys()].filter((id) => !onDisk.includes(id))) {
      index.delete(gone);
      removeFileDurably(runRowsFile(paths, gone));
      removeFileDurably(runStateFile(paths, gone));
    }
    const wanted = new Set(options.runIds ?? onDisk);
    // Runs outside the selection are replayed too when they have never been: the tables hold every run.
    const todo = onDisk.filter((id) => wanted.has(id) || !index.has(id));
    const progress = progressBar('replay', todo.length, options.progress ?? false);
    const runs: RunReplayReport[] = [];
    let lastYield = Date.now();
    for (const [i, runId] of todo.entries()) {
      lock.assertHeld();
      const outcome = replayRun(paths, runId, index.get(runId), options.full ?? false);
      index.set(runId, outcome.entry);
      runs.push({
        runId,
        outcome: outcome.kind,
        newEvents: outcome.kind === 'replayed' ? outcome.newEvents : 0,
        fromScratch: outcome.kind === 'replayed' ? outcome.fromScratch : false,
        tornTail: outcome.kind === 'replayed' ? outcome.tornTail : null,
        refused: outcome.entry.refused,
      });
      progress.update(i + 1);
      if (Date.now() - lastYield > 50) {
        await yieldToEventLoop(); // lets the lock's refresh timer run
        lastYield = Date.now();
      }
    }
    progress.finish();
    lock.assertHeld();
    const rowCounts = assembleCsvTables(paths, tableOrder(index));
    saveRunIndex(paths, index);
    return {
      dir: paths.logsDir,
      ok: runs.every((r) => r.refused === null),
      runs,
      tables: [...rowCounts.entries()].map(([file, rows]) => ({ file, rows })),
    };
  } finally {
    lock.release();
  }
}
