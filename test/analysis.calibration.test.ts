import { afterAll, describe, expect, it } from 'vitest';
import type { AnalysisRun } from '../projections/analysis-input.js';
import { bestConfiguration, compareConfigurations, parameterInfluence } from '../src/analysis/index.js';
import { configValue } from '../src/analysis/config-keys.js';
import type { ConfigSpec } from './helpers/analysis-runs.js';
import { holmByHand, wilsonBounds } from './helpers/analysis-runs.js';
import {
  configurationRuns,
  equalConfigurations,
  historySeed,
  populationRate,
  simulateRuns,
  type SimulatedRun,
} from './helpers/calibration-simulator.js';
import { mulberry32 } from '../src/analysis/stats/random.js';

/**
 * Proof that the analysis is honest (issue 14 §6): seeded simulated histories with a known truth,
 * ≥ 1,000 per cell, and the rates the analysis gets right or wrong measured against the targets.
 * Beside each figure the same histories are analysed by the old method — issues treated as
 * independent: Wilson's interval with z on the pooled issues, Fisher's exact test on pooled counts
 * with Holm's adjustment, the percentile bootstrap over runs, the Pareto front over every group,
 * best-vs-worst level Fisher tests for influence — re-implemented here, so the README's "before"
 * column is measured, not copied. The figures are printed at the end (a markdown table for the
 * README) and each assertion's message carries its figure.
 *
 * The bootstrap intervals of compare (run success rate and costs from 10 runs on) play no part in
 * any rate measured here, so the analysis is called with 20 resamples instead of 2000 to keep the
 * file fast; the intervals and tests measured do not depend on the bootstrap.
 */

const HISTORIES = 1000;
const RESAMPLES = { resamples: 20, seed: 1 };

interface Figure {
  readonly cell: string;
  readonly measure: string;
  readonly before: number | null;
  readonly after: number;
  readonly target: string;
}
const figures: Figure[] = [];
const record = (figure: Figure): Figure => {
  figures.push(figure);
  return figure;
};
const pct = (x: number | null): string => (x === null ? '—' : x.toFixed(3));

afterAll(() => {
  const lines = ['| measure | cell | before (issues independent) | after (runs as the unit) | target |', '|---|---|---|---|---|'];
  for (const f of figures) lines.push(`| ${f.measure} | ${f.cell} | ${pct(f.before)} | ${pct(f.after)} | ${f.target} |`);
  console.log(`calibration figures (${HISTORIES} histories per cell):\n${lines.join('\n')}`);
});

// ---- the old method, re-implemented --------------------------------------------------------------

const logFactorial: number[] = [0];
function lf(n: number): number {
  while (logFactorial.length <= n) logFactorial.push(logFactorial[logFactorial.length - 1]! + Math.log(logFactorial.length));
  return logFactorial[n]!;
}

/** Fisher's exact test, two-sided (tables no more likely than the observed, relative tolerance 1e-7), on [[a, b], [c, d]]. */
function fisher(a: number, b: number, c: number, d: number): number {
  const r1 = a + b;
  const c1 = a + c;
  const n = a + b + c + d;
  const logP = (x: number): number =>
    lf(r1) + lf(n - r1) + lf(c1) + lf(n - c1) - lf(n) - lf(x) - lf(r1 - x) - lf(c1 - x) - lf(n - r1 - c1 + x);
  const observed = logP(a);
  let p = 0;
  for (let x = Math.max(0, r1 + c1 - n); x <= Math.min(r1, c1); x += 1) {
    const lp = logP(x);
    if (lp <= observed + 1e-7) p += Math.exp(lp);
  }
  return Math.min(1, p);
}

interface Pooled {
  readonly key: string;
  readonly runs: AnalysisRun[];
  readonly y: number;
  readonly n: number;
}

/** Runs pooled by the value of a config key, in the order the values first appear. */
function pooledBy(runs: readonly AnalysisRun[], key: string): Pooled[] {
  const groups = new Map<string, { runs: AnalysisRun[]; y: number; n: number }>();
  for (const run of runs) {
    const value = JSON.stringify(configValue(run.config, key));
    let g = groups.get(value);
    if (!g) {
      g = { runs: [], y: 0, n: 0 };
      groups.set(value, g);
    }
    g.runs.push(run);
    g.y += run.completedIssues;
    g.n += run.issues;
  }
  return [...groups.entries()].map(([k, g]) => ({ key: k, ...g })).sort((a, b) => (a.key < b.key ? -1 : 1));
}

/** Old compare: every group against the one with the most issues (the first on ties) by Fisher on pooled counts, Holm-adjusted. */
function oldAnyDifference(groups: readonly Pooled[]): boolean {
  const baseline = groups.reduce((best, g) => (g.n > best.n ? g : best));
  const p = groups.filter((g) => g !== baseline).map((g) => fisher(g.y, g.n - g.y, baseline.y, baseline.n - baseline.y));
  return holmByHand(p).some((x) => x < 0.05);
}

/** Old influence: a key "matters" when Fisher's test of its best against its worst level by pooled rate gives p < 0.05 (no adjustment across keys). */
function oldKeySignificant(runs: readonly AnalysisRun[], key: string): boolean {
  const levels = pooledBy(runs, key);
  if (levels.length < 2) return false;
  const sorted = [...levels].sort((a, b) => b.y / b.n - a.y / a.n);
  const best = sorted[0]!;
  const worst = sorted[sorted.length - 1]!;
  return fisher(best.y, best.n - best.y, worst.y, worst.n - worst.y) < 0.05;
}

/**
 * The percentile bootstrap interval of the mean run success rate, taken from the exact bootstrap
 * distribution (all K^K equally likely resamples) — what the old method's 2000 resamples
 * approximate. With 3 runs the 2.5th percentile is the smallest run's rate (3 minimum draws have
 * chance 1/27 > 2.5%) and the 97.5th the largest.
 */
function exactPercentileBootstrap(rates: readonly number[]): { low: number; high: number } {
  const k = rates.length;
  const means: number[] = [];
  const total = k ** k;
  for (let code = 0; code < total; code += 1) {
    let rest = code;
    let sum = 0;
    for (let i = 0; i < k; i += 1) {
      sum += rates[rest % k]!;
      rest = Math.floor(rest / k);
    }
    means.push(sum / k);
  }
  means.sort((a, b) => a - b);
  // Linear interpolation between order statistics at (n − 1)·q, as numpy's default percentile.
  const at = (q: number): number => {
    const h = (means.length - 1) * q;
    const lo = Math.floor(h);
    return means[lo]! + (h - lo) * ((means[Math.min(lo + 1, means.length - 1)] ?? means[lo]!) - means[lo]!);
  };
  return { low: at(0.025), high: at(0.975) };
}

/** Whether the interval contains the truth; an estimate without an interval (low or high null) does not. */
const covers = (interval: { readonly low: number | null; readonly high: number | null } | null, truth: number): boolean =>
  interval !== null && interval.low !== null && interval.high !== null && interval.low <= truth && truth <= interval.high;

// ---- the cells -------------------------------------------------------------------------------------

/** μ of the six equal configurations: a rate of 0.5 at sd 0, and the population average of expit(Z) (also 0.5) at sd 1. */
const EQUAL_LOGIT = 0;

describe('six equal configurations: coverage of the 95% group interval and the family-wise false-positive rate', () => {
  const cells = [0, 1].flatMap((sd) => [3, 10, 30].flatMap((runs) => [6, 20].map((issues) => ({ sd, runs, issues }))));
  cells.forEach(({ sd, runs, issues }, cellIndex) => {
    // eslint-disable-next-line complexity -- one loop measuring both methods' coverage and false positives side by side
    it(`sd ${sd}, ${runs} runs × ${issues} issues`, () => {
      const truth = populationRate(EQUAL_LOGIT, sd);
      const specs = equalConfigurations(6, { logitMean: EQUAL_LOGIT, runs, issues });
      let groups = 0;
      let covered = 0;
      let coveredOld = 0;
      let runRateCovered = 0;
      let runRateCoveredOld = 0;
      let anyFalse = 0;
      let anyFalseOld = 0;
      for (let h = 0; h < HISTORIES; h += 1) {
        const history = simulateRuns(specs, { seed: historySeed(100 + cellIndex, h), runEffectSd: sd });
        const comparison = compareConfigurations(history, { by: ['llm.model'], ...RESAMPLES });
        expect(comparison.groups).toHaveLength(6);
        for (const g of comparison.groups) {
          groups += 1;
          if (covers(g.issueSuccessRate, truth)) covered += 1;
          if (runs === 3 && covers(g.runSuccessRate, truth)) runRateCovered += 1;
        }
        if (comparison.groups.some((g) => (g.versusBaseline?.holmP ?? 1) < 0.05)) anyFalse += 1;

        const pooled = pooledBy(history, 'llm.model');
        for (const g of pooled) {
          if (covers(wilsonBounds(g.y, g.n), truth)) coveredOld += 1;
          if (runs === 3 && covers(exactPercentileBootstrap(g.runs.map((r) => r.completedIssues / r.issues)), truth))
            runRateCoveredOld += 1;
        }
        if (oldAnyDifference(pooled)) anyFalseOld += 1;
      }
      const cell = `sd ${sd}, ${runs} runs × ${issues} issues`;
      const coverage = record({
        cell,
        measure: 'coverage of the 95% issue success interval',
        before: coveredOld / groups,
        after: covered / groups,
        target: runs >= 10 ? '0.93–0.99' : '≥ 0.93',
      });
      const fwer = record({
        cell,
        measure: 'six equal configurations: any difference (Holm p < 0.05)',
        before: anyFalseOld / HISTORIES,
        after: anyFalse / HISTORIES,
        target: '≤ 0.06',
      });
      const runRate =
        runs === 3
          ? record({
              cell,
              measure: 'coverage of the 95% run success interval (3 runs: bootstrap before, t after)',
              before: runRateCoveredOld / groups,
              after: runRateCovered / groups,
              target: '≥ 0.93',
            })
          : null;

      expect(coverage.after, `coverage ${cell}`).toBeGreaterThanOrEqual(0.93);
      if (runs >= 10) expect(coverage.after, `coverage ${cell}`).toBeLessThanOrEqual(0.99);
      expect(fwer.after, `family-wise false-positive rate ${cell}`).toBeLessThanOrEqual(0.06);
      if (runRate) expect(runRate.after, `run success coverage ${cell}`).toBeGreaterThanOrEqual(0.93);
    });
  });
});

describe('power and verdicts', () => {
  it('finds a true +0.7 logit difference (0.50 against 0.67) with 10 runs × 20 issues, sd 0, in ≥ 60% of histories (and reports the power at sd 1)', () => {
    for (const sd of [0, 1]) {
      const specs = configurationRuns([
        { config: { model: 'model-a' }, logitMean: 0, runs: 10, issues: 20 },
        { config: { model: 'model-b' }, logitMean: 0.7, runs: 10, issues: 20 },
      ]);
      let found = 0;
      let foundOld = 0;
      for (let h = 0; h < HISTORIES; h += 1) {
        const history = simulateRuns(specs, { seed: historySeed(200 + sd, h), runEffectSd: sd });
        const comparison = compareConfigurations(history, { by: ['llm.model'], ...RESAMPLES });
        expect(comparison.baseline).toBe('model-a');
        const b = comparison.groups.find((g) => g.label === 'model-b')!.versusBaseline!;
        if (b.holmP !== null && b.holmP < 0.05 && b.difference!.estimate > 0) found += 1;
        const [a, bb] = pooledBy(history, 'llm.model');
        if (fisher(bb!.y, bb!.n - bb!.y, a!.y, a!.n - a!.y) < 0.05 && bb!.y / bb!.n > a!.y / a!.n) foundOld += 1;
      }
      const power = record({
        cell: `sd ${sd}, 10 runs × 20 issues`,
        measure: 'power: +0.7 logit found (p < 0.05)',
        before: foundOld / HISTORIES,
        after: found / HISTORIES,
        target: sd === 0 ? '≥ 0.60' : '(reported)',
      });
      if (sd === 0) expect(power.after, 'power at sd 0').toBeGreaterThanOrEqual(0.6);
    }
  });

  it('18 equal configurations, 3 runs × 6 issues, sd 1: "no-clear-winner" in ≥ 90% of histories; one lucky 1-issue run never changes the front or the leader', () => {
    const specs = equalConfigurations(18, { logitMean: 0, runs: 3, issues: 6 });
    let noClearWinner = 0;
    let crownedOld = 0;
    let frontChanged = 0;
    let leaderChanged = 0;
    let frontChangedOld = 0;
    for (let h = 0; h < HISTORIES; h += 1) {
      const history = simulateRuns(specs, { seed: historySeed(300, h), runEffectSd: 1 });
      const report = bestConfiguration(history, RESAMPLES);
      expect(report.insufficientGroups).toEqual([]);
      if (report.verdict === 'no-clear-winner') noClearWinner += 1;
      // The old best crowned the top score whenever a group had 10 issues and 3 runs: every one here has.
      if (pooledBy(history, 'llm.model').some((g) => g.n >= 10 && g.runs.length >= 3)) crownedOld += 1;

      const lucky = simulateRuns(
        [{ config: { model: 'model-19' }, logitMean: 50, issues: 1, costPerIssueUsd: 0.0001, issueDurationMs: 1000 }],
        { seed: historySeed(301, h), runEffectSd: 0 },
      )[0]!;
      expect(lucky.completedIssues).toBe(1);
      const withLucky = bestConfiguration([...history, { ...lucky, runId: 'lucky' }], RESAMPLES);
      expect(withLucky.insufficientGroups).toEqual(['model-19']);
      if (JSON.stringify(withLucky.paretoFront) !== JSON.stringify(report.paretoFront)) frontChanged += 1;
      if (withLucky.leader?.label !== report.leader?.label) leaderChanged += 1;
      if (JSON.stringify(oldParetoFront([...history, lucky])) !== JSON.stringify(oldParetoFront(history))) frontChangedOld += 1;
    }
    const verdict = record({
      cell: '18 configurations, sd 1, 3 runs × 6 issues',
      measure: 'equal configurations: "no-clear-winner" (before: no winner crowned)',
      before: 1 - crownedOld / HISTORIES,
      after: noClearWinner / HISTORIES,
      target: '≥ 0.90',
    });
    const front = record({
      cell: '18 + 1 lucky run (1 issue, completed, cheap, fast)',
      measure: 'Pareto front changed by one lucky run',
      before: frontChangedOld / HISTORIES,
      after: frontChanged / HISTORIES,
      target: '0',
    });
    record({
      cell: '18 + 1 lucky run (1 issue, completed, cheap, fast)',
      measure: 'leader changed by one lucky run',
      before: 0,
      after: leaderChanged / HISTORIES,
      target: '0',
    });
    expect(verdict.after, '"no-clear-winner" among equal configurations').toBeGreaterThanOrEqual(0.9);
    expect(front.after, 'Pareto front changed by a lucky run').toBe(0);
    expect(leaderChanged, 'leader changed by a lucky run').toBe(0);
  });
});

/**
 * The old best's Pareto front: over every group, enough data or not, on (pooled success rate ↑,
 * cost per successful issue ↓, median run duration ↓).
 */
function oldParetoFront(runs: readonly AnalysisRun[]): string[] {
  const median = (xs: number[]): number => {
    const s = [...xs].sort((a, b) => a - b);
    const mid = Math.floor(s.length / 2);
    return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  };
  const points = pooledBy(runs, 'llm.model').map((g) => {
    const cost = g.runs.reduce((s, r) => s + r.costUsd, 0);
    return { key: g.key, success: g.y / g.n, cost: g.y === 0 ? Infinity : cost / g.y, duration: median(g.runs.map((r) => r.durationMs!)) };
  });
  const dominates = (a: (typeof points)[number], b: (typeof points)[number]): boolean =>
    a.success >= b.success &&
    a.cost <= b.cost &&
    a.duration <= b.duration &&
    (a.success > b.success || a.cost < b.cost || a.duration < b.duration);
  return points.filter((p) => !points.some((o) => o !== p && dominates(o, p))).map((p) => p.key);
}

describe('which keys matter (influence)', () => {
  // A run effect of sd 1 only: the influence report compares every key's levels, the slowest analysis per history.
  it('no key matters: four keys varying independently, 24 runs × 20 issues, sd 1 — some key called significant in ≤ 6% of histories', () => {
    const sd = 1;
    let anySignificant = 0;
    let anySignificantOld = 0;
    let tested = 0;
    for (let h = 0; h < HISTORIES; h += 1) {
      const seed = historySeed(400 + sd, h);
      const draw = mulberry32(seed ^ 0x5bd1e995);
      const pick = <T>(values: readonly T[]): T => values[Math.floor(draw() * values.length)]!;
      const specs: SimulatedRun[] = Array.from({ length: 24 }, () => ({
        config: {
          model: pick(['model-a', 'model-b', 'model-c']),
          temperature: pick([0, 0.7]),
          maxRetries: pick([1, 3]),
          extra: { planner: { depth: pick([1, 2]) } },
        } satisfies ConfigSpec,
        logitMean: 0,
        issues: 20,
      }));
      const history = simulateRuns(specs, { seed, runEffectSd: sd });
      const report = parameterInfluence(history, RESAMPLES);
      if (report.keys.some((k) => k.test !== null)) tested += 1;
      if (report.keys.some((k) => k.significant)) anySignificant += 1;
      if (['llm.model', 'llm.temperature', 'maxRetries', 'planner.depth'].some((key) => oldKeySignificant(history, key)))
        anySignificantOld += 1;
    }
    expect(tested, 'histories where the joint model could test a key').toBe(HISTORIES);
    const fwer = record({
      cell: `sd ${sd}, 24 runs × 20 issues, 4 keys`,
      measure: 'no key matters: some key called significant',
      before: anySignificantOld / HISTORIES,
      after: anySignificant / HISTORIES,
      target: '≤ 0.06',
    });
    expect(fwer.after, `influence family-wise false-positive rate, sd ${sd}`).toBeLessThanOrEqual(0.06);
  });

  it('partial confounding: the better model run mostly at temperature 0, sd 1 — temperature flagged as partly confounded with the model in ≥ 90% of histories, and not credited', () => {
    const sd = 1;
    let flagged = 0;
    let fullyConfounded = 0;
    let significant = 0;
    let significantOld = 0;
    for (let h = 0; h < HISTORIES; h += 1) {
      const seed = historySeed(500 + sd, h);
      const draw = mulberry32(seed ^ 0x5bd1e995);
      // 10 runs each; the better model (+0.7 logit) at temperature 0 with chance 0.8, the other with chance 0.2.
      const specs: SimulatedRun[] = [];
      for (let r = 0; r < 10; r += 1) {
        specs.push({ config: { model: 'strong', temperature: draw() < 0.8 ? 0 : 0.7 }, logitMean: 0.7, issues: 20 });
        specs.push({ config: { model: 'weak', temperature: draw() < 0.2 ? 0 : 0.7 }, logitMean: 0, issues: 20 });
      }
      const history = simulateRuns(specs, { seed, runEffectSd: sd });
      const report = parameterInfluence(history, RESAMPLES);
      const temperature = report.keys.find((k) => k.keys.includes('llm.temperature'))!;
      if (temperature.confounded) fullyConfounded += 1;
      if (temperature.confounded || temperature.partlyConfoundedWith.some((o) => o.keys.includes('llm.model'))) flagged += 1;
      if (!temperature.confounded && temperature.significant) significant += 1;
      if (oldKeySignificant(history, 'llm.temperature')) significantOld += 1;
    }
    const cell = `sd ${sd}, 2 models × 10 runs × 20 issues`;
    const flag = record({
      cell,
      measure: 'partial confounding flagged (temperature with model)',
      before: 0,
      after: flagged / HISTORIES,
      target: '≥ 0.90',
    });
    record({ cell, measure: '…of which fully confounded (one set)', before: null, after: fullyConfounded / HISTORIES, target: '' });
    const credited = record({
      cell,
      measure: 'temperature (no effect) called significant',
      before: significantOld / HISTORIES,
      after: significant / HISTORIES,
      target: '≈ 0.05',
    });
    expect(flag.after, `partial confounding flagged, sd ${sd}`).toBeGreaterThanOrEqual(0.9);
    expect(credited.after, `temperature credited, sd ${sd}`).toBeLessThanOrEqual(0.06);
  });
});
