import { describe, expect, it } from 'vitest';
import { performanceTrends } from '../src/analysis/index.js';
import { simulateHistory } from './helpers/analysis-runs.js';

/**
 * `trends` on short histories (6, 9 and 15 runs, 10 issues each), 400 simulated histories a size with
 * a known truth: the success probability rises from 0.4 to 0.7, so the true slope per run and the true
 * rate of the first third are known. Before, the percentile bootstrap's interval of the first third
 * (2 runs at 6) covered its truth 47% of the time at 6 runs, 70% at 9 and 87% at 15, and the slope's
 * 91%; the t intervals must cover at least their 95% up to sampling error (±2.2 points at 400
 * histories). Flat histories must not be called a trend more than 5% of the time, give or take the same.
 */
const HISTORIES = 400;
const rising = (i: number, n: number): number => 0.4 + (0.3 * i) / (n - 1);

describe('trends: calibration of the slope’s and the thirds’ intervals on short histories', () => {
  for (const n of [6, 9, 15]) {
    it(`${n} runs: the slope's interval covers the true slope about 95% of the time, the first third's at least that`, () => {
      const trueSlope = 0.3 / (n - 1);
      const third = Math.floor(n / 3);
      const trueFirstThird = Array.from({ length: third }, (_, i) => rising(i, n)).reduce((a, b) => a + b, 0) / third;
      let slopeCovered = 0;
      let thirdCovered = 0;
      let alarms = 0;
      for (let seed = 1; seed <= HISTORIES; seed += 1) {
        const line = performanceTrends(simulateHistory({ runs: n, seed: 5000 + seed, successProbability: rising })).successRate;
        const { low, high } = line.slopePerRun!;
        if (low! <= trueSlope && trueSlope <= high!) slopeCovered += 1;
        const first = line.firstThirdMean!;
        if (first.low! <= trueFirstThird && trueFirstThird <= first.high!) thirdCovered += 1;
        const flat = performanceTrends(simulateHistory({ runs: n, seed: 9000 + seed, successProbability: () => 0.6 })).successRate;
        if (flat.verdict !== 'no significant trend') alarms += 1;
      }
      expect(slopeCovered / HISTORIES).toBeGreaterThanOrEqual(0.928);
      expect(slopeCovered / HISTORIES).toBeLessThanOrEqual(0.972);
      expect(thirdCovered / HISTORIES).toBeGreaterThanOrEqual(0.928);
      expect(alarms / HISTORIES).toBeLessThanOrEqual(0.072);
    });
  }
});
