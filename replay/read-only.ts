import fs from 'node:fs';
import path from 'node:path';
import type { RunEntry } from '../src/journal/envelope.js';
import { analysisRunOf, type AnalysisRun } from '../projections/analysis-input.js';
import { evolveRunProjection, initialRunProjection, runReadModels, type RunReadModels } from '../projections/run-projection.js';
import { isValidRunId, runPaths } from '../src/journal/paths.js';
import { scanJournal } from '../src/journal/reader.js';
import { DEFAULT_STALE_MS, isRunLocked } from '../src/journal/run-lock.js';
import { replayPaths } from './replay-paths.js';
import { loadEventCheck } from './replay-run.js';

/**
 * Whether replay could write the derived files under `logsDir`: the folder itself and the derived
 * folders that already exist must be writable (a read-only copy, a read-only mount, another owner).
 */
export function derivedFilesWritable(logsDir: string): boolean {
  const paths = replayPaths(logsDir);
  return [logsDir, paths.stateDir, paths.csvDir].every((dir) => {
    try {
      fs.accessSync(dir, fs.constants.W_OK);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ENOENT' && dir !== logsDir;
    }
  });
}

/**
 * The analyzer's inputs read straight from the journals, writing nothing: for a logs folder that
 * is read-only. Every journal is read in full (no checkpoints can be kept); corrupt runs are left
 * out, as replay refuses them.
 */
export async function analysisRunsWithoutWriting(logsDir: string): Promise<AnalysisRun[]> {
  return (await runReadModelsWithoutWriting(logsDir)).map(analysisRunOf);
}

/** Every run's read models straight from the journals, writing nothing, in the tables' order (start time, then run id). */
export async function runReadModelsWithoutWriting(logsDir: string): Promise<RunReadModels[]> {
  const checkEvent = await loadEventCheck();
  let names: string[];
  try {
    names = fs.readdirSync(path.join(logsDir, 'runs'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const runs: RunReadModels[] = [];
  for (const runId of names.filter(isValidRunId).sort()) {
    const run = runPaths(logsDir, runId);
    const stat = fs.statSync(run.journal, { throwIfNoEntry: false });
    if (!stat?.isFile()) continue;
    const state = initialRunProjection();
    const scan = scanJournal(run.journal, { runId, checkEvent }, (entry) => evolveRunProjection(state, entry as RunEntry));
    if (scan.tail.kind === 'corrupt') continue;
    const writerAlive = state.summary.recordedStatus === null && isRunLocked(run, state.summary.lockStaleMs ?? DEFAULT_STALE_MS);
    const tornTail = scan.tail.kind === 'torn' ? { offset: scan.tail.offset, bytes: scan.tail.bytes } : null;
    const models = runReadModels(state, { writerAlive, bytes: stat.size, tornTail });
    if (models !== null) runs.push(models);
  }
  const key = (m: RunReadModels): string => m.run.startedAt;
  return runs.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.run.runId < b.run.runId ? -1 : 1));
}
