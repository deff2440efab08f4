import fc from 'fast-check';
import { mean } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { costPerSuccessfulIssue, groupStats, MIN_BOOTSTRAP_RUNS } from '../src/analysis/group-stats.js';
import { bootstrapInterval } from '../src/analysis/stats/bootstrap.js';
import type { AnalysisRun } from '../projections/analysis-input.js';
import { analysisRun } from './helpers/analysis-runs.js';

/** The group's three bootstrap intervals as they were first computed: bootstrapInterval over run arrays. */
function reference(runs: readonly AnalysisRun[], bootstrap: { resamples: number; seed: number }) {
  const withIssues = runs.filter((r) => r.issues > 0);
  // Fully priced runs, and none when not one of them recorded a token (no cost figure, never $0).
  const fullyPriced = runs.filter((r) => r.unpricedRecords === 0);
  const priced = fullyPriced.some((r) => r.tokenRecords > 0) ? fullyPriced : [];
  return {
    runSuccessRate: bootstrapInterval(withIssues, (sample) => mean(sample.map((r) => r.completedIssues / r.issues)), bootstrap),
    costPerRun: bootstrapInterval(priced, (sample) => mean(sample.map((r) => r.costUsd)), bootstrap),
    costPerSuccessfulIssue: bootstrapInterval(priced, costPerSuccessfulIssue, bootstrap),
  };
}

const run = fc
  .record({
    issues: fc.integer({ min: 0, max: 12 }),
    share: fc.double({ min: 0, max: 1, noNaN: true }),
    costUsd: fc.oneof(fc.double({ min: 0, max: 50, noNaN: true }), fc.constantFrom(0, 0.1, 1e-9, 12345.678)),
    unpriced: fc.boolean(),
  })
  .map(({ issues, share, costUsd, unpriced }) =>
    analysisRun({ issues, completed: Math.floor(issues * share), costUsd, unpricedRecords: unpriced ? 1 : 0 }),
  );

describe('the group bootstraps, computed on positions with shared draws', () => {
  it('give bit for bit the intervals of bootstrapInterval over run arrays (runs with and without issues, priced or not)', () => {
    fc.assert(
      fc.property(
        fc.array(run, { minLength: MIN_BOOTSTRAP_RUNS, maxLength: 40 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 1, max: 300 }),
        (runs, seed, resamples) => {
          const stats = groupStats(runs, { seed, resamples });
          const expected = reference(runs, { seed, resamples });
          expect(stats.runSuccessRate).toEqual(expected.runSuccessRate);
          expect(stats.costPerRun).toEqual(expected.costPerRun);
          expect(stats.costPerSuccessfulIssue).toEqual(expected.costPerSuccessfulIssue);
        },
      ),
      { numRuns: 300 },
    );
  });
});
