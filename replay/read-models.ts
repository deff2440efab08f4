import { runReadModels, type RunReadModels } from '../projections/run-projection.js';
import { derivedFilesWritable, runReadModelsWithoutWriting } from './read-only.js';
import { resolveLogsDir } from '../src/journal/paths.js';
import { replay, type ReplayReport } from './replay.js';
import { replayPaths } from './replay-paths.js';
import { readRunState } from './replay-run.js';
import { loadRunIndex, tableOrder } from './run-index.js';

/**
 * Every run's read models (run, issues, agents, tools, pipelines, debugging cycles, errors), in
 * table order, from replay's checkpoints: replay first (incremental), then one state file per run.
 * For reports over a handful to a few hundred runs; the analyzer's inputs are the light way in.
 */
export async function loadRunReadModels(
  options: { dir?: string } = {},
): Promise<{ runs: RunReadModels[]; replay: ReplayReport | null; readOnly: boolean }> {
  const dir = resolveLogsDir(options.dir);
  // A read-only folder (a copy, a mount) is read from its journals, writing nothing, as loadAnalysisRuns does.
  if (!derivedFilesWritable(dir)) return { runs: await runReadModelsWithoutWriting(dir), replay: null, readOnly: true };
  const report = await replay({ dir });
  const paths = replayPaths(dir);
  const runs: RunReadModels[] = [];
  for (const entry of tableOrder(loadRunIndex(paths))) {
    const saved = readRunState(paths, entry.runId);
    if (!saved) throw new Error(`the replay state of run ${entry.runId} is missing or unreadable; run "runledger replay --full"`);
    const models = runReadModels(saved.state, { writerAlive: entry.writerAlive, bytes: entry.journalBytes, tornTail: entry.tornTail });
    if (models) runs.push(models);
  }
  return { runs, replay: report, readOnly: false };
}
