import type { Interval } from './wilson.js';
import { wilsonInterval } from './wilson.js';

/**
 * Newcombe's correction of the correlation between the two marginal proportions of a paired 2×2
 * table: φ = (ad − bc)/√((a+b)(c+d)(a+c)(b+d)), with ad − bc replaced by ad − bc − n/2 when it
 * exceeds n/2 and by 0 when it lies in [0, n/2] (continuity correction; a negative ad − bc is kept).
 * 0 when a margin is empty.
 */
function correctedPhi(a: number, b: number, c: number, d: number): number {
  const n = a + b + c + d;
  const denominator = (a + b) * (c + d) * (a + c) * (b + d);
  if (denominator === 0) return 0;
  const cross = a * d - b * c;
  const corrected = cross > n / 2 ? cross - n / 2 : cross < 0 ? cross : 0;
  return corrected / Math.sqrt(denominator);
}

/**
 * Interval for the difference of two paired proportions, (a + b)/n − (a + c)/n = (b − c)/n, by
 * Newcombe's method 10 (R. G. Newcombe, "Improved confidence intervals for the difference between
 * binomial proportions based on paired data", Stat. Med. 1998;17:2635–2650): Wilson intervals
 * [l1, u1] and [l2, u2] for the two marginal proportions p1 = (a+b)/n and p2 = (a+c)/n, combined with
 * the corrected correlation φ (correctedPhi):
 *   low  = Δ − √((p1 − l1)² − 2φ(p1 − l1)(u2 − p2) + (u2 − p2)²)
 *   high = Δ + √((u1 − p1)² − 2φ(u1 − p1)(p2 − l2) + (p2 − l2)²)
 * a = both succeed, b = the first succeeds and the second fails, c = the reverse, d = both fail.
 * Fagerland, Lydersen & Laake (Statistical Analysis of Contingency Tables, 2017, ch. 8) give for
 * a=59, b=6, c=16, d=80 the estimate −0.0621 and [−0.1186, −0.0046]. null when n = 0.
 */
export function newcombePairedDifference(a: number, b: number, c: number, d: number): Interval | null {
  const n = a + b + c + d;
  const first = wilsonInterval(a + b, n);
  const second = wilsonInterval(a + c, n);
  if (!first || !second) return null;
  const phi = correctedPhi(a, b, c, d);
  const estimate = (b - c) / n;
  const down1 = first.estimate - first.low;
  const up1 = first.high - first.estimate;
  const down2 = second.estimate - second.low;
  const up2 = second.high - second.estimate;
  return {
    estimate,
    low: estimate - Math.sqrt(Math.max(0, down1 ** 2 - 2 * phi * down1 * up2 + up2 ** 2)),
    high: estimate + Math.sqrt(Math.max(0, up1 ** 2 - 2 * phi * up1 * down2 + down2 ** 2)),
  };
}
