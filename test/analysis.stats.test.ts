import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  bootstrapDifference,
  bootstrapInterval,
  fisherExactTwoSided,
  holmAdjust,
  mannKendall,
  newcombeDifference,
  wilsonInterval,
} from '../src/analysis/index.js';
import { newcombeBounds, pythonFisher, wilsonBounds } from './helpers/analysis-runs.js';

/**
 * The statistics the analyzer is built on, checked against published values (Newcombe 1998,
 * Fisher 1935, R's p.adjust) and against values computed independently here or in python3.
 */

/** 2·(1 − Φ(|z|)) computed by python3's math.erfc, independently of the analyzer's normal CDF. */
function pythonTwoSidedP(z: number): number {
  return Number(
    execFileSync('python3', ['-c', `import math; print(repr(math.erfc(abs(${z}) / math.sqrt(2))))`], { encoding: 'utf8' }).trim(),
  );
}

describe('Wilson score interval', () => {
  it("gives Newcombe's published interval for 81 of 263: [0.2553, 0.3662]", () => {
    const i = wilsonInterval(81, 263)!;
    expect(i.estimate).toBeCloseTo(81 / 263, 12);
    expect(i.low).toBeCloseTo(0.2553, 4);
    expect(i.high).toBeCloseTo(0.3662, 4);
  });

  it('matches the score formula written out for small and large n', () => {
    for (const [s, n] of [
      [1, 1],
      [3, 7],
      [15, 20],
      [0, 5],
      [50, 1000],
    ] as const) {
      const i = wilsonInterval(s, n)!;
      const expected = wilsonBounds(s, n);
      expect(i.low, `${s}/${n}`).toBeCloseTo(Math.max(0, expected.low), 12);
      expect(i.high, `${s}/${n}`).toBeCloseTo(Math.min(1, expected.high), 12);
    }
  });

  it('keeps 0 of n and n of n inside [0, 1], with the bound at the edge exactly 0 or (to 1e-12) 1', () => {
    for (const n of [1, 2, 5, 10, 263]) {
      const none = wilsonInterval(0, n)!;
      const all = wilsonInterval(n, n)!;
      expect(none.low).toBe(0);
      expect(none.high).toBeGreaterThan(0);
      expect(none.high).toBeLessThanOrEqual(1);
      expect(all.high).toBeLessThanOrEqual(1);
      expect(all.high).toBeCloseTo(1, 12);
      expect(all.low).toBeGreaterThanOrEqual(0);
      expect(all.low).toBeLessThan(1);
      // 0 of n and n of n mirror each other.
      expect(all.low).toBeCloseTo(1 - none.high, 12);
    }
    // Newcombe 1998 (Table I): 0 of 10 gives [0, 0.2775].
    expect(wilsonInterval(0, 10)!.high).toBeCloseTo(0.2775, 4);
  });

  it('gives null for n = 0 (no interval from no data)', () => {
    expect(wilsonInterval(0, 0)).toBeNull();
  });
});

describe("Newcombe's hybrid score interval for a difference of proportions", () => {
  it('gives the published 56/70 − 48/80 → [0.0524, 0.3339] (Newcombe 1998, method 10)', () => {
    const d = newcombeDifference(56, 70, 48, 80)!;
    expect(d.estimate).toBeCloseTo(0.2, 12);
    expect(d.low).toBeCloseTo(0.0524, 4);
    expect(d.high).toBeCloseTo(0.3339, 4);
  });

  it('gives the published 9/10 − 3/10 → [0.1705, 0.8090]', () => {
    const d = newcombeDifference(9, 10, 3, 10)!;
    expect(d.estimate).toBeCloseTo(0.6, 12);
    expect(d.low).toBeCloseTo(0.1705, 4);
    expect(d.high).toBeCloseTo(0.809, 4);
  });

  it('gives for 18/20 − 10/20 the interval computed from the Wilson bounds written out', () => {
    const d = newcombeDifference(18, 20, 10, 20)!;
    // Written out here: p1 = 0.9, p2 = 0.5 and their Wilson bounds.
    const z2 = 1.959963984540054 ** 2;
    const wilson = (p: number, n: number): [number, number] => {
      const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
      const half = (1.959963984540054 / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
      return [centre - half, centre + half];
    };
    const [l1, u1] = wilson(0.9, 20);
    const [l2, u2] = wilson(0.5, 20);
    expect(d.estimate).toBeCloseTo(0.4, 12);
    expect(d.low).toBeCloseTo(0.4 - Math.sqrt((0.9 - l1) ** 2 + (u2 - 0.5) ** 2), 12);
    expect(d.high).toBeCloseTo(0.4 + Math.sqrt((u1 - 0.9) ** 2 + (0.5 - l2) ** 2), 12);
    // and the helper's independent version agrees
    const helper = newcombeBounds(18, 20, 10, 20);
    expect(d.low).toBeCloseTo(helper.low, 12);
    expect(d.high).toBeCloseTo(helper.high, 12);
  });

  it('is antisymmetric: swapping the groups negates and swaps the bounds', () => {
    const ab = newcombeDifference(18, 20, 10, 20)!;
    const ba = newcombeDifference(10, 20, 18, 20)!;
    expect(ba.estimate).toBeCloseTo(-ab.estimate, 12);
    expect(ba.low).toBeCloseTo(-ab.high, 12);
    expect(ba.high).toBeCloseTo(-ab.low, 12);
  });

  it('gives null when either group is empty', () => {
    expect(newcombeDifference(0, 0, 3, 10)).toBeNull();
    expect(newcombeDifference(3, 10, 0, 0)).toBeNull();
  });
});

describe("Fisher's exact test (two-sided)", () => {
  it("gives Fisher's tea-tasting table (3,1;1,3) p = 0.4857", () => {
    expect(fisherExactTwoSided(3, 1, 1, 3)).toBeCloseTo(0.4857, 4);
    expect(fisherExactTwoSided(3, 1, 1, 3)).toBeCloseTo(34 / 70, 12);
  });

  it('gives p = 1 for a table that is the most likely one for its margins', () => {
    expect(fisherExactTwoSided(1, 1, 1, 1)).toBeCloseTo(1, 12);
    expect(fisherExactTwoSided(5, 5, 5, 5)).toBeCloseTo(1, 12);
    expect(fisherExactTwoSided(0, 0, 0, 0)).toBe(1);
  });

  it('gives the same p for the mirrored tables (rows swapped, columns swapped, transposed)', () => {
    for (const [a, b, c, d] of [
      [18, 2, 10, 10],
      [3, 1, 1, 3],
      [7, 12, 0, 5],
      [1, 9, 11, 3],
    ] as const) {
      const p = fisherExactTwoSided(a, b, c, d);
      expect(fisherExactTwoSided(c, d, a, b)).toBeCloseTo(p, 12);
      expect(fisherExactTwoSided(b, a, d, c)).toBeCloseTo(p, 12);
      expect(fisherExactTwoSided(a, c, b, d)).toBeCloseTo(p, 12);
    }
  });

  it('matches python3 exact-integer sums of hypergeometric probabilities (18/20 vs 10/20 and others)', () => {
    const tables = [
      [18, 2, 10, 10],
      [9, 1, 3, 7],
      [56, 14, 48, 32],
      [0, 10, 10, 0],
      [2, 30, 9, 25],
      [3, 1, 1, 3],
    ] as const;
    const expected = pythonFisher(tables);
    tables.forEach(([a, b, c, d], i) => expect(fisherExactTwoSided(a, b, c, d), `table ${[a, b, c, d]}`).toBeCloseTo(expected[i]!, 10));
    // 18/20 vs 10/20: R's fisher.test gives 0.01381.
    expect(expected[0]).toBeCloseTo(0.01381, 5);
  });
});

describe("Holm's adjustment", () => {
  it("gives R's p.adjust(c(0.01, 0.04, 0.03, 0.005), 'holm') = 0.03, 0.06, 0.06, 0.02", () => {
    const adjusted = holmAdjust([0.01, 0.04, 0.03, 0.005]);
    expect(adjusted).toHaveLength(4);
    [0.03, 0.06, 0.06, 0.02].forEach((p, i) => expect(adjusted[i]).toBeCloseTo(p, 12));
  });

  it('keeps nulls in place and does not count them towards the number of tests', () => {
    const adjusted = holmAdjust([0.01, null, 0.04, null]);
    expect(adjusted[1]).toBeNull();
    expect(adjusted[3]).toBeNull();
    expect(adjusted[0]).toBeCloseTo(0.02, 12); // m = 2, not 4
    expect(adjusted[2]).toBeCloseTo(0.04, 12);
    expect(holmAdjust([null, null])).toEqual([null, null]);
    expect(holmAdjust([])).toEqual([]);
  });

  it('caps adjusted p-values at 1', () => {
    expect(holmAdjust([0.5, 0.6, 0.9])).toEqual([1, 1, 1]);
  });
});

describe('Mann-Kendall trend test', () => {
  it('gives S = 45, Var(S) = 125, z = 44/√125 and p ≈ 8.3e-5 for a strictly increasing series of 10', () => {
    const t = mannKendall([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])!;
    const n = 10;
    const variance = (n * (n - 1) * (2 * n + 5)) / 18;
    expect(variance).toBe(125);
    expect(t.s).toBe(45);
    expect(t.z).toBeCloseTo(44 / Math.sqrt(125), 12);
    const p = pythonTwoSidedP(44 / Math.sqrt(125));
    expect(p).toBeCloseTo(8.3e-5, 6);
    expect(t.p).toBeCloseTo(p, 8);
  });

  it('gives S = −45 and the same p for a strictly decreasing series', () => {
    const t = mannKendall([10, 9, 8, 7, 6, 5, 4, 3, 2, 1])!;
    expect(t.s).toBe(-45);
    expect(t.z).toBeCloseTo(-44 / Math.sqrt(125), 12);
    expect(t.p).toBeCloseTo(pythonTwoSidedP(44 / Math.sqrt(125)), 8);
  });

  it('finds no trend in a constant series (S = 0, p = 1)', () => {
    const t = mannKendall([0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6])!;
    expect(t.s).toBe(0);
    expect(t.z).toBe(0);
    expect(t.p).toBe(1);
  });

  it('reduces the variance for ties by Σ t(t−1)(2t+5)/18 (computed by hand)', () => {
    // values 1 2 2 3 3 3 4 5: tie groups of 2 (the 2s) and 3 (the 3s); n = 8.
    const values = [1, 2, 2, 3, 3, 3, 4, 5];
    // S by hand: pairs (i<j) with value_j > value_i minus those with value_j < value_i. The series
    // never decreases, so S = number of pairs with different values = 28 − 1 (2,2) − 3 (3,3,3) = 24.
    const s = 24;
    const variance = (8 * 7 * 21 - (2 * 1 * 9 + 3 * 2 * 11)) / 18; // (1176 − 84) / 18 = 60.667
    expect(variance).toBeCloseTo(1092 / 18, 12);
    const t = mannKendall(values)!;
    expect(t.s).toBe(s);
    expect(t.z).toBeCloseTo((s - 1) / Math.sqrt(variance), 12);
    expect(t.p).toBeCloseTo(pythonTwoSidedP((s - 1) / Math.sqrt(variance)), 8);
    // Without the tie correction z would be smaller: the variance really shrank.
    expect(t.z).toBeGreaterThan((s - 1) / Math.sqrt((8 * 7 * 21) / 18));
  });

  it('gives S with the continuity correction for a mixed series (hand count)', () => {
    // 3 1 4 1 5: pairs (3,1)− (3,4)+ (3,1)− (3,5)+ (1,4)+ (1,1)0 (1,5)+ (4,1)− (4,5)+ (1,5)+ → S = 6 − 3 = 3
    const t = mannKendall([3, 1, 4, 1, 5])!;
    expect(t.s).toBe(3);
    const variance = (5 * 4 * 15 - 2 * 1 * 9) / 18;
    expect(t.z).toBeCloseTo(2 / Math.sqrt(variance), 12);
  });

  it('gives null for fewer than 3 values', () => {
    expect(mannKendall([1, 2])).toBeNull();
    expect(mannKendall([])).toBeNull();
  });
});

describe('percentile bootstrap (seeded)', () => {
  const data = [0.2, 0.4, 0.5, 0.55, 0.6, 0.6, 0.7, 0.8, 0.9, 0.35, 0.45, 0.65];
  const mean = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;

  it('gives identical intervals for the same seed and data, run after run', () => {
    const a = bootstrapInterval(data, mean, { seed: 42, resamples: 1000 })!;
    const b = bootstrapInterval([...data], mean, { seed: 42, resamples: 1000 })!;
    expect(b).toEqual(a);
    expect(bootstrapInterval(data, mean)).toEqual(bootstrapInterval(data, mean)); // default seed
  });

  it('gives a different interval for another seed', () => {
    const a = bootstrapInterval(data, mean, { seed: 1 })!;
    const b = bootstrapInterval(data, mean, { seed: 2 })!;
    expect(a.estimate).toBe(b.estimate);
    expect([a.low, a.high]).not.toEqual([b.low, b.high]);
  });

  it('contains the point estimate and stays within the range of the data for a mean', () => {
    for (const seed of [1, 2, 3, 99]) {
      const i = bootstrapInterval(data, mean, { seed })!;
      expect(i.estimate).toBeCloseTo(mean(data), 12);
      expect(i.low!).toBeLessThan(i.estimate);
      expect(i.high!).toBeGreaterThan(i.estimate);
      expect(i.low!).toBeGreaterThanOrEqual(Math.min(...data));
      expect(i.high!).toBeLessThanOrEqual(Math.max(...data));
    }
  });

  it('gives roughly the normal-theory width for a mean of many values (sanity against se·1.96)', () => {
    const xs = Array.from({ length: 200 }, (_, i) => (i % 10) / 10);
    const m = mean(xs);
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / xs.length);
    const halfWidth = 1.96 * (sd / Math.sqrt(xs.length));
    const i = bootstrapInterval(xs, mean, { seed: 5 })!;
    expect((i.high! - i.low!) / 2).toBeGreaterThan(halfWidth * 0.85);
    expect((i.high! - i.low!) / 2).toBeLessThan(halfWidth * 1.15);
  });

  it('gives the estimate with low and high null for a single unit, and null for no units', () => {
    expect(bootstrapInterval([0.7], mean)).toEqual({ estimate: 0.7, low: null, high: null });
    expect(bootstrapInterval([], mean)).toBeNull();
  });

  it('gives null when the statistic of the data itself is undefined', () => {
    expect(bootstrapInterval([1, 2, 3], () => null)).toBeNull();
  });

  it('bootstraps a difference between two groups, stable per seed, containing the observed difference', () => {
    const a = [1.0, 1.2, 0.9, 1.1, 1.3, 1.05];
    const b = [0.5, 0.6, 0.4, 0.55, 0.45, 0.5];
    const d = bootstrapDifference(a, b, mean, { seed: 7 })!;
    expect(d.estimate).toBeCloseTo(mean(a) - mean(b), 12);
    expect(d.low!).toBeLessThan(d.estimate);
    expect(d.high!).toBeGreaterThan(d.estimate);
    expect(d.low!).toBeGreaterThan(0);
    expect(bootstrapDifference(a, b, mean, { seed: 7 })).toEqual(d);
    expect(bootstrapDifference([1], b, mean)).toEqual({ estimate: 1 - mean(b), low: null, high: null });
  });
});
