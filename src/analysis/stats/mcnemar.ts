import { binomialCdf } from './binomial.js';

/**
 * Exact McNemar test for paired binary outcomes (Q. McNemar, Psychometrika 1947; exact form as in
 * A. Agresti, Categorical Data Analysis, 3rd ed., §11.1.1): b and c are the discordant pairs (first
 * succeeds and second fails, and the reverse). Under no difference b ~ Binomial(b + c, ½), so the
 * two-sided p-value is min(1, 2·P(X ≤ min(b, c))) — the same as statsmodels'
 * mcnemar([[a, b], [c, d]], exact=True).pvalue. 1 when there are no discordant pairs.
 */
export function mcnemarExactP(b: number, c: number): number {
  if (b + c === 0) return 1;
  return Math.min(1, 2 * binomialCdf(Math.min(b, c), b + c, 0.5));
}
