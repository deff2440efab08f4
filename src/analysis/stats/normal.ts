/* eslint-disable no-loss-of-precision -- published coefficients kept digit for digit as printed; each rounds to the nearest double, which is what the algorithm's authors intend */
/**
 * The 97.5th percentile of the standard normal distribution, for 95% intervals. A constant, not
 * simple-statistics' probit(0.975), which returns 1.9572 (its approximation is too coarse here).
 */
export const Z_95 = 1.959963984540054;

/** Standard normal P(Z ≤ z) and P(Z > z), each computed directly (no 1 − x where x is near 1). */
export interface NormalTails {
  readonly lower: number;
  readonly upper: number;
}

// W. J. Cody, "Algorithm 715: SPECFUN", ACM TOMS 19 (1993), function ANORM: rational approximations
// for |z| ≤ 0.67449 (A/B), up to √32 (C/D) and beyond (P/Q).
const A = [2.2352520354606839287, 161.02823106855587881, 1067.6894854603709582, 18154.981253343561249, 0.065682337918207449113];
const B = [47.20258190468824187, 976.09855173777669322, 10260.932208618978205, 45507.789335026729956];
const C = [
  0.39894151208813466764, 8.8831497943883759412, 93.506656132177855979, 597.27027639480026226, 2494.5375852903726711, 6848.1904505362823326,
  11602.651437647350124, 9842.7148383839780218, 1.0765576773720192317e-8,
];
const D = [
  22.266688044328115691, 235.38790178262499861, 1519.377599407554805, 6485.558298266760755, 18615.571640885098091, 34900.952721145977266,
  38912.003286093271411, 19685.429676859990727,
];
const P = [
  0.21589853405795699, 0.1274011611602473639, 0.022235277870649807, 0.001421619193227893466, 2.9112874951168792e-5, 0.02307344176494017303,
];
const Q = [1.28426009614491121, 0.468238212480865118, 0.0659881378689285515, 0.00378239633202758244, 7.29751555083966205e-5];
const ONE_OVER_SQRT_2PI = 0.39894228040143267794;

/**
 * Both tails of the standard normal distribution by Cody's ANORM (W. J. Cody, "Rational Chebyshev
 * approximation for the error function", Math. Comp. 1969; Algorithm 715, ACM TOMS 1993; the
 * algorithm behind R's pnorm): near full double precision, the far tail relative to itself
 * (P(Z > 8) = 6.2e-16, P(Z > 37) = 5.7e-300). exp(−z²/2) is formed as exp(−h²/2)·exp(−(z−h)(z+h)/2)
 * with h = z rounded down to 1/16, so that h² is exact.
 */
export function normalTails(z: number): NormalTails {
  if (Number.isNaN(z)) return { lower: Number.NaN, upper: Number.NaN };
  const y = Math.abs(z);
  if (y <= 0.67448975) {
    const zsq = z * z;
    let num = A[4]! * zsq;
    let den = zsq;
    for (let i = 0; i < 3; i += 1) {
      num = (num + A[i]!) * zsq;
      den = (den + B[i]!) * zsq;
    }
    const half = (z * (num + A[3]!)) / (den + B[3]!);
    return { lower: 0.5 + half, upper: 0.5 - half };
  }
  if (y > 40) return z > 0 ? { lower: 1, upper: 0 } : { lower: 0, upper: 1 };
  let ratio: number;
  if (y <= Math.sqrt(32)) {
    let num = C[8]! * y;
    let den = y;
    for (let i = 0; i < 7; i += 1) {
      num = (num + C[i]!) * y;
      den = (den + D[i]!) * y;
    }
    ratio = (num + C[7]!) / (den + D[7]!);
  } else {
    const ysq = 1 / (y * y);
    let num = P[5]! * ysq;
    let den = ysq;
    for (let i = 0; i < 4; i += 1) {
      num = (num + P[i]!) * ysq;
      den = (den + Q[i]!) * ysq;
    }
    ratio = (ONE_OVER_SQRT_2PI - (ysq * (num + P[4]!)) / (den + Q[4]!)) / y;
  }
  const head = Math.trunc(y * 16) / 16;
  const tail = Math.exp(-head * head * 0.5) * Math.exp(-(y - head) * (y + head) * 0.5) * ratio;
  return z > 0 ? { lower: 1 - tail, upper: tail } : { lower: tail, upper: 1 - tail };
}

/** Standard normal CDF Φ(z) = P(Z ≤ z) (normalTails). */
export function normalCdf(z: number): number {
  return normalTails(z).lower;
}

/** Standard normal upper tail P(Z > z) = 1 − Φ(z), computed directly (normalTails). */
export function normalUpperTail(z: number): number {
  return normalTails(z).upper;
}

/** Two-sided p-value of a standard normal test statistic: 2·P(Z > |z|). */
export function twoSidedNormalP(z: number): number {
  return Math.min(1, 2 * normalTails(Math.abs(z)).upper);
}
