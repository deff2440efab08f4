import { median } from 'simple-statistics';
import type { AnalysisRun } from '../../projections/analysis-input.js';
import { bootstrapIndexed, type BootstrapOptions, type Estimate } from './stats/bootstrap.js';
import { clusteredProportion, type ClusteredProportion } from './stats/clustered-proportion.js';
import { tMeanInterval, tRatioInterval } from './stats/t-interval.js';

/** Below either, a group's numbers are shown but flagged, and it is never ranked first. */
export const MIN_ISSUES = 10;
export const MIN_RUNS = 3;
/** Below this many runs the percentile bootstrap covers far less than it claims (74% for a 95% interval at 3 runs): t intervals instead. */
export const MIN_BOOTSTRAP_RUNS = 10;

/** How the run-level intervals (run success, cost per run, cost per successful issue) were formed. */
export type RunIntervalMethod = 'bootstrap-percentile' | 'student-t';

export interface GroupStats {
  readonly runs: number;
  readonly issues: number;
  readonly completedIssues: number;
  /** Completed ÷ started issues, pooled over the group's runs; the interval treats the run as the unit (clustered-proportion.ts). */
  readonly issueSuccessRate: ClusteredProportion | null;
  /** Mean of the runs' success rates (runIntervalMethod). */
  readonly runSuccessRate: Estimate | null;
  readonly firstTimeRightRate: ClusteredProportion | null;
  /** Over fully priced runs only (see unpricedRuns) (runIntervalMethod); null when none of them recorded a token. */
  readonly costPerRun: Estimate | null;
  /** Σ cost ÷ Σ completed issues over fully priced runs (runIntervalMethod). null without a success. */
  readonly costPerSuccessfulIssue: Estimate | null;
  /** Percentile bootstrap over runs from MIN_BOOTSTRAP_RUNS runs on; Student's t on run values below. */
  readonly runIntervalMethod: RunIntervalMethod;
  readonly pricedRuns: number;
  /** Runs with token records that have no price: left out of every cost figure, never priced at $0. */
  readonly unpricedRuns: readonly string[];
  readonly medianDurationMs: number | null;
  /** Median duration of the group's finished issues: speed per issue, not per run (runs differ in size). */
  readonly medianIssueDurationMs: number | null;
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
/** f of each run, as a typed array (a plain loop: Float64Array.from with a map function is several times slower in V8). */
function column(runs: readonly AnalysisRun[], f: (r: AnalysisRun) => number): Float64Array {
  const out = new Float64Array(runs.length);
  for (let i = 0; i < runs.length; i += 1) out[i] = f(runs[i]!);
  return out;
}

/**
 * The three bootstrap intervals of a group: mean run success rate (over runs with issues), mean cost
 * per run and cost per successful issue (over fully priced runs). Bit for bit what bootstrapInterval
 * gives for each with its array statistic (simple-statistics' mean; plain sums for the ratio), in
 * one pass over each resample's draws; when both sets of runs are the whole group (the usual case)
 * the three share the draws, which bootstrapInterval's equal seeds make the same draws anyway.
 */
function groupBootstraps(
  runs: readonly AnalysisRun[],
  withIssues: readonly AnalysisRun[],
  priced: readonly AnalysisRun[],
  bootstrap: BootstrapOptions,
) {
  const shared = withIssues.length === runs.length && priced.length === runs.length;
  const successUnits = shared ? runs : withIssues;
  const rates = column(successUnits, runSuccessRate);
  const cost = column(priced, (r) => r.costUsd);
  const completed = column(priced, (r) => r.completedIssues);
  // simple-statistics' sum is Kahan-Babuska: the first value, then each next one with its correction.
  // Written out in the loops (not called per value): these loops run 2000 times over every run.
  const successStatistic = (drawn: Int32Array, out: Float64Array): void => {
    let sum = rates[drawn[0]!]!;
    let correction = 0;
    for (let i = 1; i < drawn.length; i += 1) {
      const x = rates[drawn[i]!]!;
      const next = sum + x;
      correction += Math.abs(sum) >= Math.abs(x) ? sum - next + x : x - next + sum;
      sum = next;
    }
    out[0] = (sum + correction) / drawn.length;
  };
  // Writes cost per run and cost per successful issue at out[at], out[at + 1].
  const costStatistics = (drawn: Int32Array, out: Float64Array, at: number): void => {
    const first = drawn[0]!;
    let sum = cost[first]!;
    let correction = 0;
    let plainCost = 0 + cost[first]!; // reduce's sum starts at 0 (0 + -0 is 0)
    let done = 0 + completed[first]!;
    for (let i = 1; i < drawn.length; i += 1) {
      const unit = drawn[i]!;
      const x = cost[unit]!;
      const next = sum + x;
      correction += Math.abs(sum) >= Math.abs(x) ? sum - next + x : x - next + sum;
      sum = next;
      plainCost += x;
      done += completed[unit]!;
    }
    out[at] = (sum + correction) / drawn.length;
    out[at + 1] = done === 0 ? Number.NaN : plainCost / done;
  };
  if (shared) {
    const [success, perRun, perSuccess] = bootstrapIndexed(
      runs.length,
      3,
      (drawn, out) => {
        successStatistic(drawn, out);
        costStatistics(drawn, out, 1);
      },
      bootstrap,
    );
    return { runSuccessRate: success!, costPerRun: perRun!, costPerSuccessfulIssue: perSuccess! };
  }
  const [success] = bootstrapIndexed(withIssues.length, 1, successStatistic, bootstrap);
  const [perRun, perSuccess] = bootstrapIndexed(priced.length, 2, (drawn, out) => costStatistics(drawn, out, 0), bootstrap);
  return { runSuccessRate: success!, costPerRun: perRun!, costPerSuccessfulIssue: perSuccess! };
}

/** The same three quantities as groupBootstraps, by Student's t on the runs' values (for fewer than MIN_BOOTSTRAP_RUNS runs). */
function groupTIntervals(withIssues: readonly AnalysisRun[], priced: readonly AnalysisRun[]) {
  return {
    runSuccessRate: tMeanInterval(column(withIssues, runSuccessRate), { min: 0, max: 1 }),
    costPerRun: tMeanInterval(
      column(priced, (r) => r.costUsd),
      { min: 0 },
    ),
    costPerSuccessfulIssue: tRatioInterval(
      column(priced, (r) => r.costUsd),
      column(priced, (r) => r.completedIssues),
      { min: 0 },
    ),
  };
}

function medianIssueDuration(runs: readonly AnalysisRun[]): number | null {
  const durations: number[] = [];
  for (const run of runs) for (const d of run.finishedIssues.durationMs) if (d !== null) durations.push(d);
  return durations.length === 0 ? null : median(durations);
}

export function groupStats(runs: readonly AnalysisRun[], bootstrap: BootstrapOptions): GroupStats {
  const issues = sum(runs, (r) => r.issues);
  const completed = sum(runs, (r) => r.completedIssues);
  const fullyPriced = runs.filter((r) => r.unpricedRecords === 0);
  // Runs that recorded no token at all say nothing about cost: with no priced token record among
  // them, the group has no cost figure (never "$0 per run").
  const priced = fullyPriced.some((r) => r.tokenRecords > 0) ? fullyPriced : [];
  const withIssues = runs.filter((r) => r.issues > 0);
  const durations = runs.map((r) => r.durationMs).filter((d): d is number => d !== null);
  const complexityCount = sum(runs, (r) => r.complexityCount);
  const runIntervalMethod: RunIntervalMethod = runs.length >= MIN_BOOTSTRAP_RUNS ? 'bootstrap-percentile' : 'student-t';
  const intervals =
    runIntervalMethod === 'bootstrap-percentile'
      ? groupBootstraps(runs, withIssues, priced, bootstrap)
      : groupTIntervals(withIssues, priced);
  const reasons = [
    issues < MIN_ISSUES ? `only ${issues} issue${issues === 1 ? '' : 's'} (needs ${MIN_ISSUES})` : null,
    runs.length < MIN_RUNS ? `only ${runs.length} run${runs.length === 1 ? '' : 's'} (needs ${MIN_RUNS})` : null,
  ].filter((r): r is string => r !== null);
  return {
    runs: runs.length,
    issues,
    completedIssues: completed,
    issueSuccessRate: clusteredProportion(
      column(runs, (r) => r.completedIssues),
      column(runs, (r) => r.issues),
    ),
    runSuccessRate: intervals.runSuccessRate,
    firstTimeRightRate: clusteredProportion(
      column(runs, (r) => r.firstTimeRightIssues),
      column(runs, (r) => r.issues),
    ),
    costPerRun: intervals.costPerRun,
    costPerSuccessfulIssue: intervals.costPerSuccessfulIssue,
    runIntervalMethod,
    pricedRuns: priced.length,
    unpricedRuns: runs.filter((r) => r.unpricedRecords > 0).map((r) => r.runId),
    medianDurationMs: durations.length === 0 ? null : median(durations),
    medianIssueDurationMs: medianIssueDuration(runs),
    meanInputTokens: runs.length === 0 ? null : sum(runs, (r) => r.inputTokens) / runs.length,
    meanOutputTokens: runs.length === 0 ? null : sum(runs, (r) => r.outputTokens) / runs.length,
    meanComplexity: complexityCount === 0 ? null : sum(runs, (r) => r.complexitySum) / complexityCount,
    insufficientSample: reasons.length === 0 ? null : reasons.join('; '),
  };
}
