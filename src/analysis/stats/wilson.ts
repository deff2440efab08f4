import { Z_95 } from './normal.js';

export interface Interval {
  readonly estimate: number;
  readonly low: number;
  readonly high: number;
}

/**
 * Wilson score interval for a binomial proportion (E. B. Wilson, JASA 1927; formula as in
 * R. G. Newcombe, "Two-sided confidence intervals for the single proportion", Stat. Med. 1998,
 * method 3): good coverage even for small n and proportions near 0 or 1, unlike p ± z·se.
 * Newcombe's example: 81 of 263 gives [0.2553, 0.3662]. null when n is 0.
 */
export function wilsonInterval(successes: number, n: number, z: number = Z_95): Interval | null {
  if (n === 0) return null;
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { estimate: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}
