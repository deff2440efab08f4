import { errorFunction } from 'simple-statistics';

/**
 * The 97.5th percentile of the standard normal distribution, for 95% intervals. A constant, not
 * simple-statistics' probit(0.975), which returns 1.9572 (its approximation is too coarse here).
 */
export const Z_95 = 1.959963984540054;

/** Standard normal CDF: Φ(z) = ½(1 + erf(z/√2)); erf from simple-statistics (error < 1.2e-7). */
export function normalCdf(z: number): number {
  return 0.5 * (1 + errorFunction(z / Math.SQRT2));
}

/** Two-sided p-value of a standard normal test statistic. */
export function twoSidedNormalP(z: number): number {
  return Math.min(1, 2 * (1 - normalCdf(Math.abs(z))));
}
