import { betaPowerTerms, incompleteBetaTails } from './incomplete-beta.js';
import { logGamma } from './log-gamma.js';
import { normalTails } from './normal.js';

/** P(T ≤ t) and P(T > t) for Student's t, each computed directly. */
export interface StudentTTails {
  readonly lower: number;
  readonly upper: number;
}

/**
 * x = ν/(ν + t²) and y = t²/(ν + t²) as 1/(1 + r) and r/(1 + r), r = t²/ν (or through 1/r for
 * t² ≥ ν): the smaller of the two formed directly, never as 1 minus the other, and t² not overflowing.
 */
function betaArguments(t: number, df: number): { x: number; y: number } {
  const abs = Math.abs(t);
  if (abs * abs < df) {
    const r = (abs * abs) / df;
    return { x: 1 / (1 + r), y: r / (1 + r) };
  }
  const inverse = df / abs / abs;
  return { x: inverse / (1 + inverse), y: 1 / (1 + inverse) };
}

/** Below this ν/t², x = ν/(ν + t²) would lose bits to underflow and the tail is a pure power law. */
const FAR = 1e-100;

/**
 * P(T > |t|) where ν/t² < FAR: (√ν/|t|)^ν / (ν·B(ν/2, ½)), the first term of I_x(ν/2, ½)/2, whose
 * next term is ν/t² times smaller; √ν/|t| rather than ν/t², which would underflow.
 */
function farTail(abs: number, df: number): number {
  const logBeta = logGamma(df / 2) + logGamma(0.5) - logGamma((df + 1) / 2);
  return Math.pow(Math.sqrt(df) / abs, df) / (df * Math.exp(logBeta));
}

/**
 * Both tails of Student's t distribution with real ν = df > 0 degrees of freedom (Satterthwaite's
 * ν is not an integer), from P(|T| > |t|) = I_x(ν/2, ½) with x = ν/(ν + t²) (M. Abramowitz &
 * I. A. Stegun, Handbook of Mathematical Functions, 26.5.27 and 26.7.1): the tail beyond |t| is
 * half the incomplete beta itself, never 1 minus a CDF, so p-values like 1e-12 keep their digits.
 * ν = Infinity gives the standard normal. NaN for ν ≤ 0 or NaN arguments.
 */
export function studentTTails(t: number, df: number): StudentTTails {
  if (Number.isNaN(t) || !(df > 0)) return { lower: Number.NaN, upper: Number.NaN };
  if (df === Number.POSITIVE_INFINITY) return normalTails(t);
  if (t === 0) return { lower: 0.5, upper: 0.5 };
  if (!Number.isFinite(t)) return t > 0 ? { lower: 1, upper: 0 } : { lower: 0, upper: 1 };
  const abs = Math.abs(t);
  let beyond: number;
  let within: number;
  if (df / abs / abs < FAR) {
    beyond = farTail(abs, df);
    within = 1 - beyond;
  } else {
    const { x, y } = betaArguments(t, df);
    const beta = incompleteBetaTails(x, y, df / 2, 0.5);
    beyond = beta.lower / 2;
    within = 0.5 + beta.upper / 2;
  }
  return t > 0 ? { lower: within, upper: beyond } : { lower: beyond, upper: within };
}

/** Student's t CDF P(T ≤ t) for real df > 0 (studentTTails). */
export function studentTCdf(t: number, df: number): number {
  return studentTTails(t, df).lower;
}

/** Student's t upper tail P(T > t) for real df > 0, computed directly (studentTTails). */
export function studentTUpperTail(t: number, df: number): number {
  return studentTTails(t, df).upper;
}

/** Two-sided p-value of a t statistic: P(|T| > |t|) = I_x(ν/2, ½), at most 1. */
export function twoSidedTP(t: number, df: number): number {
  return Math.min(1, 2 * studentTTails(Math.abs(t), df).upper);
}

/**
 * Student's t density for finite t ≠ 0 and finite ν: x^(ν/2)·y^(½) / B(ν/2, ½) / |t|, the
 * derivative of the tail above (used by studentTQuantile's Newton steps); ν·P(T > |t|)/|t| in the
 * power-law far tail.
 */
export function studentTDensity(t: number, df: number): number {
  const abs = Math.abs(t);
  if (df / abs / abs < FAR) return (df * farTail(abs, df)) / abs;
  const { x, y } = betaArguments(t, df);
  return betaPowerTerms(x, y, df / 2, 0.5) / abs;
}
