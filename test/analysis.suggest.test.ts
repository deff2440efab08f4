import { describe, expect, it } from 'vitest';
import type { AnalysisRun } from '../projections/analysis-input.js';
import { AnalysisInputError } from '../src/errors.js';
import { suggestRuns, suggestSection, type SuggestReport } from '../src/entries/analysis.js';
import { renderSectionsText } from '../src/analysis/render/render-report.js';
import { budgetRuns, runnerUpOf, topTwoShares, wholeRuns } from '../src/analysis/suggest/allocation.js';
import { pooledOverdispersion, designEffectOf } from '../src/analysis/suggest/overdispersion.js';
import { ratePosterior } from '../src/analysis/suggest/posterior.js';
import { mulberry32 } from '../src/analysis/stats/random.js';
import { betaDraw, normalDraws } from '../src/analysis/stats/random-draws.js';
import { analysisRun } from './helpers/analysis-runs.js';
import { runPython, worst, relativeError } from './helpers/scipy.js';

/** Runs of one model, with these completed counts out of `issues` each, at `costUsd` a run. */
const runsOf = (model: string, completed: readonly number[], issues = 10, costUsd = 0.1): AnalysisRun[] =>
  completed.map((c) => analysisRun({ model, issues, completed: c, costUsd }));

const allocationOf = (report: SuggestReport): Record<string, number> => Object.fromEntries(report.allocation.map((a) => [a.label, a.runs]));

describe('suggest: the posterior of a configuration', () => {
  it('without overdispersion is Beta(1 + successes, 1 + failures): mean and 95% interval as scipy.stats.beta gives them', () => {
    const cases = [
      [[3, 4, 5], 10],
      [[0, 0, 1], 10],
      [[10, 10, 9], 10],
      [[17], 40],
      [[0], 5],
      [[52, 48, 61, 55], 100],
    ] as const;
    const ours = cases.map(([completed, issues]) =>
      ratePosterior(
        completed.map((c) => ({ successes: c, issues })),
        0,
      ),
    );
    const expected = runPython<Array<{ a: number; b: number; mean: number; low: number; high: number }>>(
      `from scipy.stats import beta
out = []
for completed, issues in data:
    a = 1 + sum(completed); b = 1 + issues * len(completed) - sum(completed)
    out.append({'a': a, 'b': b, 'mean': beta.mean(a, b), 'low': beta.ppf(0.025, a, b), 'high': beta.ppf(0.975, a, b)})
done(out)`,
      cases,
    );
    cases.forEach((_, i) => {
      expect(ours[i]!.alpha).toBe(expected[i]!.a);
      expect(ours[i]!.beta).toBe(expected[i]!.b);
      expect(ours[i]!.designEffect).toBe(1);
    });
    const error = worst(
      cases.map((_, i) => i),
      (i) =>
        Math.max(
          relativeError(ours[i]!.mean, expected[i]!.mean),
          relativeError(ours[i]!.low, expected[i]!.low),
          relativeError(ours[i]!.high, expected[i]!.high),
        ),
    );
    expect(error.error, `case ${String(error.at)}`).toBeLessThan(1e-9);
  });

  it('with overdispersion counts the issues at their effective size: Beta(1 + Y/deff, 1 + (N − Y)/deff), quantiles as scipy gives them', () => {
    const runs = [
      { successes: 3, issues: 10 },
      { successes: 8, issues: 10 },
      { successes: 6, issues: 12 },
    ];
    const rho = 0.2;
    const deff = designEffectOf(runs, rho);
    expect(deff).toBeCloseTo(1 + ((100 + 100 + 144) / 32 - 1) * 0.2, 12);
    const posterior = ratePosterior(runs, rho);
    expect(posterior.alpha).toBeCloseTo(1 + 17 / deff, 12);
    expect(posterior.beta).toBeCloseTo(1 + 15 / deff, 12);
    expect(posterior.effectiveIssues).toBeCloseTo(32 / deff, 12);
    const [low, high] = runPython<[number, number]>(
      `from scipy.stats import beta
a, b = data
done([beta.ppf(0.025, a, b), beta.ppf(0.975, a, b)])`,
      [posterior.alpha, posterior.beta],
    );
    expect(relativeError(posterior.low, low)).toBeLessThan(1e-9);
    expect(relativeError(posterior.high, high)).toBeLessThan(1e-9);
  });

  it('the pooled intra-run correlation recovers a known one from beta-binomial runs, and is 0 for binomial runs', () => {
    const uniform = mulberry32(11);
    const normal = normalDraws(uniform);
    const simulate = (rho: number): Array<Array<{ successes: number; issues: number }>> =>
      [0.2, 0.5, 0.7].map((p) =>
        Array.from({ length: 400 }, () => {
          const theta = rho === 0 ? p : betaDraw((p * (1 - rho)) / rho, ((1 - p) * (1 - rho)) / rho, uniform, normal);
          let successes = 0;
          for (let i = 0; i < 20; i += 1) if (uniform() < theta) successes += 1;
          return { successes, issues: 20 };
        }),
      );
    const estimated = pooledOverdispersion(simulate(0.15));
    expect(estimated.df).toBe(1200 - 3);
    expect(Math.abs(estimated.rho - 0.15)).toBeLessThan(0.03);
    expect(pooledOverdispersion(simulate(0)).rho).toBeLessThan(0.02);
    expect(pooledOverdispersion([[{ successes: 3, issues: 10 }], [{ successes: 5, issues: 10 }]])).toEqual({ rho: 0, df: 0 });
  });

  it('beta draws have the mean and variance of their distribution', () => {
    const uniform = mulberry32(5);
    const normal = normalDraws(uniform);
    for (const [a, b] of [
      [0.5, 0.5],
      [2, 8],
      [30.5, 12.25],
    ] as const) {
      const draws = Array.from({ length: 200_000 }, () => betaDraw(a, b, uniform, normal));
      const mean = draws.reduce((s, x) => s + x, 0) / draws.length;
      const variance = draws.reduce((s, x) => s + (x - mean) ** 2, 0) / (draws.length - 1);
      const trueMean = a / (a + b);
      const trueVariance = (a * b) / ((a + b) ** 2 * (a + b + 1));
      expect(Math.abs(mean - trueMean)).toBeLessThan(5 * Math.sqrt(trueVariance / draws.length));
      expect(relativeError(variance, trueVariance)).toBeLessThan(0.02);
    }
  });
});

describe('suggest: the allocation', () => {
  it('top-two Thompson shares: β = ½ to the leader, the rest to challengers in proportion to their chance of being best', () => {
    expect(topTwoShares([0.5, 0.5, 0, 0], [0, 0, 0.5, 0.5])).toEqual([0.5, 0.5, 0, 0]);
    const shares = topTwoShares([0.6, 0.3, 0.1], [0, 0, 0]);
    // ψ_0 = ½·0.6 + ½·(0.3·0.6/0.7 + 0.1·0.6/0.9), and so on; they sum to 1.
    expect(shares[0]).toBeCloseTo(0.5 * 0.6 + 0.5 * (0.3 * (0.6 / 0.7) + 0.1 * (0.6 / 0.9)), 12);
    expect(shares[1]).toBeCloseTo(0.5 * 0.3 + 0.5 * (0.6 * (0.3 / 0.4) + 0.1 * (0.3 / 0.9)), 12);
    expect(shares.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12);
    // A leader best in every draw: its runner-up is the challenger.
    expect(topTwoShares([1, 0, 0], [0, 0.75, 0.25])).toEqual([0.5, 0.375, 0.125]);
    expect(runnerUpOf(Float64Array.from([0.9, 0.5, 0.1, 0.8, 0.2, 0.7]), 3)).toEqual([0, 0.5, 0.5]);
  });

  it('whole runs by largest remainder add up to the runs asked for', () => {
    expect(wholeRuns([0.5, 0.5, 0, 0], 6)).toEqual([3, 3, 0, 0]);
    expect(wholeRuns([0.45, 0.35, 0.2], 7)).toEqual([3, 3, 1]);
    expect(wholeRuns([1 / 3, 1 / 3, 1 / 3], 4).reduce((s, x) => s + x, 0)).toBe(4);
  });

  it('a budget buys the runs whose cost stays within it at the one-sided 95% bound; a configuration without cost figures gets none', () => {
    const arm = (mean: number, sd: number | null, priced: number, label: string) => ({
      label,
      identity: label,
      values: {},
      counts: [],
      included: false,
      cost: { pricedRuns: priced, meanPerRunUsd: mean, sdPerRunUsd: sd, perIssueUsd: mean / 10, perIssueVariance: null },
      medianIssueDurationMs: null,
      issuesPerRun: 10,
    });
    const arms = [arm(1, 0.2, 4, 'a'), arm(2, 0.4, 4, 'b'), { ...arm(1, 0.2, 4, 'c'), cost: null }];
    const plan = budgetRuns([0.4, 0.4, 0.2], arms, 20);
    expect(plan.runs[2]).toBe(0);
    expect(plan.upperUsd).toBeLessThanOrEqual(20);
    expect(plan.expectedUsd).toBeCloseTo(plan.runs[0]! * 1 + plan.runs[1]! * 2, 12);
    const variance = plan.runs[0]! * 0.04 * (1 + plan.runs[0]! / 4) + plan.runs[1]! * 0.16 * (1 + plan.runs[1]! / 4);
    expect(plan.upperUsd).toBeCloseTo(plan.expectedUsd + 1.6448536269514722 * Math.sqrt(variance), 9);
    // One more run of the next configuration in line would have gone over.
    const more = budgetRuns([0.4, 0.4, 0.2], arms, plan.upperUsd + 2.5);
    expect(more.runs[0]! + more.runs[1]!).toBeGreaterThan(plan.runs[0]! + plan.runs[1]!);
    expect(plan.runs[0]! + plan.runs[1]!).toBeGreaterThan(5);
  });
});

describe('suggestRuns', () => {
  const history = [
    ...runsOf('alpha', [7, 6, 7]),
    ...runsOf('beta', [6, 7, 6]),
    ...runsOf('gamma', [2, 1, 2]),
    ...runsOf('delta', [1, 2, 1]),
  ];

  it('spends the runs on the two close leaders, none on configurations clearly behind, and says why', () => {
    const report = suggestRuns(history, { runs: 12 });
    expect(report.by).toEqual(['llm.model']);
    expect(report.totalRuns).toBe(12);
    expect(allocationOf(report)).toEqual({ alpha: 6, beta: 6, gamma: 0, delta: 0 });
    const [first, second] = report.allocation;
    expect(first!.probabilityBest + second!.probabilityBest).toBeGreaterThan(0.99);
    const gamma = report.allocation.find((a) => a.label === 'gamma')!;
    expect(gamma.why).toMatch(/^behind alpha by \d+\.\d pp with probability > 0\.99: no more runs for it$/);
    expect(report.allocation.find((a) => a.label === 'alpha')!.why).toMatch(
      /^leads with probability 0\.\d\d of being best; the nearest rival, beta, is \d+\.\d pp behind on average and best with probability 0\.\d\d: runs to tell them apart$/,
    );
    expect(report.answered).toBe(false);
    expect(report.answeredAfter).toBeGreaterThanOrEqual(0);
    for (const a of report.allocation) expect(a.probabilityBestAfter).toBeLessThanOrEqual(report.answeredAfter);
    const text = renderSectionsText([suggestSection(report)]);
    expect(text).toContain('What to run next (by success rate)');
    expect(text).toMatch(
      /Suggested: 12 run\(s\) over 2 configuration\(s\)\. After them the question is answered .* in \d+\.\d% of simulated futures/,
    );
    expect(text).toContain('top-two Thompson sampling (Russo 2016, β = 0.5)');
  });

  it('is reproducible: the same seed gives the same suggestion, and the report names its seed', () => {
    expect(suggestRuns(history, { runs: 12, seed: 9 })).toEqual(suggestRuns(history, { runs: 12, seed: 9 }));
    expect(suggestRuns(history, { runs: 12, seed: 9 }).model.seed).toBe(9);
  });

  it('suggests nothing when one configuration is already best with probability ≥ 0.95 and best calls it clear', () => {
    const clear = [...runsOf('alpha', [9, 10, 9, 10]), ...runsOf('beta', [3, 2, 3, 2]), ...runsOf('gamma', [1, 2, 1, 1])];
    const report = suggestRuns(clear, { runs: 6 });
    expect(report.bestVerdict).toBe('clear');
    expect(report.answered).toBe(true);
    expect(report.totalRuns).toBe(0);
    expect(report.allocation[0]!.why).toMatch(/^best with probability > 0\.99: the question is answered; no more runs$/);
    expect(renderSectionsText([suggestSection(report)])).toContain(
      'The question is answered: alpha is best by success rate with probability > 0.99',
    );
  });

  it('includes a configuration never run with the prior Beta(1, 1), and keys it by every --by key', () => {
    const report = suggestRuns(history, { runs: 8, include: [{ 'llm.model': 'omega' }] });
    const omega = report.allocation.find((a) => a.label === 'omega')!;
    expect(omega.included).toBe(true);
    expect(omega.runsSoFar).toBe(0);
    expect(omega.successRate.alpha).toBe(1);
    expect(omega.successRate.beta).toBe(1);
    expect(omega.probabilityBest).toBeGreaterThan(0.1);
    expect(omega.runs).toBeGreaterThan(0);
    expect(omega.why.startsWith('never run (prior Beta(1, 1)): ')).toBe(true);
  });

  it('with a budget buys what fits at the 95% upper bound of the cost and names a configuration without cost figures', () => {
    const unpriced = runsOf('zeta', [7, 7, 6]).map((r) => ({ ...r, unpricedRecords: 2, tokenRecords: 12 }));
    const report = suggestRuns([...history, ...unpriced], { budgetUsd: 1 });
    expect(report.cost).not.toBeNull();
    expect(report.cost!.upperUsd).toBeLessThanOrEqual(1);
    expect(report.totalRuns).toBeGreaterThan(3);
    const zeta = report.allocation.find((a) => a.label === 'zeta')!;
    expect(zeta.runs).toBe(0);
    expect(zeta.why).toBe('no cost figures (no fully priced run): it cannot be budgeted; give a number of runs instead');
  });

  it('with a budget and no configuration that has cost figures: no runs, and a note that says to give a number of runs', () => {
    const unpriced = history.map((r) => ({ ...r, unpricedRecords: 1 }));
    const report = suggestRuns(unpriced, { budgetUsd: 10 });
    expect(report.totalRuns).toBe(0);
    expect(report.note).toBe(
      'no configuration has cost figures (no fully priced run), so none can be budgeted: give a number of runs instead',
    );
    expect(renderSectionsText([suggestSection(report)])).toContain(report.note!);
  });

  it('by cost per successful issue: the cheaper of two equally good configurations leads', () => {
    const cheap = runsOf('cheap', [6, 7, 6], 10, 0.05);
    const dear = runsOf('dear', [7, 6, 7], 10, 0.5);
    const report = suggestRuns([...cheap, ...dear], { runs: 4, objective: 'cost-per-success' });
    expect(report.objective).toBe('cost-per-success');
    const top = [...report.allocation].sort((a, b) => b.probabilityBest - a.probabilityBest)[0]!;
    expect(top.label).toBe('cheap');
    expect(top.objectiveMean).toBeGreaterThan(0.05 / 10 / 0.7);
    expect(top.objectiveMean).toBeLessThan(0.05 / 10 / 0.55);
  });

  it('refuses bad options before reading a run, saying what was wrong', () => {
    const refused = (options: object, message: RegExp): void => {
      expect(() => suggestRuns(history, options as never)).toThrow(AnalysisInputError);
      expect(() => suggestRuns(history, options as never)).toThrow(message);
    };
    refused({ runz: 3 }, /option "runz" is .*runs/);
    refused({ runs: 0 }, /runs 0 is not a whole number from 1 to 10000/);
    refused({ runs: 3, budgetUsd: 5 }, /either runs or a budget/);
    refused({ budgetUsd: -1 }, /budget -1 is not a positive amount/);
    refused({ objective: 'speed' }, /objective "speed" is not one of success, cost-per-success, score/);
    refused({ include: [{ 'llm.modle': 'x' }] }, /llm\.modle is not one of the keys that make a configuration \(llm\.model\)/);
    refused({ by: ['llm.model', 'llm.temperature'], include: [{ 'llm.model': 'x' }] }, /gives no value for llm\.temperature/);
    refused({ include: [{ 'llm.model': 'alpha' }] }, /include alpha: that configuration has runs already/);
    refused({ include: [{ 'llm.model': 'omega' }], objective: 'cost-per-success' }, /never run has no cost figures/);
  });
});
