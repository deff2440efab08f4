import { betaQuantile } from '../stats/beta-quantile.js';
import { designEffectOf, type RunCounts } from './overdispersion.js';

/** The prior of every configuration's success rate: Beta(1, 1), uniform on [0, 1] (stated with every suggestion). */
export const PRIOR = { alpha: 1, beta: 1 } as const;

/** A configuration's success rate after its runs: Beta(alpha, beta), with its mean and 95% equal-tailed interval. */
export interface RatePosterior {
  readonly alpha: number;
  readonly beta: number;
  readonly mean: number;
  readonly low: number;
  readonly high: number;
  /** The issues' worth after the design effect: Σm / deff. */
  readonly effectiveIssues: number;
  readonly designEffect: number;
}

/**
 * The posterior of a configuration's success rate, its runs counted by their effective size:
 *   Beta(α₀ + Y/deff, β₀ + (N − Y)/deff),  deff = 1 + (m̄ − 1)ρ̂,
 * the conjugate update with each run's issues deflated by the design effect of the beta-binomial
 * (a run of m correlated issues is worth m/deff independent ones; Kish 1965). With ρ̂ = 0 it is the
 * exact beta-binomial posterior Beta(α₀ + Y, β₀ + N − Y).
 */
export function ratePosterior(runs: readonly RunCounts[], rho: number): RatePosterior {
  const shape = rateShape(runs, rho);
  const { alpha, beta } = shape;
  return {
    ...shape,
    mean: alpha / (alpha + beta),
    low: betaQuantile(0.025, alpha, beta),
    high: betaQuantile(0.975, alpha, beta),
  };
}

/** ratePosterior's Beta parameters, effective issues and design effect, without the interval (for the simulated futures). */
export function rateShape(
  runs: readonly RunCounts[],
  rho: number,
): { alpha: number; beta: number; effectiveIssues: number; designEffect: number } {
  const counted = runs.filter((r) => r.issues > 0);
  const designEffect = designEffectOf(counted, rho);
  let y = 0;
  let n = 0;
  for (const r of counted) {
    y += r.successes;
    n += r.issues;
  }
  return {
    alpha: PRIOR.alpha + y / designEffect,
    beta: PRIOR.beta + (n - y) / designEffect,
    effectiveIssues: n / designEffect,
    designEffect,
  };
}
