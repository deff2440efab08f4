import { describe, expect, it } from 'vitest';
import type { AnalysisRun } from '../projections/analysis-input.js';
import { AnalysisInputError } from '../src/errors.js';
import {
  compareConfigurations,
  compareLlmModels,
  compareMaxRetries,
  compareTemperatures,
  type Comparison,
  type ConfigGroup,
} from '../src/analysis/index.js';
import { comparisonTable } from '../src/analysis/render/comparison-table.js';
import { runPython } from './helpers/scipy.js';
import {
  analysisRun,
  holmByHand,
  medianOf,
  newcombeBounds,
  pythonClusteredWilson,
  pythonFisher,
  pythonTMeanInterval,
  pythonWelch,
  runsWith,
  sumOf,
  wilsonBounds,
} from './helpers/analysis-runs.js';

/**
 * compareConfigurations and the v2 metrics system's shortcuts on synthetic runs whose every count is known:
 * each figure is recomputed here from the runs (the clustered interval, Welch's test and t intervals
 * in python3 with scipy, Newcombe written out, Fisher in python3, Holm by hand), never copied from
 * the analyzer's output.
 */

const DEEPSEEK = { model: 'deepseek-chat', provider: 'deepseek' };
const GPT = { model: 'gpt-4o', provider: 'openai' };
const ACME = { model: 'acme-coder', provider: 'acme' };

/** Three models; deepseek at two temperatures; one acme run unpriced; one gpt-4o run still running. */
function fleet(): { runs: AnalysisRun[]; byModel: Record<string, AnalysisRun[]>; running: AnalysisRun; unpriced: AnalysisRun } {
  const ds07 = runsWith({ ...DEEPSEEK, temperature: 0.7 }, [8, 6, 9, 7], { issues: 10 }, (i) => ({
    costUsd: [0.1, 0.12, 0.09, 0.11][i],
    durationMs: [60_000, 90_000, 45_000, 75_000][i],
    firstTimeRight: [6, 5, 8, 4][i],
    complexity: { sum: [20, 30, 25, 15][i]!, count: 10 },
  }));
  const ds02 = runsWith({ ...DEEPSEEK, temperature: 0.2 }, [9, 9, 10], { issues: 10, costUsd: 0.1 }, (i) => ({
    durationMs: [50_000, 55_000, 52_000][i],
  }));
  const gpt = runsWith({ ...GPT, temperature: 0.7 }, [9, 10, 9, 8], { issues: 10 }, (i) => ({
    costUsd: [0.5, 0.6, 0.55, 0.45][i],
    durationMs: [30_000, 32_000, 31_000, 29_000][i],
  }));
  const unpriced = analysisRun({
    ...ACME,
    runId: 'acme-unpriced',
    issues: 10,
    completed: 6,
    costUsd: 0.02,
    unpricedRecords: 3,
    unpricedModels: ['acme-coder'],
  });
  const acme = [...runsWith({ ...ACME }, [5, 4], { issues: 10, costUsd: 0.2 }), unpriced];
  const running = analysisRun({ ...GPT, runId: 'gpt-running', status: 'running', issues: 2, completed: 0, durationMs: null });
  return {
    runs: [...ds07, ...gpt, running, ...acme, ...ds02],
    byModel: { 'deepseek-chat': [...ds07, ...ds02], 'gpt-4o': gpt, 'acme-coder': acme },
    running,
    unpriced,
  };
}

const groupOf = (c: Comparison, label: string): ConfigGroup => {
  const g = c.groups.find((x) => x.label === label);
  if (!g) throw new Error(`no group ${label} in ${c.groups.map((x) => x.label).join(', ')}`);
  return g;
};
const labels = (c: Comparison): string[] => c.groups.map((g) => g.label);

describe('compare: per-group figures', () => {
  it('groups by llm.model and gives runs, issues and the success interval with runs as the unit (scipy)', () => {
    const { runs, byModel } = fleet();
    const c = compareConfigurations(runs, { by: ['llm.model'] });
    expect(c.by).toEqual(['llm.model']);
    expect([...labels(c)].sort()).toEqual(['acme-coder', 'deepseek-chat', 'gpt-4o']);
    const models = Object.keys(byModel);
    const expected = pythonClusteredWilson(
      models.map((m) => ({ successes: byModel[m]!.map((r) => r.completedIssues), issues: byModel[m]!.map((r) => r.issues) })),
    );
    models.forEach((model, i) => {
      const mine = byModel[model]!;
      const g = groupOf(c, model);
      const issues = sumOf(mine.map((r) => r.issues));
      const completed = sumOf(mine.map((r) => r.completedIssues));
      expect(g.values).toEqual({ 'llm.model': model });
      expect(g.runs, model).toBe(mine.length);
      expect(g.issues, model).toBe(issues);
      expect(g.completedIssues, model).toBe(completed);
      expect(g.issueSuccessRate!.estimate).toBeCloseTo(completed / issues, 12);
      expect(g.issueSuccessRate!.low, model).toBeCloseTo(expected[i]!.low, 9);
      expect(g.issueSuccessRate!.high, model).toBeCloseTo(expected[i]!.high, 9);
      expect(g.issueSuccessRate!.designEffect, model).toBeCloseTo(expected[i]!.deff, 9);
      expect(g.issueSuccessRate!).toMatchObject({ method: 'cluster-wilson-t', runs: mine.length, df: mine.length - 1 });
      // Never narrower than plain Wilson over the pooled issues: run-to-run variation only widens it.
      const naive = wilsonBounds(completed, issues);
      expect(g.issueSuccessRate!.low).toBeLessThanOrEqual(naive.low + 1e-12);
      expect(g.issueSuccessRate!.high).toBeGreaterThanOrEqual(naive.high - 1e-12);
    });
    // deepseek-chat pools both temperatures: 58 of 70.
    expect(groupOf(c, 'deepseek-chat')).toMatchObject({ runs: 7, issues: 70, completedIssues: 58 });
  });

  it("gives the run success rate as the mean of the runs' rates with Student's t interval below 10 runs (scipy), clamped to [0, 1]", () => {
    const { runs, byModel } = fleet();
    const c = compareConfigurations(runs, { by: ['llm.model'] });
    const models = Object.keys(byModel);
    const expected = pythonTMeanInterval(models.map((m) => byModel[m]!.map((r) => r.completedIssues / r.issues)));
    models.forEach((model, i) => {
      const g = groupOf(c, model);
      expect(g.runIntervalMethod).toBe('student-t');
      const e = g.runSuccessRate!;
      expect(e.estimate).toBeCloseTo(expected[i]!.estimate, 12);
      expect(e.low!, model).toBeCloseTo(Math.max(0, expected[i]!.low), 9);
      expect(e.high!, model).toBeCloseTo(Math.min(1, expected[i]!.high), 9);
    });
  });

  it("uses the percentile bootstrap over runs from 10 runs on, inside the range of the runs' rates", () => {
    const rates = [5, 6, 7, 8, 6, 5, 9, 7, 6, 8];
    const c = compareConfigurations(runsWith({ model: 'many' }, rates, { issues: 10 }), { by: ['llm.model'] });
    const g = c.groups[0]!;
    expect(g.runIntervalMethod).toBe('bootstrap-percentile');
    expect(g.runSuccessRate!.low!).toBeGreaterThanOrEqual(0.5 - 1e-12);
    expect(g.runSuccessRate!.high!).toBeLessThanOrEqual(0.9 + 1e-12);
    expect(g.runSuccessRate!.low!).toBeLessThan(g.runSuccessRate!.high!);
  });

  it('gives the cost per successful issue as Σcost ÷ Σcompleted over fully priced runs, and the median duration', () => {
    const { runs, byModel } = fleet();
    const c = compareConfigurations(runs, { by: ['llm.model'] });
    const ds = groupOf(c, 'deepseek-chat');
    const dsRuns = byModel['deepseek-chat']!;
    expect(ds.costPerSuccessfulIssue!.estimate).toBeCloseTo(sumOf(dsRuns.map((r) => r.costUsd)) / 58, 12);
    expect(ds.costPerSuccessfulIssue!.estimate).toBeCloseTo((0.1 + 0.12 + 0.09 + 0.11 + 0.3) / 58, 12);
    expect(ds.costPerRun!.estimate).toBeCloseTo(0.72 / 7, 12);
    expect(ds.medianDurationMs).toBe(medianOf([60_000, 90_000, 45_000, 75_000, 50_000, 55_000, 52_000]));
    expect(ds.medianDurationMs).toBe(55_000);
    const gpt = groupOf(c, 'gpt-4o');
    expect(gpt.costPerSuccessfulIssue!.estimate).toBeCloseTo(2.1 / 36, 12);
    expect(gpt.medianDurationMs).toBe(30_500); // even count: mean of the middle two
    // intervals bracket the estimate
    for (const e of [ds.costPerSuccessfulIssue!, gpt.costPerSuccessfulIssue!]) {
      expect(e.low!).toBeLessThanOrEqual(e.estimate);
      expect(e.high!).toBeGreaterThanOrEqual(e.estimate);
    }
  });

  it('gives the first-time-right rate with its interval over runs (scipy) and the mean complexity', () => {
    const { runs } = fleet();
    const c = compareConfigurations(runs, { by: ['llm.model', 'llm.temperature'] });
    const g = groupOf(c, 'deepseek-chat, 0.7');
    const [w] = pythonClusteredWilson([{ successes: [6, 5, 8, 4], issues: [10, 10, 10, 10] }]);
    expect(g.firstTimeRightRate!.estimate).toBeCloseTo(23 / 40, 12);
    expect(g.firstTimeRightRate!.low).toBeCloseTo(w!.low, 9);
    expect(g.firstTimeRightRate!.high).toBeCloseTo(w!.high, 9);
    expect(g.meanComplexity).toBeCloseTo(90 / 40, 12);
    expect(groupOf(c, 'deepseek-chat, 0.2').meanComplexity).toBeNull();
  });

  it('leaves runs with unpriced token records out of every cost figure and names them, never pricing them at $0', () => {
    const { runs, unpriced } = fleet();
    const c = compareConfigurations(runs, { by: ['llm.model'] });
    const acme = groupOf(c, 'acme-coder');
    expect(acme.unpricedRuns).toEqual([unpriced.runId]);
    expect(acme.pricedRuns).toBe(2);
    // Only the two priced runs: $0.40 for 9 completed issues (not $0.42 for 15, not $0.40 for 15).
    expect(acme.costPerSuccessfulIssue!.estimate).toBeCloseTo(0.4 / 9, 12);
    expect(acme.costPerRun!.estimate).toBeCloseTo(0.2, 12);
    // Success still counts every run.
    expect(acme.issues).toBe(30);
    expect(acme.completedIssues).toBe(15);
    expect(groupOf(c, 'deepseek-chat').unpricedRuns).toEqual([]);
  });

  it('gives no cost at all (null, not $0) for a group whose every run is unpriced', () => {
    const runs = runsWith({ model: 'local-llm' }, [5, 6, 7], { issues: 10, costUsd: 0, unpricedRecords: 4 });
    const g = compareConfigurations(runs, { by: ['llm.model'] }).groups[0]!;
    expect(g.costPerSuccessfulIssue).toBeNull();
    expect(g.costPerRun).toBeNull();
    expect(g.pricedRuns).toBe(0);
    expect(g.unpricedRuns).toEqual(runs.map((r) => r.runId));
  });

  it('gives no cost (null, not "$0 per run") when the only fully priced run recorded no token at all', () => {
    const runs = [
      ...runsWith({ model: 'local-llm' }, [5, 6], { issues: 10, costUsd: 0.05, unpricedRecords: 4 }),
      ...runsWith({ model: 'local-llm' }, [7], { issues: 10, costUsd: 0, tokenRecords: 0 }),
    ];
    const g = compareConfigurations(runs, { by: ['llm.model'] }).groups[0]!;
    expect(g.costPerRun).toBeNull();
    expect(g.costPerSuccessfulIssue).toBeNull();
    expect(g.pricedRuns).toBe(0);
    expect(g.unpricedRuns).toEqual(runs.slice(0, 2).map((r) => r.runId));
    const note = comparisonTable(compareConfigurations(runs, { by: ['llm.model'] })).rows[0]!.at(-1);
    expect(note).toContain('2 run(s) left out of cost figures (unpriced records); no priced token records: no cost figure');
  });

  it('leaves still-running runs out (their counts are not final)', () => {
    const { runs, running } = fleet();
    const c = compareConfigurations(runs, { by: ['llm.model'] });
    expect(c.runs).toBe(runs.length - 1);
    expect(groupOf(c, 'gpt-4o')).toMatchObject({ runs: 4, issues: 40, completedIssues: 36 });
    expect(JSON.stringify(c)).not.toContain(running.runId);
    // A crashed or interrupted run is finished: it counts.
    const crashed = analysisRun({ ...GPT, status: 'crashed', issues: 3, completed: 1, durationMs: null });
    const withCrashed = compareConfigurations([...runs, crashed], { by: ['llm.model'] });
    expect(groupOf(withCrashed, 'gpt-4o')).toMatchObject({ runs: 5, issues: 43, completedIssues: 37 });
  });

  it('groups by two keys with labels like "deepseek-chat, 0.7" and the values of both keys', () => {
    const { runs } = fleet();
    const c = compareConfigurations(runs, { by: ['llm.model', 'llm.temperature'] });
    expect([...labels(c)].sort()).toEqual(['acme-coder, 0.7', 'deepseek-chat, 0.2', 'deepseek-chat, 0.7', 'gpt-4o, 0.7']);
    expect(groupOf(c, 'deepseek-chat, 0.2').values).toEqual({ 'llm.model': 'deepseek-chat', 'llm.temperature': 0.2 });
    expect(groupOf(c, 'deepseek-chat, 0.2')).toMatchObject({ runs: 3, issues: 30, completedIssues: 28 });
    expect(groupOf(c, 'deepseek-chat, 0.7')).toMatchObject({ runs: 4, issues: 40, completedIssues: 30 });
  });

  it('labels runs that lack a key "(none)" and keeps the number 1 apart from the string "1"', () => {
    const runs = [
      ...runsWith({ maxRetries: 3 }, [5, 5, 5]),
      ...runsWith({ maxRetries: undefined }, [4, 4, 4]),
      ...runsWith({ extra: { planner: { depth: 1 } } }, [5, 5, 5]),
      ...runsWith({ extra: { planner: { depth: '1' } } }, [6, 6, 6]),
    ];
    const byRetries = compareMaxRetries(runs);
    expect(groupOf(byRetries, '(none)')).toMatchObject({ runs: 3, completedIssues: 12 });
    expect(groupOf(byRetries, '3')).toMatchObject({ runs: 9 });
    const byDepth = compareConfigurations(runs, { by: ['planner.depth'] });
    expect(byDepth.groups).toHaveLength(3); // (none), 1 and "1"
    const depths = byDepth.groups.map((g) => g.values['planner.depth']);
    expect(depths).toContain(1);
    expect(depths).toContain('1');
    expect(depths).toContain(null);
  });
});

describe('compare: the baseline and the tests against it', () => {
  it('takes the group with the most issues as the baseline by default', () => {
    const { runs } = fleet();
    const c = compareConfigurations(runs, { by: ['llm.model'] });
    expect(c.baseline).toBe('deepseek-chat'); // 70 issues, more than 40 and 30
    const baseline = c.groups.filter((g) => g.isBaseline);
    expect(baseline.map((g) => g.label)).toEqual(['deepseek-chat']);
    expect(baseline[0]!.versusBaseline).toBeNull();
  });

  it('takes the baseline by its printed label, also for two keys', () => {
    const { runs } = fleet();
    const c = compareConfigurations(runs, { by: ['llm.model', 'llm.temperature'], baseline: 'gpt-4o, 0.7' });
    expect(c.baseline).toBe('gpt-4o, 0.7');
    expect(groupOf(c, 'gpt-4o, 0.7').isBaseline).toBe(true);
    expect(c.groups.filter((g) => g.isBaseline)).toHaveLength(1);
  });

  it('throws an AnalysisInputError (ANALYSIS_INPUT) that names the unknown baseline and lists the groups', () => {
    const { runs } = fleet();
    let error: unknown;
    try {
      compareConfigurations(runs, { by: ['llm.model'], baseline: 'gpt-5' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AnalysisInputError);
    expect((error as AnalysisInputError).code).toBe('ANALYSIS_INPUT');
    const message = (error as Error).message;
    expect(message).toContain('gpt-5');
    for (const label of ['acme-coder', 'deepseek-chat', 'gpt-4o']) expect(message).toContain(label);
  });

  it('throws an AnalysisInputError when there is no key to group by', () => {
    expect(() => compareConfigurations(fleet().runs, { by: [] })).toThrow(AnalysisInputError);
  });

  it("tests a group against the baseline with Welch's test on run rates when run sizes are equal and run-to-run variation exceeds chance (scipy)", () => {
    const a = runsWith({ model: 'a' }, [2, 9, 5, 8], { issues: 10 });
    const b = runsWith({ model: 'b' }, [6, 1, 3, 7, 2], { issues: 10 });
    const v = groupOf(compareConfigurations([...a, ...b], { by: ['llm.model'], baseline: 'b' }), 'a').versusBaseline!;
    const [welch] = pythonWelch([{ a: [0.2, 0.9, 0.5, 0.8], b: [0.6, 0.1, 0.3, 0.7, 0.2] }]);
    expect(v.test).toBe('cluster-t');
    expect(v.p!).toBeCloseTo(welch!.p, 10);
    expect(v.df!).toBeCloseTo(welch!.df, 9);
    expect(v.difference!.estimate).toBeCloseTo(0.6 - 0.38, 12);
  });

  it('never lets a group look surer than its issues allow: each variance is floored at the binomial one (python3), Holm across groups', () => {
    const { runs } = fleet();
    const c = compareConfigurations(runs, { by: ['llm.model', 'llm.temperature'], baseline: 'deepseek-chat, 0.7' });
    const counts = (label: string): number[] =>
      runs
        .filter((r) => r.status !== 'running' && `${r.config.llm.model}, ${r.config.llm.temperature}` === label)
        .map((r) => r.completedIssues);
    const others = c.groups.filter((g) => !g.isBaseline);
    expect(others).toHaveLength(3);
    // Every run here has 10 issues. The floored cluster t test written out: V = max(s²/K, p(1−p)/N), Satterthwaite, t(ν).
    const expected = runPython<Array<{ p: number; df: number; low: number; high: number }>>(
      `
from scipy import stats
import statistics
def var(ys):
    rates = [y / 10 for y in ys]
    p = sum(ys) / (10 * len(ys))
    return max(statistics.variance(rates) / len(ys), p * (1 - p) / (10 * len(ys))), p, len(ys)
out = []
for a, b in data:
    va, pa, ka = var(a)
    vb, pb, kb = var(b)
    se = math.sqrt(va + vb)
    df = (va + vb) ** 2 / (va ** 2 / (ka - 1) + vb ** 2 / (kb - 1))
    d = pa - pb
    h = stats.t.ppf(0.975, df) * se
    out.append({'p': 2 * stats.t.sf(abs(d / se), df), 'df': df, 'low': d - h, 'high': d + h})
done(out)
`,
      others.map((g) => [counts(g.label), counts('deepseek-chat, 0.7')]),
    );
    const holm = holmByHand(expected.map((e) => e.p));
    others.forEach((g, i) => {
      const v = g.versusBaseline!;
      expect(v.test, g.label).toBe('cluster-t');
      expect(v.p!, g.label).toBeCloseTo(expected[i]!.p, 9);
      expect(v.df!, g.label).toBeCloseTo(expected[i]!.df, 9);
      expect(v.difference!.low, g.label).toBeCloseTo(expected[i]!.low, 9);
      expect(v.difference!.high, g.label).toBeCloseTo(expected[i]!.high, 9);
      expect(v.holmP!, g.label).toBeCloseTo(holm[i]!, 9);
      expect(v.holmP!).toBeGreaterThanOrEqual(v.p!);
      expect(v.sharedIssues).toBe(10); // issue ids 1..10 in every run
      expect(v.issuePaired!.sharedIssues).toBe(10);
    });
    // gpt-4o, 0.7 (36/40) vs deepseek-chat, 0.7 (30/40): concretely
    expect(groupOf(c, 'gpt-4o, 0.7').versusBaseline!.difference!.estimate).toBeCloseTo(0.15, 12);
  });

  it('with one run a side and shared issue ids, uses the exact McNemar test on the shared issues (first attempts) with the caveat', () => {
    // A completes issues 1-8 of 10, B completes 1-3: discordant b = 5 (only A), c = 0 (only B).
    const a = analysisRun({ model: 'a', issues: 10, completed: 8 });
    const b = analysisRun({ model: 'b', issues: 10, completed: 3 });
    const c = compareConfigurations([a, b], { by: ['llm.model'], baseline: 'b' });
    const v = groupOf(c, 'a').versusBaseline!;
    expect(v.test).toBe('mcnemar-exact');
    expect(v.sharedIssues).toBe(10);
    expect(v.p!).toBeCloseTo(2 * 0.5 ** 5, 12); // min(1, 2·BinomCDF(0; 5, ½))
    expect(v.difference!.estimate).toBeCloseTo(0.5, 12);
    expect(v.caveat).toMatch(/paired on 10 shared issues; one run each: run-to-run variation cannot be checked/);
    expect(v.canReachSignificance).toBe(true);
    expect(v.runsNeededIsLowerBound).toBe(true);
  });

  it('with one run a side and no shared issues, uses Fisher (python3) with Newcombe and says that it assumes independent issues', () => {
    const a = analysisRun({
      model: 'a',
      issues: 10,
      completed: 8,
      issueIds: ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8', 'a9', 'a10'],
    });
    const b = analysisRun({ model: 'b', issues: 10, completed: 3 });
    const c = compareConfigurations([a, b], { by: ['llm.model'], baseline: 'b' });
    const v = groupOf(c, 'a').versusBaseline!;
    expect(v.test).toBe('fisher-exact');
    expect(v.p!).toBeCloseTo(pythonFisher([[8, 2, 3, 7]])[0]!, 10);
    const n = newcombeBounds(8, 10, 3, 10);
    expect(v.difference!.low).toBeCloseTo(n.low, 10);
    expect(v.difference!.high).toBeCloseTo(n.high, 10);
    expect(v.caveat).toMatch(/assumes issues are independent/);
  });

  it('says when no outcome could be significant: one run each with 5 shared issues', () => {
    const a = analysisRun({ model: 'a', issues: 5, completed: 5 });
    const b = analysisRun({ model: 'b', issues: 5, completed: 0 });
    const v = groupOf(compareConfigurations([a, b], { by: ['llm.model'], baseline: 'b' }), 'a').versusBaseline!;
    expect(v.test).toBe('mcnemar-exact');
    expect(v.p!).toBeCloseTo(0.0625, 12); // the most extreme table there is, and still above 0.05
    expect(v.canReachSignificance).toBe(false);
  });

  it('gives the detectable difference and the runs needed when a difference is not significant', () => {
    const a = runsWith({ model: 'a' }, [6, 4, 7], { issues: 10 });
    const b = runsWith({ model: 'b' }, [5, 6, 4], { issues: 10 });
    const v = groupOf(compareConfigurations([...a, ...b], { by: ['llm.model'], baseline: 'b' }), 'a').versusBaseline!;
    expect(v.test).toBe('cluster-t');
    expect(v.holmP!).toBeGreaterThan(0.05);
    expect(v.detectable!).toBeGreaterThan(Math.abs(v.difference!.estimate));
    expect(v.runsNeededFor).toBeCloseTo(Math.abs(v.difference!.estimate), 12);
    expect(v.runsNeeded!).toBeGreaterThan(3);
    expect(v.runsNeededIsLowerBound).toBe(false);
  });
});

describe('compare: small samples and ranking', () => {
  /** Three sufficient groups and three that are too small, each too small one with a perfect or near-perfect rate. */
  function withSmallGroups(): AnalysisRun[] {
    return [
      ...runsWith({ model: 'steady' }, [7, 8, 7, 8], { issues: 10, costUsd: 1 }),
      ...runsWith({ model: 'solid' }, [6, 6, 7], { issues: 10, costUsd: 1 }),
      ...runsWith({ model: 'edge' }, [4, 3, 3], { costUsd: 1 }, (i) => ({ issues: [4, 3, 3][i] })),
      analysisRun({ model: 'lucky-one', issues: 1, completed: 1, costUsd: 0.01 }),
      ...runsWith({ model: 'lucky-three' }, [3, 3, 3], { issues: 3, costUsd: 0.01 }),
      ...runsWith({ model: 'two-runs' }, [10, 10], { issues: 10, costUsd: 0.01 }),
    ];
  }

  it('flags a group with fewer than 10 issues or fewer than 3 runs, with the reason', () => {
    const c = compareConfigurations(withSmallGroups(), { by: ['llm.model'] });
    expect(groupOf(c, 'lucky-one').insufficientSample).toBe('only 1 issue (needs 10); only 1 run (needs 3)');
    expect(groupOf(c, 'lucky-three').insufficientSample).toBe('only 9 issues (needs 10)');
    expect(groupOf(c, 'two-runs').insufficientSample).toBe('only 2 runs (needs 3)');
    // exactly 10 issues over exactly 3 runs is enough
    expect(groupOf(c, 'edge')).toMatchObject({ runs: 3, issues: 10, insufficientSample: null });
    expect(groupOf(c, 'steady').insufficientSample).toBeNull();
  });

  it('never ranks a flagged group first, even at 100% success', () => {
    const runs = withSmallGroups();
    for (const metric of ['success', 'cost', 'duration', 'first-time-right'] as const) {
      const c = compareConfigurations(runs, { by: ['llm.model'], metric });
      const flagged = c.groups.filter((g) => g.insufficientSample !== null);
      const sufficient = c.groups.filter((g) => g.insufficientSample === null);
      expect(flagged.map((g) => g.label).sort(), metric).toEqual(['lucky-one', 'lucky-three', 'two-runs']);
      expect(Math.min(...flagged.map((g) => g.rank)), metric).toBeGreaterThan(Math.max(...sufficient.map((g) => g.rank)));
      expect(c.groups[0]!.insufficientSample, metric).toBeNull();
      expect(
        c.groups.map((g) => g.rank),
        metric,
      ).toEqual(c.groups.map((_, i) => i + 1));
    }
    // the 100% groups really have the highest rates
    const c = compareConfigurations(runs, { by: ['llm.model'] });
    expect(groupOf(c, 'lucky-three').issueSuccessRate!.estimate).toBe(1);
    expect(groupOf(c, 'two-runs').issueSuccessRate!.estimate).toBe(1);
  });

  it('ranks success by the lower end of its interval: 95 of 100 beats 10 of 10', () => {
    const runs = [
      ...runsWith({ model: 'perfect-small' }, [4, 3, 3], {}, (i) => ({ issues: [4, 3, 3][i] })),
      ...runsWith({ model: 'great-large' }, [19, 19, 19, 19, 19], { issues: 20 }),
    ];
    const c = compareConfigurations(runs, { by: ['llm.model'] });
    expect(groupOf(c, 'perfect-small')).toMatchObject({ issues: 10, completedIssues: 10, insufficientSample: null });
    expect(wilsonBounds(95, 100).low).toBeGreaterThan(wilsonBounds(10, 10).low);
    expect(labels(c)).toEqual(['great-large', 'perfect-small']);
  });

  it('breaks ties in the ranking metric by the cheaper cost per successful issue', () => {
    const runs = [
      ...runsWith({ model: 'a-dear' }, [8, 8, 8], { issues: 10, costUsd: 2 }),
      ...runsWith({ model: 'b-cheap' }, [8, 8, 8], { issues: 10, costUsd: 1 }),
    ];
    expect(labels(compareConfigurations(runs, { by: ['llm.model'] }))).toEqual(['b-cheap', 'a-dear']);
  });

  it('ranks by cost (cheapest per successful issue first), by duration (fastest median first) and by first-time-right', () => {
    const runs = [
      // success: fast > mid > slow; cost per successful issue: slow cheapest; duration: fast fastest; FTR: mid best
      ...runsWith({ model: 'fast' }, [9, 9, 9], { issues: 10, costUsd: 0.9, durationMs: 10_000, firstTimeRight: 2 }),
      ...runsWith({ model: 'mid' }, [7, 7, 7], { issues: 10, costUsd: 0.35, durationMs: 20_000, firstTimeRight: 7 }),
      ...runsWith({ model: 'slow' }, [5, 5, 5], { issues: 10, costUsd: 0.1, durationMs: 40_000, firstTimeRight: 3 }),
      ...runsWith({ model: 'unpriced' }, [6, 6, 6], { issues: 10, costUsd: 0, unpricedRecords: 1, durationMs: 30_000, firstTimeRight: 0 }),
    ];
    const by = ['llm.model'];
    expect(labels(compareConfigurations(runs, { by }))).toEqual(['fast', 'mid', 'unpriced', 'slow']);
    // cost per successful issue: slow 0.02, mid 0.05, fast 0.1, unpriced unknown → last
    expect(labels(compareConfigurations(runs, { by, metric: 'cost' }))).toEqual(['slow', 'mid', 'fast', 'unpriced']);
    expect(labels(compareConfigurations(runs, { by, metric: 'duration' }))).toEqual(['fast', 'mid', 'unpriced', 'slow']);
    expect(labels(compareConfigurations(runs, { by, metric: 'first-time-right' }))).toEqual(['mid', 'slow', 'fast', 'unpriced']);
    expect(compareConfigurations(runs, { by, metric: 'cost' }).metric).toBe('cost');
  });

  it('records its settings and gives the same bootstrap intervals for the same seed, other ones for another seed', () => {
    const { runs } = fleet();
    const a = compareConfigurations(runs, { by: ['llm.model'] });
    expect(a.settings).toEqual({ level: 0.95, resamples: 2000, seed: 1, minIssues: 10, minRuns: 3 });
    expect(compareConfigurations(runs, { by: ['llm.model'] })).toEqual(a);
    const b = compareConfigurations(runs, { by: ['llm.model'], seed: 2, resamples: 500 });
    expect(b.settings).toMatchObject({ seed: 2, resamples: 500 });
    expect(groupOf(b, 'gpt-4o').issueSuccessRate).toEqual(groupOf(a, 'gpt-4o').issueSuccessRate); // no resampling
    // Below 10 runs the run-level intervals are Student's t: no resampling either. From 10 runs on, the seed matters.
    expect(groupOf(b, 'deepseek-chat').runSuccessRate).toEqual(groupOf(a, 'deepseek-chat').runSuccessRate);
    const many = runsWith({ model: 'many' }, [5, 6, 7, 8, 6, 5, 9, 7, 6, 8], { issues: 10 });
    expect(compareConfigurations(many, { by: ['llm.model'], seed: 2 }).groups[0]!.runSuccessRate).not.toEqual(
      compareConfigurations(many, { by: ['llm.model'] }).groups[0]!.runSuccessRate,
    );
  });
});

describe("compare: the v2 metrics system's shortcuts", () => {
  const runs = [
    ...runsWith({ model: 'deepseek-chat', temperature: 0.2, maxRetries: 3 }, [5, 6, 7]),
    ...runsWith({ model: 'gpt-4o', provider: 'openai', temperature: 0.7, maxRetries: 5 }, [8, 7, 9]),
    ...runsWith({ model: 'deepseek-chat', temperature: 0.7, maxRetries: 5 }, [6, 6, 5]),
  ];

  it('compareLlmModels groups by llm.model', () => {
    const c = compareLlmModels(runs);
    expect(c.by).toEqual(['llm.model']);
    expect(c).toEqual(compareConfigurations(runs, { by: ['llm.model'] }));
    expect(groupOf(c, 'deepseek-chat')).toMatchObject({ runs: 6, issues: 60, completedIssues: 35 });
  });

  it('compareTemperatures groups by llm.temperature', () => {
    const c = compareTemperatures(runs, { baseline: '0.2' });
    expect(c.by).toEqual(['llm.temperature']);
    expect(c.baseline).toBe('0.2');
    expect(groupOf(c, '0.7')).toMatchObject({ runs: 6, completedIssues: 41, values: { 'llm.temperature': 0.7 } });
  });

  it('compareMaxRetries groups by maxRetries', () => {
    const c = compareMaxRetries(runs, { metric: 'cost' });
    expect(c.by).toEqual(['maxRetries']);
    expect(c.metric).toBe('cost');
    expect(groupOf(c, '5')).toMatchObject({ runs: 6, completedIssues: 41, values: { maxRetries: 5 } });
    expect(groupOf(c, '3')).toMatchObject({ runs: 3, completedIssues: 18 });
  });
});
