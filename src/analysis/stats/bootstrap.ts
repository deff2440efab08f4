import { quantileSorted } from 'simple-statistics';
import { mulberry32 } from './random.js';

/** A point estimate with its interval; low and high are null when no interval can be formed. */
export interface Estimate {
  readonly estimate: number;
  readonly low: number | null;
  readonly high: number | null;
}

export interface BootstrapOptions {
  /** Resamples; default 2000. */
  readonly resamples?: number;
  /** PRNG seed: the same seed and data give the same interval. Default 1. */
  readonly seed?: number;
}

/**
 * Percentile bootstrap interval (B. Efron, "Bootstrap methods", Ann. Statist. 1979; Efron &
 * Tibshirani 1993, ch. 13): resample the units (runs) with replacement, recompute the statistic,
 * take the 2.5th and 97.5th percentiles. Resamples whose statistic is undefined (null: e.g. no
 * successful issue) are dropped. null when the statistic of the data itself is undefined; no
 * interval (low, high null) for fewer than 2 units or when fewer than half the resamples count.
 */
export function bootstrapInterval<T>(units: readonly T[], statistic: (sample: readonly T[]) => number | null, options: BootstrapOptions = {}): Estimate | null {
  const estimate = units.length === 0 ? null : statistic(units);
  if (estimate === null) return null;
  if (units.length < 2) return { estimate, low: null, high: null };
  const resamples = options.resamples ?? 2000;
  const random = mulberry32(options.seed ?? 1);
  const values: number[] = [];
  const sample: T[] = new Array(units.length);
  for (let r = 0; r < resamples; r += 1) {
    for (let i = 0; i < units.length; i += 1) sample[i] = units[Math.floor(random() * units.length)]!;
    const value = statistic(sample);
    if (value !== null && Number.isFinite(value)) values.push(value);
  }
  if (values.length < resamples / 2) return { estimate, low: null, high: null };
  values.sort((a, b) => a - b);
  return { estimate, low: quantileSorted(values, 0.025), high: quantileSorted(values, 0.975) };
}

/**
 * Percentile bootstrap interval for statistic(a) - statistic(b) between two independent groups:
 * each replicate resamples both groups, each within itself. null when either statistic is undefined.
 */
export function bootstrapDifference<T>(
  a: readonly T[],
  b: readonly T[],
  statistic: (sample: readonly T[]) => number | null,
  options: BootstrapOptions = {},
): Estimate | null {
  const sa = a.length === 0 ? null : statistic(a);
  const sb = b.length === 0 ? null : statistic(b);
  if (sa === null || sb === null) return null;
  const estimate = sa - sb;
  if (a.length < 2 || b.length < 2) return { estimate, low: null, high: null };
  const resamples = options.resamples ?? 2000;
  const random = mulberry32(options.seed ?? 1);
  const draw = (units: readonly T[], into: T[]): T[] => {
    for (let i = 0; i < units.length; i += 1) into[i] = units[Math.floor(random() * units.length)]!;
    return into;
  };
  const bufferA: T[] = new Array(a.length);
  const bufferB: T[] = new Array(b.length);
  const values: number[] = [];
  for (let r = 0; r < resamples; r += 1) {
    const x = statistic(draw(a, bufferA));
    const y = statistic(draw(b, bufferB));
    if (x !== null && y !== null && Number.isFinite(x - y)) values.push(x - y);
  }
  if (values.length < resamples / 2) return { estimate, low: null, high: null };
  values.sort((p, q) => p - q);
  return { estimate, low: quantileSorted(values, 0.025), high: quantileSorted(values, 0.975) };
}
