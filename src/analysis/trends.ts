import { linearRegression } from 'simple-statistics';
import type { AnalysisRun } from '../../projections/analysis-input.js';
import { AnalysisInputError } from '../errors.js';
import { analysedRuns } from './compare.js';
import { bootstrapInterval, type BootstrapOptions, type Estimate } from './stats/bootstrap.js';
import { assertAnalysisOptions } from './options.js';
import { mannKendall, type TrendTest } from './stats/mann-kendall.js';

export type TrendVerdict = 'improving' | 'degrading' | 'no significant trend' | 'not enough runs';

export interface TrendLine {
  /** Runs that have a value (success: runs with issues; cost: fully priced runs). */
  readonly runs: number;
  /** Least-squares slope per run (in start order), with a percentile bootstrap interval over runs. */
  readonly slopePerRun: Estimate | null;
  /** Mann-Kendall test of a monotonic trend (two-sided). */
  readonly test: TrendTest | null;
  /** Mean of the first and of the last third of the runs, to read the slope by (bootstrap intervals). */
  readonly firstThirdMean: Estimate | null;
  readonly lastThirdMean: Estimate | null;
  /** "improving"/"degrading" only when the test says p < 0.05 and the slope's interval excludes 0. */
  readonly verdict: TrendVerdict;
}

export interface TrendReport {
  readonly runs: number;
  readonly lastN: number | null;
  readonly from: string | null;
  readonly to: string | null;
  readonly successRate: TrendLine;
  readonly costPerRun: TrendLine;
}

export const TREND_ALPHA = 0.05;
const MIN_TREND_RUNS = 6;

/**
 * Whether the system gets better over time: run success rate and cost per run against run start
 * order (optionally the last N runs), with a trend test and the slope's interval. The v2 metrics system said
 * "improving" from two averages; here the verdict is the test's, or "no significant trend".
 */
export function performanceTrends(allRuns: readonly AnalysisRun[], options: BootstrapOptions & { lastN?: number } = {}): TrendReport {
  assertAnalysisOptions('performanceTrends', options, ['lastN']);
  if (options.lastN !== undefined && (!Number.isInteger(options.lastN) || options.lastN < 1)) {
    throw new AnalysisInputError(`lastN ${options.lastN} is not a whole number >= 1`);
  }
  const ordered = analysedRuns(allRuns).sort((a, b) =>
    a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : a.runId < b.runId ? -1 : 1,
  );
  const runs = options.lastN === undefined ? ordered : ordered.slice(-options.lastN);
  const success = runs.filter((r) => r.issues > 0).map((r) => r.completedIssues / r.issues);
  const cost = runs.filter((r) => r.unpricedRecords === 0).map((r) => r.costUsd);
  return {
    runs: runs.length,
    lastN: options.lastN ?? null,
    from: runs[0]?.startedAt ?? null,
    to: runs.at(-1)?.startedAt ?? null,
    successRate: trendLine(success, 'higher', options),
    costPerRun: trendLine(cost, 'lower', options),
  };
}

function trendLine(values: readonly number[], better: 'higher' | 'lower', bootstrap: BootstrapOptions): TrendLine {
  const third = Math.floor(values.length / 3);
  const meanOf = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
  const thirdMean = (xs: readonly number[]): Estimate | null => (xs.length === 0 ? null : bootstrapInterval(xs, meanOf, bootstrap));
  const base = {
    runs: values.length,
    firstThirdMean: thirdMean(values.slice(0, third)),
    lastThirdMean: thirdMean(third === 0 ? [] : values.slice(-third)),
  };
  if (values.length < MIN_TREND_RUNS) return { ...base, slopePerRun: null, test: null, verdict: 'not enough runs' };
  const points = values.map((v, i) => [i, v] as [number, number]);
  const slope = (sample: readonly (readonly [number, number])[]): number | null => {
    const xs = new Set(sample.map(([x]) => x));
    return xs.size < 2 ? null : linearRegression(sample as [number, number][]).m;
  };
  const slopePerRun = bootstrapInterval(points, slope, bootstrap);
  const test = mannKendall(values);
  let verdict: TrendVerdict = 'no significant trend';
  if (test && test.p < TREND_ALPHA && slopePerRun && slopePerRun.low !== null && slopePerRun.high !== null) {
    const up = slopePerRun.low > 0;
    const down = slopePerRun.high < 0;
    if (up || down) verdict = up === (better === 'higher') ? 'improving' : 'degrading';
  }
  return { ...base, slopePerRun, test, verdict };
}
