import { mean, median } from 'simple-statistics';
import type { AnalysisRun } from '../../projections/analysis-input.js';
import { bootstrapInterval, type BootstrapOptions, type Estimate } from './stats/bootstrap.js';
import { wilsonInterval, type Interval } from './stats/wilson.js';

/** Below either, a group's numbers are shown but flagged, and it is never ranked first. */
export const MIN_ISSUES = 10;
export const MIN_RUNS = 3;

export interface GroupStats {
  readonly runs: number;
  readonly issues: number;
  readonly completedIssues: number;
  /** Completed ÷ started issues, pooled over the group's runs; Wilson 95% interval. */
  readonly issueSuccessRate: Interval | null;
  /** Mean of the runs' success rates; percentile bootstrap over runs. */
  readonly runSuccessRate: Estimate | null;
  readonly firstTimeRightRate: Interval | null;
  /** Over fully priced runs only (see unpricedRuns); bootstrap over runs. */
  readonly costPerRun: Estimate | null;
  /** Σ cost ÷ Σ completed issues over fully priced runs; bootstrap over runs. null without a success. */
  readonly costPerSuccessfulIssue: Estimate | null;
  readonly pricedRuns: number;
  /** Runs with token records that have no price: left out of every cost figure, never priced at $0. */
  readonly unpricedRuns: readonly string[];
  readonly medianDurationMs: number | null;
  readonly meanInputTokens: number | null;
  readonly meanOutputTokens: number | null;
  readonly meanComplexity: number | null;
  /** Why the sample is too small to tell anything, or null. */
  readonly insufficientSample: string | null;
}

const sum = (runs: readonly AnalysisRun[], f: (r: AnalysisRun) => number): number => runs.reduce((s, r) => s + f(r), 0);

export function costPerSuccessfulIssue(runs: readonly AnalysisRun[]): number | null {
  const completed = sum(runs, (r) => r.completedIssues);
  return completed === 0 ? null : sum(runs, (r) => r.costUsd) / completed;
}

const runSuccessRate = (run: AnalysisRun): number => run.completedIssues / run.issues;

export function groupStats(runs: readonly AnalysisRun[], bootstrap: BootstrapOptions): GroupStats {
  const issues = sum(runs, (r) => r.issues);
  const completed = sum(runs, (r) => r.completedIssues);
  const priced = runs.filter((r) => r.unpricedRecords === 0);
  const withIssues = runs.filter((r) => r.issues > 0);
  const durations = runs.map((r) => r.durationMs).filter((d): d is number => d !== null);
  const complexityCount = sum(runs, (r) => r.complexityCount);
  const reasons = [
    issues < MIN_ISSUES ? `only ${issues} issue${issues === 1 ? '' : 's'} (needs ${MIN_ISSUES})` : null,
    runs.length < MIN_RUNS ? `only ${runs.length} run${runs.length === 1 ? '' : 's'} (needs ${MIN_RUNS})` : null,
  ].filter((r): r is string => r !== null);
  return {
    runs: runs.length,
    issues,
    completedIssues: completed,
    issueSuccessRate: wilsonInterval(completed, issues),
    runSuccessRate: bootstrapInterval(withIssues, (sample) => mean(sample.map(runSuccessRate)), bootstrap),
    firstTimeRightRate: wilsonInterval(sum(runs, (r) => r.firstTimeRightIssues), issues),
    costPerRun: bootstrapInterval(priced, (sample) => mean(sample.map((r) => r.costUsd)), bootstrap),
    costPerSuccessfulIssue: bootstrapInterval(priced, costPerSuccessfulIssue, bootstrap),
    pricedRuns: priced.length,
    unpricedRuns: runs.filter((r) => r.unpricedRecords > 0).map((r) => r.runId),
    medianDurationMs: durations.length === 0 ? null : median(durations),
    meanInputTokens: runs.length === 0 ? null : sum(runs, (r) => r.inputTokens) / runs.length,
    meanOutputTokens: runs.length === 0 ? null : sum(runs, (r) => r.outputTokens) / runs.length,
    meanComplexity: complexityCount === 0 ? null : sum(runs, (r) => r.complexitySum) / complexityCount,
    insufficientSample: reasons.length === 0 ? null : reasons.join('; '),
  };
}
