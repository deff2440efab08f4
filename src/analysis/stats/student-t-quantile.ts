import { logGamma } from './log-gamma.js';
import { normalQuantile } from './normal-quantile.js';
import { studentTDensity, studentTTails } from './student-t.js';

/**
 * Starting points for t with P(T > t) = q: the Cornish–Fisher expansion of t in the normal quantile z
 * (Abramowitz & Stegun 26.7.5), good for large ν, and the power-law tail P(T > t) ≈ K·t^(−ν)/ν,
 * K = Γ((ν+1)/2)·ν^((ν−1)/2) / (√π·Γ(ν/2)), good for small ν or small q.
 */
function startingPoints(q: number, df: number): number[] {
  const z = -normalQuantile(q);
  const z2 = z * z;
  const g1 = ((z2 + 1) * z) / 4;
  const g2 = (((5 * z2 + 16) * z2 + 3) * z) / 96;
  const g3 = ((((3 * z2 + 19) * z2 + 17) * z2 - 15) * z) / 384;
  const g4 = (((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z) / 92160;
  const cornishFisher = z + (g1 + (g2 + (g3 + g4 / df) / df) / df) / df;
  const logK = logGamma((df + 1) / 2) - logGamma(df / 2) + ((df - 1) / 2) * Math.log(df) - 0.5 * Math.log(Math.PI);
  const powerLaw = Math.exp((logK - Math.log(df * q)) / df);
  return [cornishFisher, powerLaw].filter((t) => t > 0 && t < Number.MAX_VALUE);
}

/**
 * The t > 0 with P(T > t) = q, for 0 < q < ½: Newton's method on log P(T > t) against log t (one
 * step is exact where the tail is a power law), kept inside a bracket that every evaluation narrows,
 * with geometric bisection when a step leaves it; stops when the step is below 4 ulp of t. Infinity
 * when t would exceed the largest double (ν = 0.5 and q = 1e-300).
 */
function upperTailQuantile(q: number, df: number): number {
  if (studentTTails(Number.MAX_VALUE, df).upper > q) return Number.POSITIVE_INFINITY;
  let lo = 0;
  let hi = Number.MAX_VALUE;
  let t = 1;
  let bestGap = Number.POSITIVE_INFINITY;
  for (const start of startingPoints(q, df)) {
    const gap = Math.abs(Math.log(studentTTails(start, df).upper / q));
    if (gap < bestGap) [bestGap, t] = [gap, start];
  }
  for (let i = 0; i < 200; i += 1) {
    const tail = studentTTails(t, df).upper;
    if (tail === q) return t;
    if (tail > q) lo = t;
    else hi = t;
    // d log P(T > t) / d log t = −t·f(t) / P(T > t)
    const slope = (-t * studentTDensity(t, df)) / tail;
    let next = t * Math.exp(-Math.log1p((tail - q) / q) / slope);
    if (!(next > lo && next < hi)) next = lo === 0 ? hi / 2 : Math.sqrt(lo) * Math.sqrt(hi);
    if (Math.abs(next - t) <= 4 * Number.EPSILON * t) return next;
    t = next;
  }
  return t;
}

/**
 * Quantile (inverse CDF) of Student's t with real df > 0: the t with P(T ≤ t) = p. Solved on the
 * smaller tail, min(p, 1 − p), by safeguarded Newton iteration on the directly computed tail
 * (studentTTails), so the answer is as accurate as the tail itself: put back through scipy's t.sf,
 * the error left is below 1e-14·max(1, |t|) for p from 1e-12 to 1 − 1e-6 and ν from 0.5 to 1e6.
 * ν = Infinity gives the normal quantile (normalQuantile). ∓Infinity at p = 0 and 1 (and beyond the
 * doubles); NaN for p outside [0, 1] or ν ≤ 0.
 */
export function studentTQuantile(p: number, df: number): number {
  if (!(p >= 0 && p <= 1) || !(df > 0)) return Number.NaN;
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  if (p === 0.5) return 0;
  const q = p < 0.5 ? p : 1 - p;
  const t = df === Number.POSITIVE_INFINITY ? -normalQuantile(q) : upperTailQuantile(q, df);
  return p < 0.5 ? -t : t;
}
