import type { Interval } from './wilson.js';
import { wilsonInterval } from './wilson.js';

/**
 * Interval for the difference of two independent proportions p1 - p2 by Newcombe's hybrid score
 * method (R. G. Newcombe, "Interval estimation for the difference between independent
 * proportions", Stat. Med. 1998, method 10), built from the two Wilson intervals [l1,u1], [l2,u2]:
 *   low  = d - sqrt((p1 - l1)^2 + (u2 - p2)^2)
 *   high = d + sqrt((u1 - p1)^2 + (p2 - l2)^2)
 * Newcombe's example 56/70 vs 48/80 gives [0.0524, 0.3339]. null when either group is empty.
 */
export function newcombeDifference(s1: number, n1: number, s2: number, n2: number): Interval | null {
  const a = wilsonInterval(s1, n1);
  const b = wilsonInterval(s2, n2);
  if (!a || !b) return null;
  const d = a.estimate - b.estimate;
  return {
    estimate: d,
    low: d - Math.sqrt((a.estimate - a.low) ** 2 + (b.high - b.estimate) ** 2),
    high: d + Math.sqrt((a.high - a.estimate) ** 2 + (b.estimate - b.low) ** 2),
  };
}
