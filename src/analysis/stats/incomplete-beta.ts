import { stirlingError } from './stirling-error.js';

/** I_x(a, b) and its complement 1 − I_x(a, b). */
export interface BetaTails {
  readonly lower: number;
  readonly upper: number;
}

/**
 * k·log(n·p/k) for one of the two terms of the prefactor, where d = n·p − k is passed in already
 * formed from the smaller (exactly known) of x and y: k·log1p(d/k) near the mode, where the two
 * terms' ±d cancel each other, and k·(log p + log(n/k)) far from it.
 */
function logRatioTerm(k: number, n: number, d: number, logP: number): number {
  return Math.abs(d) < 0.5 * k ? k * Math.log1p(d / k) : k * (logP + Math.log(n / k));
}

/**
 * x^a·y^b / B(a, b) in the saddle-point form of C. Loader ("Fast and accurate computation of
 * binomial probabilities", 2000), with n = a + b and δ Stirling's error (stirling-error.ts):
 *   √(ab/(2πn)) · exp(δ(n) − δ(a) − δ(b) + a·log(nx/a) + b·log(ny/b)),
 * free of the cancellation in log Γ(a) + log Γ(b) − log Γ(a+b) for large a and b. Only the smaller
 * of x and y is used as given; the larger is taken as 1 minus it (log1p), so that a caller who has
 * the small one exactly (t²/(ν + t²) for Student's t) does not see the rounding of the large one,
 * which x^a would multiply by a.
 */
export function betaPowerTerms(x: number, y: number, a: number, b: number): number {
  const n = a + b;
  const xSmaller = x <= y;
  const logX = xSmaller ? Math.log(x) : Math.log1p(-y);
  const logY = xSmaller ? Math.log1p(-x) : Math.log(y);
  const d = xSmaller ? n * x - a : b - n * y;
  const exponent = stirlingError(n) - stirlingError(a) - stirlingError(b) + logRatioTerm(a, n, d, logX) + logRatioTerm(b, n, -d, logY);
  return Math.sqrt((a * b) / (2 * Math.PI * n)) * Math.exp(exponent);
}

/**
 * I_x(a, b) / (x^a·y^b / B(a, b)) by the continued fraction of A. R. Didonato & A. H. Morris
 * ("Algorithm 708: Significant digit computation of the incomplete beta function ratios", ACM TOMS
 * 18, 1992, BFRAC; the fraction of Abramowitz & Stegun 26.5.8 written with λ = a − (a+b)x), evaluated
 * by the forward recurrence with rescaling until a step changes it by less than 1e-15 relative.
 * It evaluates what Numerical Recipes' betacf (§6.4, by Lentz's method) does, but takes λ
 * separately: near x = 1 with large a (Student's t with ν = 1e6, t = 3) λ must come from y, and
 * betacf, which forms a − (a+b)x from x, was measured 4e-11 off there. Converges fast for
 * x < (a + 1)/(a + b + 2), in a few dozen steps even for a = 500,000.
 */
function betaContinuedFraction(x: number, y: number, a: number, b: number, lambda: number): number {
  const c = 1 + lambda;
  const c0 = b / a;
  const c1 = 1 + 1 / a;
  let p = 1;
  let s = a + 1;
  let an = 0;
  let bn = 1;
  let anp1 = 1;
  let bnp1 = c / c1;
  let ratio = c1 / c;
  for (let n = 1; n <= 100_000; n += 1) {
    const t = n / a;
    const w = n * (b - n) * x;
    let e = a / s;
    const alpha = p * (p + c0) * e * e * (w * x);
    e = (1 + t) / (c1 + t + t);
    const beta = n + w / s + e * (c + n * (1 + y));
    p = 1 + t;
    s += 2;
    const nextA = alpha * an + beta * anp1;
    const nextB = alpha * bn + beta * bnp1;
    [an, anp1, bn, bnp1] = [anp1, nextA, bnp1, nextB];
    const previous = ratio;
    ratio = anp1 / bnp1;
    if (Math.abs(ratio - previous) <= 1e-15 * ratio) return ratio;
    an /= bnp1;
    bn /= bnp1;
    anp1 = ratio;
    bnp1 = 1;
  }
  throw new Error(`incomplete beta: continued fraction did not converge for x=${x}, a=${a}, b=${b}`);
}

/**
 * The regularized incomplete beta function I_x(a, b) and its complement, for real a, b > 0 and
 * x + y = 1, y passed separately so that a caller who knows the small one of the two exactly loses
 * nothing to 1 − x. The continued fraction gives I_x(a, b) when x < (a + 1)/(a + b + 2) and
 * I_y(b, a) = 1 − I_x(a, b) otherwise, each keeping its relative accuracy however small it is:
 * within 2e-13 of mpmath and of exact binomial sums on the tested grids, tails of 1e-300 included
 * (the rounding of the logarithm of a tail of e^−700 alone is 1e-13 of it). The other is 1 minus
 * it, at least about ⅓ except for extreme shapes (a ≪ 1 ≪ b or the reverse), where it is accurate
 * in absolute terms only. NaN for a or b ≤ 0 or x, y outside [0, 1] or not summing to 1.
 */
export function incompleteBetaTails(x: number, y: number, a: number, b: number): BetaTails {
  if (!(a > 0 && b > 0 && x >= 0 && y >= 0) || Math.abs(x + y - 1) > 1e-12) return { lower: Number.NaN, upper: Number.NaN };
  if (x === 0) return { lower: 0, upper: 1 };
  if (y === 0) return { lower: 1, upper: 0 };
  const n = a + b;
  const front = betaPowerTerms(x, y, a, b);
  // λ = a − n·x = n·y − b, formed from the smaller of x and y.
  const lambda = x <= y ? a - n * x : n * y - b;
  if (x * (n + 2) < a + 1) {
    const lower = Math.min(1, front * betaContinuedFraction(x, y, a, b, lambda));
    return { lower, upper: 1 - lower };
  }
  const upper = Math.min(1, front * betaContinuedFraction(y, x, b, a, -lambda));
  return { lower: 1 - upper, upper };
}

/**
 * The regularized incomplete beta function I_x(a, b) = B(x; a, b) / B(a, b) for 0 ≤ x ≤ 1 and
 * real a, b > 0 (see incompleteBetaTails for the method and its accuracy).
 */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  return incompleteBetaTails(x, 1 - x, a, b).lower;
}
