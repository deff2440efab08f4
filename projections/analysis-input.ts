import type { SystemConfig } from '../events/config.js';
import type { RunReadModels, RunStatus } from './run-projection.js';

/**
 * What the analyzer needs of one run, and nothing more: every comparison runledger makes is a
 * function of these run-level counts (issues pool across runs; bootstraps resample runs). Small,
 * so that comparing 10,000 runs reads one file of a few megabytes.
 */
export interface AnalysisRun {
  readonly runId: string;
  readonly projectId: string;
  readonly status: RunStatus;
  readonly startedAt: string;
  readonly durationMs: number | null;
  readonly config: SystemConfig;
  readonly issues: number;
  readonly completedIssues: number;
  readonly failedIssues: number;
  readonly firstTimeRightIssues: number;
  /** Sum and count of the complexity scores of finished issues. */
  readonly complexitySum: number;
  readonly complexityCount: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costUsd: number;
  /** Token records without a price: the run's cost is unknown, never counted as $0. */
  readonly unpricedRecords: number;
  readonly unpricedModels: readonly string[];
  /** Every model used, as "provider:model". */
  readonly models: readonly string[];
}

export function analysisRunOf(models: RunReadModels): AnalysisRun {
  const { run, issues } = models;
  const finished = issues.filter((i) => i.status === 'completed' || i.status === 'failed' || i.status === 'skipped');
  return {
    runId: run.runId,
    projectId: run.projectId,
    status: run.status,
    startedAt: run.startedAt,
    durationMs: run.durationMs,
    config: run.config,
    issues: run.issues.total,
    completedIssues: run.issues.completed,
    failedIssues: run.issues.failed,
    firstTimeRightIssues: issues.filter((i) => i.firstTimeRight).length,
    complexitySum: finished.reduce((sum, i) => sum + i.complexity.score, 0),
    complexityCount: finished.length,
    inputTokens: run.tokens.inputTokens,
    outputTokens: run.tokens.outputTokens,
    costUsd: run.tokens.costUsd,
    unpricedRecords: run.tokens.unpricedRecords,
    unpricedModels: run.unpricedModels,
    models: run.models,
  };
}
