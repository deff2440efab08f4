import { twoSidedNormalP } from './normal.js';

export interface TrendTest {
  /** Kendall's S: concordant minus discordant pairs (time order vs value). */
  readonly s: number;
  readonly z: number;
  /** Two-sided p-value. */
  readonly p: number;
}

/**
 * Mann-Kendall trend test (H. B. Mann, Econometrica 1945; M. G. Kendall, "Rank Correlation
 * Methods" 1975), with the variance corrected for ties and a continuity correction, as in
 * R. O. Gilbert, "Statistical Methods for Environmental Pollution Monitoring" (1987), §16.4:
 *   Var(S) = [n(n-1)(2n+5) - Σ t(t-1)(2t+5)] / 18,   z = (S - sign(S)) / sqrt(Var(S)).
 * Makes no assumption about the shape of the trend or the distribution. null for fewer than 3 values.
 */
export function mannKendall(values: readonly number[]): TrendTest | null {
  const n = values.length;
  if (n < 3) return null;
  let s = 0;
  for (let i = 0; i < n - 1; i += 1) {
    const vi = values[i]!;
    for (let j = i + 1; j < n; j += 1) s += Math.sign(values[j]! - vi);
  }
  const ties = new Map<number, number>();
  for (const v of values) ties.set(v, (ties.get(v) ?? 0) + 1);
  let tieTerm = 0;
  for (const t of ties.values()) tieTerm += t * (t - 1) * (2 * t + 5);
  const variance = (n * (n - 1) * (2 * n + 5) - tieTerm) / 18;
  if (variance <= 0) return { s, z: 0, p: 1 };
  const z = s === 0 ? 0 : (s - Math.sign(s)) / Math.sqrt(variance);
  return { s, z, p: twoSidedNormalP(z) };
}
