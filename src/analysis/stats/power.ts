import { satterthwaiteDf } from './cluster-t.js';
import { studentTQuantile } from './student-t-quantile.js';

/** The conventional design targets: a two-sided test at 5% that finds a real difference 80% of the time. */
export const ALPHA = 0.05;
export const POWER = 0.8;
/** Above this many runs per group, "runs needed" is reported as out of reach rather than as a number. */
export const MAX_RUNS_NEEDED = 100_000;

/**
 * The smallest difference a two-sided t test at level α detects with the given power, from its
 * standard error and degrees of freedom: (t(ν, 1 − α/2) + t(ν, power)) · se — the usual
 * normal-approximation power formula with t quantiles, which is what a planner needs (Cohen 1988 §2).
 */
export function detectableDifference(standardError: number, df: number, alpha = ALPHA, power = POWER): number {
  return (studentTQuantile(1 - alpha / 2, df) + studentTQuantile(power, df)) * standardError;
}

/**
 * Runs per group to detect `difference` with the given power, when each group's rate varies by
 * runVarianceA (resp. B) between single runs: with K runs each, se = √((σ²_A + σ²_B)/K) and
 * ν = Satterthwaite's with K − 1 each. The least K ≥ 2 whose detectable difference is at most
 * |difference|; null when even MAX_RUNS_NEEDED runs would not do (or the difference is 0).
 */
export function runsNeededPerGroup(
  difference: number,
  runVarianceA: number,
  runVarianceB: number,
  alpha = ALPHA,
  power = POWER,
): number | null {
  const target = Math.abs(difference);
  if (target === 0) return null;
  const detectable = (k: number): number => {
    const se = Math.sqrt((runVarianceA + runVarianceB) / k);
    return detectableDifference(se, satterthwaiteDf(runVarianceA / k, k, runVarianceB / k, k), alpha, power);
  };
  const atMost = detectable(MAX_RUNS_NEEDED);
  if (atMost > target) return null;
  // detectable(K) = q(ν_K)·√(V/K), with q the sum of the two t quantiles, which falls as ν_K grows;
  // ν_K is largest at MAX_RUNS_NEEDED, so q(ν_K) ≥ q there and no K below q(ν_max)²·V/d² =
  // (atMost/d)²·MAX_RUNS_NEEDED reaches the target: start the search there, not at 2.
  let low = Math.max(2, Math.floor((atMost / target) ** 2 * MAX_RUNS_NEEDED * (1 - 1e-12)));
  if (low >= MAX_RUNS_NEEDED) return MAX_RUNS_NEEDED;
  const atLow = detectable(low);
  if (atLow <= target) return low;
  // And from K ≥ low on, q(ν_K) ≤ q(ν_low), so every K from (atLow/d)²·low on reaches the target:
  // the answer lies between the two bounds, usually a run or two apart. Should rounding leave that
  // K a hair short, gallop on from it; then bisect for the least K that reaches the target.
  let high = Math.min(MAX_RUNS_NEEDED, Math.max(low + 1, Math.ceil((atLow / target) ** 2 * low)));
  let step = 1;
  while (high < MAX_RUNS_NEEDED && detectable(high) > target) {
    low = high;
    high = Math.min(MAX_RUNS_NEEDED, low + step);
    step *= 2;
  }
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (detectable(middle) <= target) high = middle;
    else low = middle;
  }
  return high;
}
