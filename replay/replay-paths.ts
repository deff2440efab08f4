import path from 'node:path';
import { runPaths } from '../src/journal/paths.js';

/** Where replay keeps what it derives: every one of these can be deleted and rebuilt. */
export interface ReplayPaths {
  readonly logsDir: string;
  readonly csvDir: string;
  /** Checkpoints, per-run state and CSV fragments: replay's own bookkeeping. */
  readonly stateDir: string;
  readonly index: string;
  /** The lock that serialises writers of derived files. */
  readonly lock: string;
}

export function replayPaths(logsDir: string): ReplayPaths {
  const stateDir = path.join(logsDir, '.replay');
  return {
    logsDir,
    csvDir: path.join(logsDir, 'csv'),
    stateDir,
    index: path.join(stateDir, 'index.json'),
    lock: path.join(logsDir, '.replay.lock'),
  };
}

/** The analyzer's inputs: one JSON line per run (projections/analysis-input.ts), in table order. */
export function analysisInputsFile(paths: ReplayPaths): string {
  return path.join(paths.stateDir, 'analysis-runs.ndjson');
}

export function runStateFile(paths: ReplayPaths, runId: string): string {
  return path.join(paths.stateDir, 'runs', `${runId}.state.json`);
}

export function runRowsFile(paths: ReplayPaths, runId: string): string {
  return path.join(paths.stateDir, 'runs', runRowsFileName(runId));
}

/** runRowsFile's name alone: what a listing of the folder holds (no path to join per run). */
export function runRowsFileName(runId: string): string {
  return `${runId}.rows`;
}

/** The v2 JSON layout inside a run's folder (docs/DESIGN.md §6.1). */
export function runJsonFiles(logsDir: string, runId: string) {
  const { runDir } = runPaths(logsDir, runId);
  const issuesDir = path.join(runDir, 'issues');
  return {
    runDir,
    issuesDir,
    metadata: path.join(runDir, 'metadata.json'),
    finalReport: path.join(runDir, 'final_report.json'),
    issueMetrics: (issueId: string | number) => path.join(issuesDir, `issue_${issueFileId(issueId)}_metrics.json`),
    issueReport: (issueId: string | number) => path.join(issuesDir, `issue_${issueFileId(issueId)}_report.json`),
  };
}

/**
 * An issue id as it appears in file names: issue 3 is "3" (issue_3_metrics.json, as in the v2 JSON layout), and a
 * string id as it is, except that a string of digits gets a "~" in front ("3" -> "~3") so that it
 * never takes the number's file. "~" is outside the string ids' alphabet: the mapping is one to one.
 */
function issueFileId(issueId: string | number): string {
  return typeof issueId === 'string' && /^\d+$/.test(issueId) ? `~${issueId}` : String(issueId);
}
