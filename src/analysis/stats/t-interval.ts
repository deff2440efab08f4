import { clusterRatio } from './cluster-ratio.js';
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
