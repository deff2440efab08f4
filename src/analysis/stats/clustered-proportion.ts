import { clusterProportion } from './cluster-ratio.js';
import { Z_95 } from './normal.js';
import { studentTQuantile } from './student-t-quantile.js';
import { wilsonInterval, type Interval } from './wilson.js';

/** How a group's rate interval was formed: over runs (the honest default), or from one run alone. */
export type RateIntervalMethod = 'cluster-wilson-t' | 'wilson-one-run';

export interface ClusteredProportion extends Interval {
  readonly runs: number;
  readonly issues: number;
  readonly successes: number;
  /** Between-run variance ÷ the binomial variance, at least 1: how many issues count as one independent issue. */
  readonly designEffect: number;
  /** issues ÷ designEffect: the sample size the interval is worth. */
  readonly effectiveIssues: number;
  /** Degrees of freedom of the critical value: runs − 1; null for one run (normal z). */
  readonly df: number | null;
  /** The between-run variance of the estimate (cluster-ratio.ts); null for one run. */
  readonly variance: number | null;
  readonly method: RateIntervalMethod;
}

/**
 * A group's success rate with runs as the unit of inference: p̂ = Σy/N pooled over the K runs, the
 * design effect deff = max(1, V ÷ (p̂(1−p̂)/N)) from the between-run variance V (1 when p̂ is 0 or 1),
 * and Wilson's score interval on n_eff = N/deff issues with Student's t(K−1) quantile in place of z
 * (the Korn–Graubard idea: an effective sample size and the degrees of freedom of the variance
 * estimate). One run: plain Wilson with z — it assumes the issues are independent, which one run
 * cannot check. null when no run has an issue.
 */
export function clusteredProportion(successes: ArrayLike<number>, issues: ArrayLike<number>): ClusteredProportion | null {
  const ratio = clusterProportion(successes, issues);
  if (!ratio) return null;
  const { estimate: p, denominator: n, numerator: y, runs } = ratio;
  if (ratio.variance === null) {
    const wilson = wilsonInterval(y, n, Z_95)!;
    return {
      ...wilson,
      runs,
      issues: n,
      successes: y,
      designEffect: 1,
      effectiveIssues: n,
      df: null,
      variance: null,
      method: 'wilson-one-run',
    };
  }
  const binomial = (p * (1 - p)) / n;
  const designEffect = binomial === 0 ? 1 : Math.max(1, ratio.variance / binomial);
  const effectiveIssues = n / designEffect;
  const df = runs - 1;
  const wilson = wilsonInterval(p * effectiveIssues, effectiveIssues, studentTQuantile(0.975, df))!;
  return {
    ...wilson,
    estimate: p,
    runs,
    issues: n,
    successes: y,
    designEffect,
    effectiveIssues,
    df,
    variance: ratio.variance,
    method: 'cluster-wilson-t',
  };
}
