import type { SystemConfig } from '../events/config.js';
import type { IssueId } from '../events/fields.js';
import type { IssueModel, IssueModelStatus, RunReadModels, RunStatus } from './run-projection.js';

/**
 * What the analyzer needs of one run, and nothing more: the run-level counts (issues pool across
 * runs; bootstraps resample runs), and each finished issue's id and outcome, so that the same issue
 * attempted under two configurations can be paired. Small, so that comparing 10,000 runs reads one
 * file of a few megabytes.
 */
export interface AnalysisRun {
  readonly runId: string;
  readonly projectId: string;
  readonly status: RunStatus;
  readonly startedAt: string;
  /** Wall time, the downtime between a crash and its resume included. */
  readonly durationMs: number | null;
  /** Wall time without the downtime of its resumes. */
  readonly activeDurationMs: number | null;
  /** How often the run was resumed (its RunResumed events). */
  readonly resumes: number;
  readonly config: SystemConfig;
  /** Present (true) only on runs written by `runledger import`: their `config.source` says where from, and is no configuration. */
  readonly imported?: true;
  readonly issues: number;
  readonly completedIssues: number;
  readonly failedIssues: number;
  readonly firstTimeRightIssues: number;
  /** Sum and count of the complexity scores of finished issues. */
  readonly complexitySum: number;
  readonly complexityCount: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** The priced records' cost: a lower bound when unpricedRecords > 0. */
  readonly costUsd: number;
  readonly tokenRecords: number;
  /** Token records without a price: the run's cost is unknown (costUsd is its known part), never counted as $0. */
  readonly unpricedRecords: number;
  /** Input plus output tokens of the unpriced records. */
  readonly unpricedTokens: number;
  /** Token records whose cost the provider reported: costUsd uses the reported cost for them. */
  readonly reportedCostRecords: number;
  /** Σ (reported − computed) over records with both. */
  readonly reportedMinusComputedUsd: number;
  readonly unpricedModels: readonly string[];
  /**
   * Present only when the runs were loaded with `pricesAs: 'current'`: the cost fields above (and
   * finishedIssues.costUsd) then hold today's prices, and this holds the figures as recorded and
   * the table that priced them now.
   */
  readonly repriced?: RepricedCost;
  /** Every model used, as "provider:model". */
  readonly models: readonly string[];
  /** The run's finished issues (completed, failed or skipped), in the order they were first started, as parallel arrays: compact on disk, no object per issue. */
  readonly finishedIssues: {
    readonly ids: readonly IssueId[];
    /** One character per issue: "c" completed, "f" failed, "s" skipped. */
    readonly outcomes: string;
    /** One character per issue: "1" first time right, "0" not. */
    readonly firstTimeRight: string;
    /** The issue's token cost in USD; null when any of its token records is unpriced. */
    readonly costUsd: readonly (number | null)[];
    readonly durationMs: readonly (number | null)[];
  };
}

/** The recorded figures a re-pricing replaced, and the price table that replaced them. */
export interface RepricedCost {
  readonly pricesAs: 'current';
  readonly table: {
    readonly package: string;
    readonly version: string;
    readonly overrideFile: string | null;
    readonly overrideSha256: string | null;
  };
  readonly recorded: {
    readonly costUsd: number;
    readonly unpricedRecords: number;
    readonly unpricedTokens: number;
    readonly unpricedModels: readonly string[];
  };
}

export type FinishedIssues = AnalysisRun['finishedIssues'];

/** The outcome letter of a finished issue's status; open and unfinished issues have none. */
export const ISSUE_OUTCOME: Readonly<Partial<Record<IssueModelStatus, string>>> = { completed: 'c', failed: 'f', skipped: 's' };

export function analysisRunOf(models: RunReadModels): AnalysisRun {
  const { run, issues } = models;
  const finished = issues.filter((i) => i.status === 'completed' || i.status === 'failed' || i.status === 'skipped');
  return {
    runId: run.runId,
    projectId: run.projectId,
    status: run.status,
    startedAt: run.startedAt,
    durationMs: run.durationMs,
    activeDurationMs: run.activeDurationMs,
    resumes: run.resumes,
    config: run.config,
    ...(run.imported ? { imported: true as const } : {}),
    issues: run.issues.total,
    completedIssues: run.issues.completed,
    failedIssues: run.issues.failed,
    firstTimeRightIssues: issues.filter((i) => i.firstTimeRight === true).length,
    complexitySum: finished.reduce((sum, i) => sum + (i.complexity?.score ?? 0), 0),
    complexityCount: finished.length,
    inputTokens: run.tokens.inputTokens,
    outputTokens: run.tokens.outputTokens,
    costUsd: run.tokens.costUsd,
    tokenRecords: run.tokens.tokenRecords,
    unpricedRecords: run.tokens.unpricedRecords,
    unpricedTokens: run.tokens.unpricedTokens,
    reportedCostRecords: run.tokens.reportedRecords,
    reportedMinusComputedUsd: run.tokens.reportedMinusComputedUsd,
    unpricedModels: run.unpricedModels,
    models: run.models,
    finishedIssues: finishedIssuesOf(finished),
  };
}

/**
 * The finished issues as parallel arrays, in the issues read model's order (first start). Only
 * completed issues can be first-time-right, so the "1"s are the run's firstTimeRightIssues.
 */
function finishedIssuesOf(finished: readonly IssueModel[]): FinishedIssues {
  const ids: IssueId[] = [];
  let outcomes = '';
  let firstTimeRight = '';
  const costUsd: (number | null)[] = [];
  const durationMs: (number | null)[] = [];
  for (const issue of finished) {
    ids.push(issue.issueId);
    outcomes += ISSUE_OUTCOME[issue.status]!;
    firstTimeRight += issue.firstTimeRight === true ? '1' : '0';
    costUsd.push(issue.tokens.unpricedRecords > 0 ? null : issue.tokens.costUsd);
    durationMs.push(issue.durationMs);
  }
  return { ids, outcomes, firstTimeRight, costUsd, durationMs };
}
