import { regularizedIncompleteBeta } from './incomplete-beta.js';

/** P(F > f) for Snedecor's F(d1, d2): I_{d2/(d2 + d1·f)}(d2/2, d1/2) (Abramowitz & Stegun 26.6.2). */
export function fDistributionSf(f: number, d1: number, d2: number): number {
  if (!(f > 0)) return 1;
  if (f === Infinity) return 0;
  return regularizedIncompleteBeta(d2 / (d2 + d1 * f), d2 / 2, d1 / 2);
}
