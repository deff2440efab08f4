import fs from 'node:fs';
import { runReadModels, type RunProjectionState, type RunReadModels } from '../projections/run-projection.js';
import { resolveLogsDir } from '../src/journal/paths.js';
import { replay, type ReplayReport } from './replay.js';
import { replayPaths, runStateFile } from './replay-paths.js';
import { loadRunIndex, tableOrder } from './run-index.js';
import { decodeState } from './state-codec.js';

/**
 * Every run's read models (run, issues, agents, tools, pipelines, debugging cycles, errors), in
 * table order, from replay's checkpoints: replay first (incremental), then one state file per run.
 * For reports over a handful to a few hundred runs; the analyzer's inputs are the light way in.
 */
export async function loadRunReadModels(options: { dir?: string } = {}): Promise<{ runs: RunReadModels[]; replay: ReplayReport }> {
  const dir = resolveLogsDir(options.dir);
  const report = await replay({ dir });
  const paths = replayPaths(dir);
  const runs: RunReadModels[] = [];
  for (const entry of tableOrder(loadRunIndex(paths))) {
    const state = decodeState<RunProjectionState>(fs.readFileSync(runStateFile(paths, entry.runId), 'utf8'));
    const models = runReadModels(state, { writerAlive: entry.writerAlive, bytes: entry.journalBytes, tornTail: entry.tornTail });
    if (models) runs.push(models);
  }
  return { runs, replay: report };
}
