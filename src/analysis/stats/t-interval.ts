import { clusterProportion, clusterRatio } from './cluster-ratio.js';
import { flooredVariance } from './cluster-t.js';
import { weightedLeastSquares } from './least-squares.js';
import type { Estimate } from './bootstrap.js';
import { studentTQuantile } from './student-t-quantile.js';

/** The range a quantity can take: a rate stays in [0, 1], a cost at or above 0. */
export interface Bounds {
  readonly min?: number;
  readonly max?: number;
}

const clamp = (x: number, bounds: Bounds): number => Math.min(bounds.max ?? Infinity, Math.max(bounds.min ?? -Infinity, x));

function tInterval(estimate: number, variance: number | null, df: number, bounds: Bounds): Estimate {
  if (variance === null) return { estimate, low: null, high: null };
  const half = studentTQuantile(0.975, df) * Math.sqrt(variance);
  return { estimate, low: clamp(estimate - half, bounds), high: clamp(estimate + half, bounds) };
}

/** Mean of the runs' values ± t(K−1, 0.975)·s/√K (Student 1908). No interval for one run; null for none. */
export function tMeanInterval(values: ArrayLike<number>, bounds: Bounds = {}): Estimate | null {
  const k = values.length;
  if (k === 0) return null;
  let sum = 0;
  for (let i = 0; i < k; i += 1) sum += values[i]!;
  const mean = sum / k;
  if (k === 1) return { estimate: mean, low: null, high: null };
  let squares = 0;
  for (let i = 0; i < k; i += 1) squares += (values[i]! - mean) ** 2;
  return tInterval(mean, squares / (k - 1) / k, k - 1, bounds);
}

/** Σ num ÷ Σ den over runs ± t(K−1, 0.975)·√V, V the cluster ratio variance (cluster-ratio.ts). null when Σ den is 0. */
export function tRatioInterval(numerators: ArrayLike<number>, denominators: ArrayLike<number>, bounds: Bounds = {}): Estimate | null {
  const ratio = clusterRatio(numerators, denominators);
  return ratio ? tInterval(ratio.estimate, ratio.variance, ratio.runs - 1, bounds) : null;
}

/**
 * The least-squares slope of the values against their positions 0, 1, …, n−1 (weightedLeastSquares,
 * unit weights), ± t(n−2, 0.975)·SE with SE² = Σ residual² / (n−2) · [(X'X)⁻¹]₁₁: the textbook interval
 * for a regression slope, exact for normal errors (scipy's linregress gives the same slope and SE).
 * No interval for two points; null for fewer.
 */
export function tSlopeInterval(values: ArrayLike<number>): Estimate | null {
  const n = values.length;
  if (n < 2) return null;
  const x = Array.from({ length: n }, (_, i) => Float64Array.of(1, i));
  const fit = weightedLeastSquares(x, values, new Float64Array(n).fill(1));
  const slope = fit.coefficients[1]!;
  if (n === 2) return { estimate: slope, low: null, high: null };
  return tInterval(slope, (fit.residualSumOfSquares / (n - 2)) * fit.inverse[3]!, n - 2, {});
}

/**
 * A success rate over runs (Σ successes ÷ Σ issues) ± t(K−1, 0.975)·√V, V the cluster variance floored
 * at the binomial one (cluster-t.ts): two runs that both solved 4 of 10 have no spread between them,
 * and without the floor their interval would be the single point 0.4. No interval for one run.
 */
export function tProportionInterval(successes: ArrayLike<number>, issues: ArrayLike<number>): Estimate | null {
  const ratio = clusterProportion(successes, issues);
  if (!ratio) return null;
  if (ratio.runs === 1) return { estimate: ratio.estimate, low: null, high: null };
  return tInterval(ratio.estimate, flooredVariance(ratio), ratio.runs - 1, { min: 0, max: 1 });
}
