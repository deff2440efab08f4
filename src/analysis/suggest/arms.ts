import type { JsonValue } from '../../../events/config.js';
import type { AnalysisRun } from '../../../projections/analysis-input.js';
import { clusterRatio } from '../stats/cluster-ratio.js';
import type { RunCounts } from './overdispersion.js';

/** What a configuration's runs cost, from its fully priced runs. */
export interface ArmCost {
  /** Fully priced runs (no unpriced token record, at least one token record). */
  readonly pricedRuns: number;
  readonly meanPerRunUsd: number;
  /** The runs' standard deviation of cost; null with one priced run. */
  readonly sdPerRunUsd: number | null;
  /** Σ cost / Σ issues over the priced runs, with its run-clustered variance (Cochran 1977 §6.11; null with one run). */
  readonly perIssueUsd: number;
  readonly perIssueVariance: number | null;
}

/** One configuration `suggest` can spend runs on: one that was run, or one named by `include` (never run). */
export interface Arm {
  readonly label: string;
  readonly identity: string;
  readonly values: Readonly<Record<string, JsonValue>>;
  readonly counts: readonly RunCounts[];
  /** true for a configuration given by `include`: it has no runs, only the prior. */
  readonly included: boolean;
  /** null: no fully priced run. */
  readonly cost: ArmCost | null;
  readonly medianIssueDurationMs: number | null;
  /** Issues a new run is expected to have: the mean of its runs', or of all runs' for a configuration never run. */
  readonly issuesPerRun: number;
}

export function countsOf(runs: readonly AnalysisRun[]): RunCounts[] {
  return runs.map((r) => ({ successes: r.completedIssues, issues: r.issues }));
}

export function costOf(runs: readonly AnalysisRun[]): ArmCost | null {
  const priced = runs.filter((r) => r.unpricedRecords === 0 && r.tokenRecords > 0);
  if (priced.length === 0) return null;
  const costs = priced.map((r) => r.costUsd);
  const mean = costs.reduce((s, c) => s + c, 0) / costs.length;
  const sd = costs.length < 2 ? null : Math.sqrt(costs.reduce((s, c) => s + (c - mean) ** 2, 0) / (costs.length - 1));
  const perIssue = clusterRatio(
    costs,
    priced.map((r) => r.issues),
  );
  return {
    pricedRuns: priced.length,
    meanPerRunUsd: mean,
    sdPerRunUsd: sd,
    perIssueUsd: perIssue?.estimate ?? Number.NaN,
    perIssueVariance: perIssue?.variance ?? null,
  };
}

/** The median duration of the finished issues that recorded one; null when none did. */
export function medianIssueDuration(runs: readonly AnalysisRun[]): number | null {
  const durations = runs.flatMap((r) => r.finishedIssues.durationMs.filter((d): d is number => d !== null)).sort((a, b) => a - b);
  if (durations.length === 0) return null;
  const middle = Math.floor(durations.length / 2);
  return durations.length % 2 === 1 ? durations[middle]! : (durations[middle - 1]! + durations[middle]!) / 2;
}

/** The mean issues per run of runs that had issues, at least 1. */
export function meanIssuesPerRun(runs: readonly AnalysisRun[]): number {
  const counted = runs.filter((r) => r.issues > 0);
  if (counted.length === 0) return 1;
  return Math.max(1, Math.round(counted.reduce((s, r) => s + r.issues, 0) / counted.length));
}
