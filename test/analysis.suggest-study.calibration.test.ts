import { afterAll, describe, expect, it } from 'vitest';
import type { AnalysisRun } from '../projections/analysis-input.js';
import { suggestRuns } from '../src/analysis/index.js';
import { pooledOverdispersion } from '../src/analysis/suggest/overdispersion.js';
import { rateShape } from '../src/analysis/suggest/posterior.js';
import type { ConfigSpec } from './helpers/analysis-runs.js';
import { historySeed, populationRate, simulateRuns, type SimulatedRun } from './helpers/calibration-simulator.js';

/**
 * Issue 18's proof: a simulated study of `suggest`. Six configurations with known true rates (two
 * close leaders, four clearly worse), a run effect of sd 0.5 on the logit scale, 10 issues a run, 3
 * initial runs each; then 60 more runs, allocated by suggestRuns in batches of 6 (it sees every
 * batch's outcome before the next) or spread evenly (10 more each). Both arms start from the same
 * initial runs. After each batch the configuration with the highest posterior mean success rate is
 * taken as the answer, by the same rule in both arms; when `suggest` says the question is answered
 * it suggests nothing and its answer stands. Over STUDIES seeded studies: how often each arm names
 * the true best, and after how many runs `suggest` reaches the accuracy even allocation has after
 * all 60. The figures are printed for the README.
 */

const STUDIES = 400;
const INITIAL_RUNS = 3;
const BATCH = 6;
const BATCHES = 10;
const ISSUES = 10;
const RUN_EFFECT_SD = 0.5;
/** Logit means: the true best, a close second, four clearly worse. */
const LOGIT_MEANS = [0.25, 0.0, -1.0, -1.2, -1.4, -1.6];
const CONFIGS: ConfigSpec[] = LOGIT_MEANS.map((_, i) => ({ model: `model-${i}` }));
/** Fewer posterior draws and one simulated future per call: the allocation uses the draws, the futures only the text. */
const SPEED = { draws: 2000, futures: 1 };

const spec = (arm: number): SimulatedRun => ({ config: CONFIGS[arm]!, logitMean: LOGIT_MEANS[arm]!, issues: ISSUES });
const armOf = (run: AnalysisRun): number => Number(/model-(\d)/.exec(String((run.config.llm as { model: string }).model))![1]);

/** The answer of a history: the configuration with the highest posterior mean success rate (the same model suggest uses). */
function answerOf(runs: readonly AnalysisRun[]): number {
  const counts = LOGIT_MEANS.map((_, arm) =>
    runs.filter((r) => armOf(r) === arm).map((r) => ({ successes: r.completedIssues, issues: r.issues })),
  );
  const { rho } = pooledOverdispersion(counts);
  const means = counts.map((c) => {
    const { alpha, beta } = rateShape(c, rho);
    return alpha / (alpha + beta);
  });
  return means.indexOf(Math.max(...means));
}

interface StudyResult {
  /** Right answer after each batch (index b: after b + 1 batches). */
  readonly suggestRight: boolean[];
  readonly evenRight: boolean;
  readonly suggestRunsSpent: number;
}

function study(index: number): StudyResult {
  const initialSpecs = CONFIGS.flatMap((_, arm) => Array.from({ length: INITIAL_RUNS }, () => spec(arm)));
  const initial = simulateRuns(initialSpecs, { seed: historySeed(18, index), runEffectSd: RUN_EFFECT_SD });

  let history = [...initial];
  const suggestRight: boolean[] = [];
  let spent = 0;
  let answered = false;
  for (let b = 0; b < BATCHES; b += 1) {
    if (!answered) {
      const report = suggestRuns(history, { by: ['llm.model'], runs: BATCH, seed: index + 1, ...SPEED });
      answered = report.answered;
      const specs = report.allocation.flatMap((a) =>
        Array.from({ length: a.runs }, () => spec(Number(/model-(\d)/.exec(String(a.values['llm.model']))![1]))),
      );
      spent += specs.length;
      history = [...history, ...simulateRuns(specs, { seed: historySeed(1800 + b, index), runEffectSd: RUN_EFFECT_SD })];
    }
    suggestRight.push(answerOf(history) === 0);
  }

  const evenSpecs = Array.from({ length: BATCHES }, () => CONFIGS.map((_, arm) => spec(arm))).flat();
  const even = [...initial, ...simulateRuns(evenSpecs, { seed: historySeed(1900, index), runEffectSd: RUN_EFFECT_SD })];
  return { suggestRight, evenRight: answerOf(even) === 0, suggestRunsSpent: spent };
}

const lines: string[] = [];
afterAll(() => console.log(`suggest study (${STUDIES} studies):\n${lines.join('\n')}`));

describe('suggest: a simulated study against even allocation (issue 18)', () => {
  it(`over ${STUDIES} seeded studies names the true best at least as often, and reaches even allocation's accuracy with at most 70% of its runs`, () => {
    const results = Array.from({ length: STUDIES }, (_, i) => study(i));
    const accuracyAfter = Array.from({ length: BATCHES }, (_, b) => results.filter((r) => r.suggestRight[b]).length / STUDIES);
    const evenAccuracy = results.filter((r) => r.evenRight).length / STUDIES;
    const firstBatch = accuracyAfter.findIndex((a) => a >= evenAccuracy);
    const runsToMatch = firstBatch < 0 ? null : (firstBatch + 1) * BATCH;
    const meanSpent = results.reduce((s, r) => s + r.suggestRunsSpent, 0) / STUDIES;
    const rates = LOGIT_MEANS.map((m) => populationRate(m, RUN_EFFECT_SD).toFixed(3)).join(', ');
    lines.push(
      `true rates ${rates}; ${INITIAL_RUNS} initial runs of ${ISSUES} issues each, run effect sd ${RUN_EFFECT_SD}`,
      `even allocation, after 60 more runs: ${evenAccuracy.toFixed(3)}`,
      `suggest, after each batch of 6: ${accuracyAfter.map((a) => a.toFixed(3)).join(', ')}`,
      `suggest reaches even's final accuracy after ${runsToMatch ?? 'never'} of 60 runs; it spent ${meanSpent.toFixed(1)} runs on average (answered early otherwise)`,
    );
    expect(accuracyAfter[BATCHES - 1]!, lines.join('\n')).toBeGreaterThanOrEqual(evenAccuracy);
    expect(runsToMatch, lines.join('\n')).not.toBeNull();
    expect(runsToMatch!, lines.join('\n')).toBeLessThanOrEqual(0.7 * BATCH * BATCHES);
  }, 280_000);
});
