import { clusterProportion, type ClusterRatio } from './cluster-ratio.js';
import { twoSidedTP, studentTCdf } from './student-t.js';
import { studentTQuantile } from './student-t-quantile.js';

/** Per-run counts of one group: successes and issues of each run, in any order. */
export interface RunCounts {
  readonly successes: ArrayLike<number>;
  readonly issues: ArrayLike<number>;
}

export interface ClusterTDifference {
  /** p̂_A − p̂_B with its 95% interval d ± t(ν, 0.975)·se. */
  readonly estimate: number;
  readonly low: number;
  readonly high: number;
  readonly standardError: number;
  readonly t: number;
  /** Satterthwaite's degrees of freedom. */
  readonly df: number;
  /** Two-sided p from t(ν). */
  readonly p: number;
  /** One-sided p of "A is worse than B" (d < 0). */
  readonly pAWorse: number;
  /** The variance of each rate as used (never below the binomial variance). */
  readonly varianceA: number;
  readonly varianceB: number;
  readonly runsA: number;
  readonly runsB: number;
}

/**
 * The variance of a group's rate as the test uses it: the between-run variance, never below the
 * binomial p(1−p)/N (fewer runs than the noise would show cannot make a group surer than its
 * issues allow). At p̂ = 0 or 1 the binomial variance is 0, so there the floor uses
 * (y + ½)/(N + 1) — otherwise 10 of 10 against 0 of 10 over identical runs has no variance at all.
 */
export function flooredVariance(ratio: ClusterRatio): number {
  const { estimate: p, denominator: n, numerator: y } = ratio;
  const q = p === 0 || p === 1 ? (y + 0.5) / (n + 1) : p;
  return Math.max(ratio.variance ?? 0, (q * (1 - q)) / n);
}

/** ν = (V_A + V_B)² / (V_A²/(K_A − 1) + V_B²/(K_B − 1)) (F. E. Satterthwaite, Biometrics Bulletin 1946). */
export function satterthwaiteDf(varianceA: number, runsA: number, varianceB: number, runsB: number): number {
  const denominator = (varianceA * varianceA) / (runsA - 1) + (varianceB * varianceB) / (runsB - 1);
  return denominator === 0 ? runsA + runsB - 2 : ((varianceA + varianceB) * (varianceA + varianceB)) / denominator;
}

/**
 * The difference of two groups' success rates with runs as the unit: d = p̂_A − p̂_B,
 * t = d / √(V_A + V_B), Satterthwaite's ν, p from t(ν). With equal run sizes it is Welch's test on
 * the runs' success rates (scipy.stats.ttest_ind(equal_var=False)). Both groups need ≥ 2 runs with
 * issues; null otherwise.
 */
export function clusterTDifference(a: RunCounts, b: RunCounts): ClusterTDifference | null {
  const ra = clusterProportion(a.successes, a.issues);
  const rb = clusterProportion(b.successes, b.issues);
  if (!ra || !rb || ra.runs < 2 || rb.runs < 2) return null;
  return welchOnRatios(ra, flooredVariance(ra), rb, flooredVariance(rb));
}

/**
 * The same test for any two ratios over runs (cost per successful issue: Σ cost ÷ Σ completed),
 * with their own between-run variances and no floor. null unless both have ≥ 2 runs and a variance.
 */
export function ratioTDifference(ra: ClusterRatio | null, rb: ClusterRatio | null): ClusterTDifference | null {
  if (!ra || !rb || ra.variance === null || rb.variance === null) return null;
  if (ra.variance + rb.variance === 0) return null;
  return welchOnRatios(ra, ra.variance, rb, rb.variance);
}

function welchOnRatios(ra: ClusterRatio, varianceA: number, rb: ClusterRatio, varianceB: number): ClusterTDifference {
  const standardError = Math.sqrt(varianceA + varianceB);
  const df = satterthwaiteDf(varianceA, ra.runs, varianceB, rb.runs);
  const estimate = ra.estimate - rb.estimate;
  const t = estimate / standardError;
  const half = studentTQuantile(0.975, df) * standardError;
  return {
    estimate,
    low: estimate - half,
    high: estimate + half,
    standardError,
    t,
    df,
    p: twoSidedTP(t, df),
    pAWorse: studentTCdf(t, df),
    varianceA,
    varianceB,
    runsA: ra.runs,
    runsB: rb.runs,
  };
}
