import { regularizedIncompleteBeta } from './incomplete-beta.js';

/**
 * The q-quantile of Beta(a, b): the x with I_x(a, b) = q, by bisection on the regularized
 * incomplete beta (monotone in x), 64 halvings of [0, 1]: below double precision's spacing there.
 */
export function betaQuantile(q: number, a: number, b: number): number {
  if (q <= 0) return 0;
  if (q >= 1) return 1;
  let low = 0;
  let high = 1;
  for (let i = 0; i < 64; i += 1) {
    const mid = (low + high) / 2;
    if (regularizedIncompleteBeta(mid, a, b) < q) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}
