import { quantileSorted } from 'simple-statistics';
import { AnalysisInputError } from '../../errors.js';
import { mulberry32 } from './random.js';

/** A point estimate with its interval; low and high are null when no interval can be formed. */
export interface Estimate {
  readonly estimate: number;
  readonly low: number | null;
  readonly high: number | null;
}

/** The one default seed of every analysis (the CLI's, the library's, the demo's): the same data give the same intervals everywhere. */
export const DEFAULT_BOOTSTRAP_SEED = 1;
/** The default number of bootstrap resamples of every analysis. */
export const DEFAULT_BOOTSTRAP_RESAMPLES = 2000;

export interface BootstrapOptions {
  /** Resamples; default DEFAULT_BOOTSTRAP_RESAMPLES (2000). */
  readonly resamples?: number;
  /** PRNG seed: the same seed and data give the same interval. Default DEFAULT_BOOTSTRAP_SEED (1). */
  readonly seed?: number;
}

/**
 * The most resamples an analysis takes: 100,000 already pins a 95% interval's ends far below the
 * figures' printed precision, and each resample keeps one number per statistic in memory (10^8 ran
 * out of memory; 10^12 was a fatal error of V8 itself).
 */
export const MAX_RESAMPLES = 100_000;

/** Refuses resamples outside 1..MAX_RESAMPLES and a seed that is not a safe integer, before any work. */
export function assertBootstrapOptions(options: BootstrapOptions): void {
  const { resamples, seed } = options;
  if (resamples !== undefined && (!Number.isInteger(resamples) || resamples < 1 || resamples > MAX_RESAMPLES))
    throw new AnalysisInputError(`resamples ${resamples} is not a whole number from 1 to ${MAX_RESAMPLES}`);
  if (seed !== undefined && !Number.isSafeInteger(seed)) throw new AnalysisInputError(`seed ${seed} is not a whole number`);
}

/**
 * Percentile bootstrap interval (B. Efron, "Bootstrap methods", Ann. Statist. 1979; Efron &
 * Tibshirani 1993, ch. 13): resample the units (runs) with replacement, recompute the statistic,
 * take the 2.5th and 97.5th percentiles. Resamples whose statistic is undefined (null: e.g. no
 * successful issue) are dropped. null when the statistic of the data itself is undefined; no
 * interval (low, high null) for fewer than 2 units or when fewer than half the resamples count.
 */
export function bootstrapInterval<T>(
  units: readonly T[],
  statistic: (sample: readonly T[]) => number | null,
  options: BootstrapOptions = {},
): Estimate | null {
  const estimate = units.length === 0 ? null : statistic(units);
  if (estimate === null) return null;
  if (units.length < 2) return { estimate, low: null, high: null };
  const resamples = options.resamples ?? DEFAULT_BOOTSTRAP_RESAMPLES;
  const random = mulberry32(options.seed ?? DEFAULT_BOOTSTRAP_SEED);
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
  const resamples = options.resamples ?? DEFAULT_BOOTSTRAP_RESAMPLES;
  const random = mulberry32(options.seed ?? DEFAULT_BOOTSTRAP_SEED);
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

/**
 * Several statistics of the units drawn (`drawn[i]` is a unit's position), computed together:
 * `out[s]` gets statistic s, or NaN where it is undefined (null in bootstrapInterval's terms).
 */
export type IndexedStatistics = (drawn: Int32Array, out: Float64Array) => void;

/**
 * bootstrapInterval for `count` statistics of the same units at once, computed from per-unit
 * numbers through the positions drawn: bit for bit what bootstrapInterval(units, s) gives for each s
 * (same seed, so the same draws; the statistics must do the arithmetic of their array versions),
 * with the draws made once for all of them and no sample array built per resample.
 */
export function bootstrapIndexed(
  units: number,
  count: number,
  statistics: IndexedStatistics,
  options: BootstrapOptions = {},
): Array<Estimate | null> {
  if (units === 0) return Array.from({ length: count }, () => null);
  const out = new Float64Array(count);
  statistics(
    Int32Array.from({ length: units }, (_, i) => i),
    out,
  );
  const estimates = Array.from(out, (value) => (Number.isNaN(value) ? null : value));
  if (units < 2) return estimates.map((estimate) => (estimate === null ? null : { estimate, low: null, high: null }));
  const resamples = options.resamples ?? DEFAULT_BOOTSTRAP_RESAMPLES;
  const random = mulberry32(options.seed ?? DEFAULT_BOOTSTRAP_SEED);
  const values = estimates.map((): number[] => []);
  const drawn = new Int32Array(units);
  for (let r = 0; r < resamples; r += 1) {
    for (let i = 0; i < units; i += 1) drawn[i] = Math.floor(random() * units);
    statistics(drawn, out);
    for (let s = 0; s < count; s += 1) if (Number.isFinite(out[s]!)) values[s]!.push(out[s]!);
  }
  return estimates.map((estimate, s) => {
    if (estimate === null) return null;
    const found = values[s]!;
    if (found.length < resamples / 2) return { estimate, low: null, high: null };
    found.sort((a, b) => a - b);
    return { estimate, low: quantileSorted(found, 0.025), high: quantileSorted(found, 0.975) };
  });
}
