import { describe, expect, it } from 'vitest';
import type { AnalysisRun } from '../projections/analysis-input.js';
import {
  bestConfiguration,
  costEfficiency,
  mannKendall,
  wilsonInterval,
  parameterInfluence,
  performanceTrends,
  SCORE_WEIGHTS,
  type BestConfigurationReport,
} from '../src/analysis/index.js';
import { analysisRun, runsWith, simulateHistory, startedAt, sumOf } from './helpers/analysis-runs.js';
import { bestSection } from '../src/analysis/render/sections.js';

/**
 * Which keys matter (influence, with confounded keys kept together), cost efficiency, trends over
 * simulated seeded histories, and the best configuration (score recomputed from the reported
 * group numbers, a hand-built Pareto front).
 */

// ---- influence ---------------------------------------------------------------------------------

/**
 * 12 runs of 10 issues. llm.model (with llm.provider, one provider per model) matters: 54/60 vs
 * 24/60. planner.depth alternates within each model and does not matter. llm.temperature and a
 * custom key sampling.temp that mirrors it are crossed with the model. maxRetries never changes.
 */
function designedRuns(): AnalysisRun[] {
  const model = (name: string, provider: string, completed: number[], costPerRun: number[]): AnalysisRun[] =>
    completed.map((c, i) => {
      const temperature = i < 3 ? 0.2 : 0.7;
      return analysisRun({
        runId: `${name}-${i}`,
        model: name,
        provider,
        temperature,
        maxRetries: 3,
        extra: { planner: { depth: i % 2 === 0 ? 1 : 2 }, sampling: { temp: temperature } },
        issues: 10,
        completed: c,
        costUsd: costPerRun[i],
      });
    });
  return [
    ...model('deepseek-chat', 'deepseek', [10, 9, 8, 9, 9, 9], [0.1, 0.12, 0.09, 0.11, 0.1, 0.08]),
    ...model('gpt-4o', 'openai', [4, 5, 3, 4, 4, 4], [1.0, 1.1, 0.9, 1.05, 0.95, 1.0]),
  ];
}

describe('influence: which configuration keys matter', () => {
  it('finds the effect of a key that matters (90% vs 40%, 60 issues each): estimated with the other keys held fixed, F test significant', () => {
    const report = parameterInfluence(designedRuns());
    const modelKey = report.keys.find((k) => k.keys.includes('llm.model'))!;
    // Both models have 6 runs: the reference is the first label.
    expect(modelKey.reference).toBe('deepseek-chat, deepseek');
    expect(modelKey.effects).toHaveLength(1);
    const effect = modelKey.effects[0]!;
    expect(effect.level).toBe('gpt-4o, openai');
    // A balanced design (depth and temperature crossed evenly within each model): the joint estimate is the plain difference.
    expect(effect.estimate!).toBeCloseTo(24 / 60 - 54 / 60, 12);
    expect(effect.high!).toBeLessThan(0);
    expect(modelKey.test!.df1).toBe(1);
    expect(modelKey.test!.df2).toBe(12 - 4); // intercept, model, temperature, depth
    expect(modelKey.test!.holmP!).toBeLessThan(0.001);
    expect(modelKey.significant).toBe(true);
    // the most significant key is listed first
    expect(report.keys[0]).toBe(modelKey);
  });

  it('finds no evidence for a key that does not matter: its interval includes 0 and its F test is not significant', () => {
    const report = parameterInfluence(designedRuns());
    const depth = report.keys.find((k) => k.keys.includes('planner.depth'))!;
    expect(depth.keys).toEqual(['planner.depth']);
    expect(depth.confounded).toBe(false);
    // depth 2: 9+9+9 + 5+4+4 = 40 of 60; depth 1: 10+8+9 + 4+3+4 = 38 of 60. Depth is not balanced against
    // temperature (1, 2, 1 at 0.2; 2, 1, 2 at 0.7), so the joint estimate is near, not at, the plain 2/60.
    const effect = depth.effects[0]!;
    expect(Math.abs(effect.estimate!)).toBeLessThan(0.1);
    expect(effect.low!).toBeLessThan(0);
    expect(effect.high!).toBeGreaterThan(0);
    expect(depth.test!.holmP!).toBeGreaterThan(0.05);
    expect(depth.significant).toBe(false);
    expect(depth.levels.map((l) => l.label).sort()).toEqual(['1', '2']);
  });

  it('does not credit a key that only goes along with a better model, and flags the two as partly confounded', () => {
    // The better model runs mostly at temperature 0, the worse mostly at 1; temperature has no effect of its own.
    const runs = [
      ...runsWith({ model: 'good', temperature: 0 }, [9, 8, 9, 8, 9], { issues: 10 }),
      ...runsWith({ model: 'good', temperature: 1 }, [8, 9], { issues: 10 }),
      ...runsWith({ model: 'weak', temperature: 0 }, [4, 5], { issues: 10 }),
      ...runsWith({ model: 'weak', temperature: 1 }, [5, 4, 4, 5, 5], { issues: 10 }),
    ];
    const report = parameterInfluence(runs);
    const temperature = report.keys.find((k) => k.keys.includes('llm.temperature'))!;
    const model = report.keys.find((k) => k.keys.includes('llm.model'))!;
    // Marginally temperature 0 looks 17 points better (43/70 vs 57/70 … ); held at the same model it is ~0.
    expect(Math.abs(temperature.effects[0]!.estimate!)).toBeLessThan(0.05);
    expect(temperature.significant).toBe(false);
    expect(model.significant).toBe(true);
    expect(temperature.partlyConfoundedWith.map((o) => o.keys)).toEqual([['llm.model']]);
    expect(temperature.partlyConfoundedWith[0]!.cramersV).toBeCloseTo(3 / 7, 12); // 2×2: |ad − bc| / √(row and column products)
    expect(model.partlyConfoundedWith.map((o) => o.keys)).toEqual([['llm.temperature']]);
  });

  it('reports keys that always vary together once, as confounded, and never credits them separately', () => {
    const report = parameterInfluence(designedRuns());
    const sets = report.keys.map((k) => [...k.keys].sort());
    expect(sets).toContainEqual(['llm.model', 'llm.provider']);
    expect(sets).toContainEqual(['llm.temperature', 'sampling.temp']);
    expect(report.keys.find((k) => k.keys.includes('llm.model'))!.confounded).toBe(true);
    expect(report.keys.find((k) => k.keys.includes('sampling.temp'))!.confounded).toBe(true);
    // each varying key appears in exactly one entry
    const all = report.keys.flatMap((k) => k.keys);
    expect([...all].sort()).toEqual(['llm.model', 'llm.provider', 'llm.temperature', 'planner.depth', 'sampling.temp']);
    expect(new Set(all).size).toBe(all.length);
    expect(report.keys).toHaveLength(3);
  });

  it('does not call a key confounded when it only partly follows another (two models share a provider)', () => {
    const runs = [
      ...runsWith({ model: 'deepseek-chat', provider: 'deepseek' }, [8, 8, 8]),
      ...runsWith({ model: 'deepseek-coder', provider: 'deepseek' }, [6, 6, 6]),
      ...runsWith({ model: 'gpt-4o', provider: 'openai' }, [9, 9, 9]),
    ];
    const report = parameterInfluence(runs);
    expect(report.keys.map((k) => k.keys)).toContainEqual(['llm.model']);
    expect(report.keys.map((k) => k.keys)).toContainEqual(['llm.provider']);
    expect(report.keys.every((k) => !k.confounded)).toBe(true);
  });

  it('lists the keys that never vary as constant', () => {
    const report = parameterInfluence(designedRuns());
    expect(report.constantKeys).toEqual(['maxRetries']);
    expect(report.runs).toBe(12);
    const none = parameterInfluence(runsWith({}, [5, 6, 7]));
    expect(none.keys).toEqual([]);
    expect(none.constantKeys).toEqual(['llm.model', 'llm.provider', 'llm.temperature', 'maxRetries']);
  });

  it('gives the cost effect (dearest − cheapest cost per successful issue) with a t interval over runs', () => {
    const runs = designedRuns();
    const report = parameterInfluence(runs);
    const cost = report.keys.find((k) => k.keys.includes('llm.model'))!.costEffect!;
    expect(cost.cheapest).toBe('deepseek-chat, deepseek');
    expect(cost.dearest).toBe('gpt-4o, openai');
    const perIssue = (model: string): number => {
      const mine = runs.filter((r) => r.config.llm.model === model);
      return sumOf(mine.map((r) => r.costUsd)) / sumOf(mine.map((r) => r.completedIssues));
    };
    expect(cost.difference!.estimate).toBeCloseTo(perIssue('gpt-4o') - perIssue('deepseek-chat'), 12);
    expect(cost.difference!.estimate).toBeCloseTo(6 / 24 - 0.6 / 54, 12);
    expect(cost.difference!.low).toBeGreaterThan(0);
    expect(cost.difference!.low).toBeLessThanOrEqual(cost.difference!.estimate);
    expect(cost.difference!.high).toBeGreaterThanOrEqual(cost.difference!.estimate);
  });

  it('leaves still-running runs out', () => {
    const running = analysisRun({
      model: 'gpt-4o',
      provider: 'openai',
      status: 'running',
      issues: 0,
      completed: 0,
      extra: { planner: { depth: 3 } },
    });
    const report = parameterInfluence([...designedRuns(), running]);
    expect(report.runs).toBe(12);
    expect(report.keys.find((k) => k.keys.includes('planner.depth'))!.levels).toHaveLength(2);
  });
});

// ---- cost efficiency ---------------------------------------------------------------------------

describe('cost efficiency', () => {
  function priced(): AnalysisRun[] {
    return [
      ...runsWith({ model: 'mid' }, [8, 8, 8], { issues: 10, costUsd: 0.4 }), // $0.05 per successful issue
      ...runsWith({ model: 'cheap' }, [5, 5, 5], { issues: 10, costUsd: 0.1 }), // $0.02
      ...runsWith({ model: 'dear' }, [9, 9, 9], { issues: 10, costUsd: 1.8 }), // $0.20
      analysisRun({
        model: 'mid',
        runId: 'mid-partly-unpriced',
        issues: 10,
        completed: 9,
        costUsd: 0.01,
        unpricedRecords: 2,
        unpricedModels: ['mid', 'helper-embedder'],
      }),
      ...runsWith({ model: 'local' }, [6, 6, 6], { issues: 10, costUsd: 0, unpricedRecords: 5 }, (i) => ({
        runId: `local-${i}`,
        unpricedModels: ['local'],
      })),
    ];
  }

  it('sorts the groups cheapest first by cost per successful issue; groups without a cost last', () => {
    const report = costEfficiency(priced());
    expect(report.by).toEqual(['llm.model']);
    expect(report.groups.map((g) => g.label)).toEqual(['cheap', 'mid', 'dear', 'local']);
    expect(report.groups.map((g) => g.costPerSuccessfulIssue?.estimate ?? null)).toEqual([
      expect.closeTo(0.02, 12),
      expect.closeTo(0.05, 12),
      expect.closeTo(0.2, 12),
      null,
    ]);
    const mid = report.groups.find((g) => g.label === 'mid')!;
    expect(mid.successfulIssues).toBe(33);
    expect(mid.pricedRuns).toBe(3);
    expect(mid.unpricedRuns).toEqual(['mid-partly-unpriced']);
  });

  it('names the most and the least efficient groups', () => {
    const report = costEfficiency(priced());
    expect(report.mostEfficient).toEqual(['cheap']);
    expect(report.leastEfficient).toEqual(['dear']);
  });

  it('names every unpriced run with its models, never as $0', () => {
    const report = costEfficiency(priced());
    expect(report.unpricedRuns).toEqual([
      { runId: 'mid-partly-unpriced', models: ['mid', 'helper-embedder'] },
      { runId: 'local-0', models: ['local'] },
      { runId: 'local-1', models: ['local'] },
      { runId: 'local-2', models: ['local'] },
    ]);
    const local = report.groups.find((g) => g.label === 'local')!;
    expect(local.costPerSuccessfulIssue).toBeNull();
    expect(local.pricedRuns).toBe(0);
    expect(report.mostEfficient).not.toContain('local');
    expect(report.leastEfficient).not.toContain('local');
  });

  it('groups by other keys when asked', () => {
    const runs = [
      ...runsWith({ temperature: 0.2 }, [5, 5, 5], { costUsd: 0.5 }),
      ...runsWith({ temperature: 0.7 }, [5, 5, 5], { costUsd: 0.25 }),
    ];
    const report = costEfficiency(runs, { by: ['llm.temperature'] });
    expect(report.by).toEqual(['llm.temperature']);
    expect(report.groups.map((g) => g.label)).toEqual(['0.7', '0.2']);
    expect(report.groups[0]!.costPerSuccessfulIssue!.estimate).toBeCloseTo(0.05, 12);
  });

  it('never names a group with an insufficient sample the most efficient, nor lists it first', () => {
    // One lucky run with one cheap success must not beat three well-measured configurations.
    const runs = [...priced(), analysisRun({ model: 'lucky', runId: 'lucky-0', issues: 1, completed: 1, costUsd: 0.001 })];
    const report = costEfficiency(runs);
    const lucky = report.groups.find((g) => g.label === 'lucky')!;
    expect(lucky.insufficientSample).toBe('only 1 issue (needs 10); only 1 run (needs 3)');
    expect(report.mostEfficient).not.toContain('lucky');
    expect(report.groups[0]!.label).not.toBe('lucky');
    expect(report.groups[0]!.insufficientSample).toBeNull();
  });
});

// ---- trends ------------------------------------------------------------------------------------

const SEEDS = Array.from({ length: 20 }, (_, i) => i + 1);
const rising = (i: number, n: number): number => 0.3 + (0.6 * i) / (n - 1);

describe('trends over simulated histories', () => {
  it('calls a history whose success probability rises from 0.3 to 0.9 over 60 runs "improving" (20 fixed seeds)', () => {
    let covered = 0;
    for (const seed of SEEDS) {
      const report = performanceTrends(simulateHistory({ runs: 60, seed, successProbability: rising }));
      const line = report.successRate;
      expect(line.verdict, `seed ${seed}`).toBe('improving');
      expect(line.runs).toBe(60);
      expect(line.test!.p, `seed ${seed}`).toBeLessThan(0.05);
      expect(line.slopePerRun!.low!, `seed ${seed}`).toBeGreaterThan(0);
      if (line.slopePerRun!.low! <= 0.6 / 59 && 0.6 / 59 <= line.slopePerRun!.high!) covered += 1;
    }
    // A 95% interval misses the true slope (0.6 / 59 per run) now and then, but not often.
    expect(covered).toBeGreaterThanOrEqual(17);
  });

  it('calls a flat noisy history (success probability 0.6 throughout) "no significant trend" (20 fixed seeds)', () => {
    for (const seed of SEEDS) {
      const line = performanceTrends(simulateHistory({ runs: 60, seed, successProbability: () => 0.6 })).successRate;
      expect(line.verdict, `seed ${seed}, p = ${line.test?.p}`).toBe('no significant trend');
    }
  });

  it('calls a flat history a trend in at most 8% of 200 seeded histories (the test holds its 5% level)', () => {
    let alarms = 0;
    for (let seed = 1001; seed <= 1200; seed += 1) {
      const line = performanceTrends(simulateHistory({ runs: 40, seed, successProbability: () => 0.6 }), { resamples: 500 }).successRate;
      if (line.verdict !== 'no significant trend') alarms += 1;
    }
    expect(alarms).toBeLessThanOrEqual(16);
  });

  it('gives the Mann-Kendall test of the run success rates in start order and the first- and last-third means', () => {
    const runs = simulateHistory({ runs: 30, seed: 3, successProbability: rising });
    const line = performanceTrends([...runs].reverse()).successRate; // input order does not matter: start order does
    const rates = runs.map((r) => r.completedIssues / r.issues);
    expect(line.test).toEqual(mannKendall(rates));
    expect(line.firstThirdMean!.estimate).toBeCloseTo(sumOf(rates.slice(0, 10)) / 10, 12);
    expect(line.lastThirdMean!.estimate).toBeCloseTo(sumOf(rates.slice(20)) / 10, 12);
    // each third's mean comes with its bootstrap interval around it
    for (const third of [line.firstThirdMean!, line.lastThirdMean!]) {
      expect(third.low!).toBeLessThanOrEqual(third.estimate);
      expect(third.high!).toBeGreaterThanOrEqual(third.estimate);
    }
  });

  it('calls cost per run rising over time "degrading" and falling "improving"', () => {
    const up = performanceTrends(
      simulateHistory({
        runs: 40,
        seed: 11,
        successProbability: () => 0.6,
        costUsd: (i, random) => 0.1 + 0.005 * i + (random() - 0.5) * 0.02,
      }),
    );
    expect(up.costPerRun.verdict).toBe('degrading');
    expect(up.costPerRun.slopePerRun!.low!).toBeGreaterThan(0);
    expect(up.costPerRun.lastThirdMean!.estimate).toBeGreaterThan(up.costPerRun.firstThirdMean!.estimate);
    const down = performanceTrends(
      simulateHistory({
        runs: 40,
        seed: 12,
        successProbability: () => 0.6,
        costUsd: (i, random) => 0.4 - 0.005 * i + (random() - 0.5) * 0.02,
      }),
    );
    expect(down.costPerRun.verdict).toBe('improving');
  });

  it('leaves unpriced runs out of the cost trend and runs without issues out of the success trend', () => {
    const runs = Array.from({ length: 12 }, (_, i) =>
      analysisRun({
        runId: `r${i}`,
        startedAt: startedAt(i),
        issues: i % 4 === 0 ? 0 : 10,
        completed: i % 4 === 0 ? 0 : 6,
        unpricedRecords: i % 3 === 0 ? 1 : 0,
      }),
    );
    const report = performanceTrends(runs);
    expect(report.successRate.runs).toBe(9);
    expect(report.costPerRun.runs).toBe(8);
  });

  it('says "not enough runs" below 6 runs', () => {
    const five = simulateHistory({ runs: 5, seed: 1, successProbability: rising });
    const report = performanceTrends(five);
    expect(report.runs).toBe(5);
    for (const line of [report.successRate, report.costPerRun]) {
      expect(line.verdict).toBe('not enough runs');
      expect(line.test).toBeNull();
      expect(line.slopePerRun).toBeNull();
    }
    expect(performanceTrends(simulateHistory({ runs: 6, seed: 1, successProbability: rising })).successRate.verdict).not.toBe(
      'not enough runs',
    );
    expect(performanceTrends([]).successRate.verdict).toBe('not enough runs');
  });

  it('uses only the last N runs with lastN', () => {
    // 40 runs rising from 0 to 10 completed of 10, then 20 runs at exactly 6 of 10.
    const runs = [
      ...Array.from({ length: 40 }, (_, i) =>
        analysisRun({ runId: `a${i}`, startedAt: startedAt(i), issues: 10, completed: Math.floor(i / 4) }),
      ),
      ...Array.from({ length: 20 }, (_, i) => analysisRun({ runId: `b${i}`, startedAt: startedAt(40 + i), issues: 10, completed: 6 })),
    ];
    const all = performanceTrends(runs);
    expect(all.successRate.verdict).toBe('improving');
    expect(all.lastN).toBeNull();
    const last = performanceTrends(runs, { lastN: 20 });
    expect(last.runs).toBe(20);
    expect(last.lastN).toBe(20);
    expect(last.from).toBe(startedAt(40));
    expect(last.to).toBe(startedAt(59));
    expect(last.successRate.verdict).toBe('no significant trend');
    expect(last.successRate.test).toEqual({ s: 0, z: 0, p: 1 });
  });

  it('leaves still-running runs out of the trends', () => {
    const runs = simulateHistory({ runs: 10, seed: 4, successProbability: () => 0.5 });
    const running = analysisRun({ status: 'running', startedAt: startedAt(99), issues: 1, completed: 0 });
    const report = performanceTrends([...runs, running]);
    expect(report.runs).toBe(10);
    expect(report.to).toBe(startedAt(9));
  });

  it('never reports "the last 0 runs" while analysing every run (lastN: 0)', () => {
    const runs = simulateHistory({ runs: 12, seed: 9, successProbability: () => 0.5 });
    let report: ReturnType<typeof performanceTrends> | null = null;
    let threw = false;
    try {
      report = performanceTrends(runs, { lastN: 0 });
    } catch {
      threw = true;
    }
    // Either refused, or it analyses no run: what it says must match what it did.
    if (!threw) expect(report!.runs).toBe(0);
  });
});

// ---- best configuration ------------------------------------------------------------------------

/** The score written out from the group numbers the report gives, over all its groups. */
function expectedScores(report: BestConfigurationReport): Map<string, { success: number; cost: number; speed: number; total: number }> {
  const costs = report.ranking.map((g) => g.group.costPerSuccessfulIssue?.estimate ?? Number.POSITIVE_INFINITY);
  const durations = report.ranking.map((g) => g.group.medianIssueDurationMs ?? Number.POSITIVE_INFINITY);
  const cheapest = Math.min(...costs);
  const fastest = Math.min(...durations);
  return new Map(
    report.ranking.map((g, i) => {
      const success = 60 * (g.group.issueSuccessRate?.low ?? 0);
      const cost = Number.isFinite(costs[i]!) ? 25 * (cheapest / costs[i]!) : 0;
      const speed = Number.isFinite(durations[i]!) ? 15 * (fastest / durations[i]!) : 0;
      return [g.label, { success, cost, speed, total: success + cost + speed }];
    }),
  );
}

describe('best configuration', () => {
  it('has the documented weights 60 / 25 / 15', () => {
    expect(SCORE_WEIGHTS).toEqual({ success: 60, cost: 25, speed: 15 });
  });

  it('never crowns a lucky 1 of 1, nor 9 of 9 over 3 runs, even when they are cheaper and faster', () => {
    const runs = [
      ...runsWith({ model: 'solid' }, [7, 7, 7], { issues: 10, costUsd: 1, durationMs: 100_000 }),
      ...runsWith({ model: 'shaky' }, [4, 5, 3], { issues: 10, costUsd: 1, durationMs: 100_000 }),
      analysisRun({ model: 'lucky-one', issues: 1, completed: 1, costUsd: 0.01, durationMs: 1_000 }),
      ...runsWith({ model: 'lucky-three' }, [3, 3, 3], { issues: 3, costUsd: 0.01, durationMs: 1_000 }),
    ];
    const report = bestConfiguration(runs);
    expect(report.by).toEqual(['llm.model']);
    expect(report.best!.label).toBe('solid');
    expect(report.ranking.map((g) => g.label).slice(0, 2)).toEqual(['solid', 'shaky']);
    const lucky = report.ranking.filter((g) => g.label.startsWith('lucky'));
    expect(lucky.map((g) => g.insufficientSample)).toEqual([expect.stringContaining('only'), expect.stringContaining('only')]);
    // Not judged at all: listed apart, never on the front.
    expect([...report.insufficientGroups].sort()).toEqual(['lucky-one', 'lucky-three']);
    expect(report.ranking.filter((g) => g.label.startsWith('lucky')).every((g) => !g.onParetoFront && g.probabilityBest === null)).toBe(
      true,
    );
    expect(report.bestRun!.config.llm.model).toBe('solid');
  });

  it('scores each group 60 × lower end of its success interval + 25 × cheapest ÷ its cost + 15 × fastest ÷ its median issue duration', () => {
    const runs = [
      ...runsWith({ model: 'a' }, [8, 7, 9], { issues: 10, costUsd: 0.8 }, (i) => ({ durationMs: [60_000, 70_000, 65_000][i] })),
      ...runsWith({ model: 'b' }, [6, 6, 7], { issues: 10, costUsd: 0.3 }, (i) => ({ durationMs: [90_000, 80_000, 85_000][i] })),
      ...runsWith({ model: 'c' }, [9, 9, 10], { issues: 10, costUsd: 2 }, (i) => ({ durationMs: [40_000, 45_000, 50_000][i] })),
      ...runsWith({ model: 'unpriced' }, [5, 5, 5], { issues: 10, costUsd: 0, unpricedRecords: 2, durationMs: 30_000 }),
    ];
    const report = bestConfiguration(runs);
    const expected = expectedScores(report);
    for (const g of report.ranking) {
      const e = expected.get(g.label)!;
      expect(Math.abs(g.score - e.total), g.label).toBeLessThanOrEqual(0.05 + 1e-9);
      expect(Math.abs(g.parts.success - e.success), g.label).toBeLessThanOrEqual(0.05 + 1e-9);
      expect(Math.abs(g.parts.cost - e.cost), g.label).toBeLessThanOrEqual(0.05 + 1e-9);
      expect(Math.abs(g.parts.speed - e.speed), g.label).toBeLessThanOrEqual(0.05 + 1e-9);
    }
    // Spot check by hand: b is the cheapest ($0.30/19 per issue), unpriced the fastest and without a cost part.
    expect(report.ranking.find((g) => g.label === 'b')!.parts.cost).toBe(25);
    expect(report.ranking.find((g) => g.label === 'unpriced')!.parts).toMatchObject({ cost: 0, speed: 15 });
    // ranked by score
    const scores = report.ranking.map((g) => g.score);
    expect(scores).toEqual([...scores].sort((x, y) => y - x));
    expect(report.leader!.label).toBe(report.ranking[0]!.label);
  });

  it('breaks a tie in score in favour of the cheaper configuration', () => {
    // Same success. a-dear: $1.00 per successful issue, 1 s; b-cheap: $0.70, 2 s.
    // a-dear: 25 × 0.7 + 15 = 32.5; b-cheap: 25 + 15 × 0.5 = 32.5 (plus the same success part).
    const runs = [
      ...runsWith({ model: 'a-dear' }, [8, 8, 8], { issues: 10, costUsd: 8, durationMs: 1_000 }),
      ...runsWith({ model: 'b-cheap' }, [8, 8, 8], { issues: 10, costUsd: 5.6, durationMs: 2_000 }),
    ];
    const report = bestConfiguration(runs);
    const [first, second] = report.ranking;
    expect(first!.score).toBe(second!.score);
    expect(report.ranking.map((g) => g.label)).toEqual(['b-cheap', 'a-dear']);
    expect(report.leader!.label).toBe('b-cheap');
    // The same success rate: the data cannot tell them apart, so nothing is crowned.
    expect(report.verdict).toBe('no-clear-winner');
    expect(report.best).toBeNull();
    expect(report.contenders).toEqual(['b-cheap', 'a-dear']);
  });

  it('says "no clear winner" among equal configurations, names the contenders and the runs it would take', () => {
    const runs = [
      ...runsWith({ model: 'p' }, [6, 8, 7], { issues: 10 }),
      ...runsWith({ model: 'q' }, [7, 6, 8], { issues: 10 }),
      ...runsWith({ model: 'r' }, [8, 7, 6], { issues: 10 }),
      ...runsWith({ model: 'weak' }, [1, 2, 1], { issues: 10 }),
    ];
    const report = bestConfiguration(runs);
    expect(report.verdict).toBe('no-clear-winner');
    expect(report.best).toBeNull();
    expect(report.bestRun).toBeNull();
    expect([...report.contenders].sort()).toEqual(['p', 'q', 'r']);
    const weak = report.ranking.find((g) => g.label === 'weak')!;
    expect(weak.contender).toBe(false);
    expect(weak.worseThanLeaderP!).toBeLessThan(0.05);
    // Equal rates: planned for a 5-point difference, which takes far more than 3 runs.
    expect(report.runsToSeparate!).toBeGreaterThan(10);
    // P(best) over the judged groups sums to 1, the weak group never wins, and the seed fixes it.
    const chances = report.ranking.map((g) => g.probabilityBest!);
    expect(chances.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(weak.probabilityBest).toBe(0);
    expect(bestConfiguration(runs).ranking.map((g) => g.probabilityBest)).toEqual(report.ranking.map((g) => g.probabilityBest));
  });

  it('never lets one lucky 1-issue run change the front or the leader of the groups with enough data', () => {
    const group = (model: string, completed: number[], costUsd: number): AnalysisRun[] =>
      runsWith({ model }, completed, { issues: 10, costUsd, durationMs: 100_000 });
    const runs = [...group('a', [8, 7, 8], 1), ...group('b', [6, 6, 7], 0.4), ...group('c', [5, 6, 5], 0.6)];
    const before = bestConfiguration(runs);
    const lucky = analysisRun({ model: 'lucky', issues: 1, completed: 1, costUsd: 0.0001, durationMs: 10 });
    const after = bestConfiguration([...runs, lucky]);
    expect(after.paretoFront).toEqual(before.paretoFront);
    expect(after.leader!.label).toBe(before.leader!.label);
    expect(after.insufficientGroups).toEqual(['lucky']);
    expect(after.ranking.find((g) => g.label === 'lucky')!).toMatchObject({
      onParetoFront: false,
      contender: false,
      probabilityBest: null,
    });
  });

  it('says "not enough data" when only one group can be judged, naming the others', () => {
    const runs = [...runsWith({ model: 'judged' }, [8, 8, 8], { issues: 10 }), ...runsWith({ model: 'new' }, [10, 10], { issues: 10 })];
    const report = bestConfiguration(runs);
    expect(report.verdict).toBe('not-enough-data');
    expect(report.best).toBeNull();
    expect(report.leader!.label).toBe('judged');
    expect(report.note).toMatch(/only judged has enough data.*new cannot be compared/);
  });

  it('puts exactly the non-dominated groups on the Pareto front (built by hand)', () => {
    // success, $ per successful issue, duration:
    //   A 0.9, $2, 100 s   front (best success)
    //   B 0.6, $1, 100 s   front (cheapest)
    //   B2 same as B       front (an equal group does not dominate)
    //   C 0.6, $2,  50 s   front (fastest)
    //   D 0.6, $2, 100 s   dominated by A, B and C
    //   E 0.5, $3, 200 s   dominated by all
    const group = (model: string, completed: number, costPerIssue: number, durationMs: number): AnalysisRun[] =>
      runsWith({ model }, [completed, completed, completed], { issues: 10, costUsd: costPerIssue * completed, durationMs });
    const runs = [
      ...group('A', 9, 2, 100_000),
      ...group('B', 6, 1, 100_000),
      ...group('B2', 6, 1, 100_000),
      ...group('C', 6, 2, 50_000),
      ...group('D', 6, 2, 100_000),
      ...group('E', 5, 3, 200_000),
    ];
    const report = bestConfiguration(runs);
    expect([...report.paretoFront].sort()).toEqual(['A', 'B', 'B2', 'C']);
    for (const g of report.ranking) expect(g.onParetoFront, g.label).toBe(['A', 'B', 'B2', 'C'].includes(g.label));
  });

  it("gives the best configuration's best run in the v2 metrics system's shape", () => {
    const runs = [
      ...runsWith({ model: 'winner' }, [9, 10, 10], { issues: 10 }, (i) => ({
        runId: `w${i}`,
        costUsd: [0.5, 0.9, 0.7][i],
        durationMs: [50_000, 40_000, 60_000][i],
      })),
      ...runsWith({ model: 'loser' }, [3, 4, 2], { issues: 10, costUsd: 0.5 }),
    ];
    const report = bestConfiguration(runs);
    expect(report.best!.label).toBe('winner');
    const bestRun = report.bestRun!;
    expect(Object.keys(bestRun).sort()).toEqual(['config', 'metrics', 'runId', 'score']);
    expect(Object.keys(bestRun.metrics).sort()).toEqual([
      'costUsd',
      'durationMs',
      'issues',
      'knownCostUsd',
      'successInterval',
      'successRate',
      'unpricedRecords',
    ]);
    // among the two 10-of-10 runs, the cheaper one
    expect(bestRun).toEqual({
      runId: 'w2',
      score: report.best!.score,
      config: runs.find((r) => r.runId === 'w2')!.config,
      metrics: {
        successRate: 1,
        successInterval: wilsonInterval(10, 10),
        issues: 10,
        costUsd: 0.7,
        knownCostUsd: 0.7,
        unpricedRecords: 0,
        durationMs: 60_000,
      },
    });
    // 10 of 10 has the Wilson interval [0.7225, 1] (Newcombe 1998's formula at n = 10, p = 1)
    expect(bestRun.metrics.successInterval!.low).toBeCloseTo(0.7225, 4);
  });

  it("gives a best run with unpriced records its known cost as a lower bound, never '–' alone", () => {
    const runs = [
      ...runsWith({ model: 'winner' }, [9, 10, 10], { issues: 10, costUsd: 0.3, unpricedRecords: 1 }),
      ...runsWith({ model: 'loser' }, [3, 4, 2], { issues: 10, costUsd: 0.5 }),
    ];
    const report = bestConfiguration(runs);
    expect(report.bestRun!.metrics).toMatchObject({ costUsd: null, knownCostUsd: 0.3, unpricedRecords: 1 });
    expect(bestSection(report).lines.join('\n')).toContain('cost ≥ $0.3000 (1 unpriced token records)');
  });

  it('takes bestRun from the crowned group even when two groups print the same label (the number 1 and the string "1")', () => {
    // Grouping keeps 1 and "1" apart (compare spec); both print as "1".
    const runs = [
      ...runsWith({ extra: { planner: { depth: 1 } } }, [3, 3, 3], { issues: 10, costUsd: 1 }, (i) => ({ runId: `number-${i}` })),
      ...runsWith({ extra: { planner: { depth: '1' } } }, [9, 9, 9], { issues: 10, costUsd: 1 }, (i) => ({ runId: `string-${i}` })),
    ];
    const report = bestConfiguration(runs, { by: ['planner.depth'] });
    expect(report.best!.values).toEqual({ 'planner.depth': '1' });
    expect(report.best!.group.completedIssues).toBe(27);
    expect(report.bestRun!.runId).toMatch(/^string-/);
    expect(report.bestRun!.metrics.successRate).toBe(0.9);
  });

  it('gives best null with a note when no group has enough data', () => {
    const runs = [...runsWith({ model: 'x' }, [5, 5], { issues: 10 }), ...runsWith({ model: 'y' }, [3, 3, 3], { issues: 3 })];
    const report = bestConfiguration(runs);
    expect(report.best).toBeNull();
    expect(report.verdict).toBe('not-enough-data');
    expect(report.bestRun).toBeNull();
    expect(report.note).toMatch(/10 issues and 3 runs/);
    expect(report.ranking).toHaveLength(2);
    const empty = bestConfiguration([]);
    expect(empty.best).toBeNull();
    expect(empty.note).toBeTruthy();
  });

  it('compares every combination of the keys that vary by default, or the keys given', () => {
    const runs = [
      ...runsWith({ model: 'm1', temperature: 0.2 }, [5, 6, 7]),
      ...runsWith({ model: 'm1', temperature: 0.7 }, [6, 6, 6]),
      ...runsWith({ model: 'm2', temperature: 0.2 }, [8, 8, 8]),
    ];
    const report = bestConfiguration(runs);
    expect(report.by).toEqual(['llm.model', 'llm.temperature']);
    expect(report.ranking.map((g) => g.label).sort()).toEqual(['m1, 0.2', 'm1, 0.7', 'm2, 0.2']);
    expect(
      bestConfiguration(runs, { by: ['llm.model'] })
        .ranking.map((g) => g.label)
        .sort(),
    ).toEqual(['m1', 'm2']);
    expect(bestConfiguration(runsWith({}, [5, 5, 5])).by).toEqual(['llm.model']);
  });
});
