/**
 * The calibration specs' simulator: seeded histories of AnalysisRun records built directly (no
 * journals, no replay), pure functions of their spec and seed, fast enough to draw thousands of
 * histories per cell.
 *
 * The model of a benchmark run: configuration c has a true logit mean μ_c; run r of it draws a run
 * effect u_r ~ N(0, sd²) on the logit scale, shared by all its issues (the day, the repository
 * state, the API's mood); each of its m issues (ids 1..m, the same ids in every run, as a real
 * benchmark has) is completed with probability expit(μ_c + u_r), independently given u_r. With
 * sd = 0 the issues are independent coin flips; with sd = 1 the runs differ a lot (intra-run
 * correlation about 0.17 at a rate of ½).
 *
 * The quantity a group interval is for is the population-average rate, what the configuration
 * completes on average over runs: E[expit(μ + sd·Z)], Z ~ N(0, 1) — populationRate below, computed
 * by numerical integration (not by simulation).
 *
 *   const runs = simulateRuns(equalConfigurations(6, { runs: 10, issues: 20, logitMean: 0 }), { seed: 7, runEffectSd: 1 });
 */
import type { IssueId } from '../../events/fields.js';
import type { SystemConfig } from '../../events/config.js';
import type { AnalysisRun } from '../../projections/analysis-input.js';
import { mulberry32 } from '../../src/analysis/stats/random.js';
import { configOf, T0_MS, type ConfigSpec } from './analysis-runs.js';
import { normalDraws } from '../../src/analysis/stats/random-draws.js';

/** One simulated run: its configuration, its configuration's true logit mean, and how many issues it attempts. */
export interface SimulatedRun {
  readonly config: ConfigSpec;
  /** μ of the run's configuration; the run adds its own effect u ~ N(0, runEffectSd²). */
  readonly logitMean: number;
  readonly issues: number;
  /** Mean token cost of one completed issue, USD (default $0.03); failed issues cost 1.5× (retries). */
  readonly costPerIssueUsd?: number;
  /** Mean duration of one completed issue, ms (default 90 s); failed issues take 1.5×. */
  readonly issueDurationMs?: number;
}

export interface SimulationOptions {
  readonly seed: number;
  /** sd of the run effect on the logit scale: 0 (independent issues) or, typically, 1. */
  readonly runEffectSd: number;
  /** Chance that a completed issue was first-time-right (default 0.7). */
  readonly firstTimeRight?: number;
}

/** The logistic function 1 / (1 + e^−x). */
export const expit = (x: number): number => 1 / (1 + Math.exp(-x));

/**
 * E[expit(μ + sd·Z)] for Z ~ N(0, 1): ∫ expit(μ + sd·z) φ(z) dz by the trapezoidal rule on
 * [−12, 12] with step 1/1000 — for a smooth integrand that decays like φ the rule converges
 * geometrically, and the tails beyond 12 weigh less than 1e-32, so this is exact to double
 * precision (checked against scipy.integrate.quad in the specs).
 */
export function populationRate(logitMean: number, runEffectSd: number): number {
  if (runEffectSd === 0) return expit(logitMean);
  const h = 1e-3;
  const steps = 24_000;
  let sum = 0;
  for (let i = 0; i <= steps; i += 1) {
    const z = -12 + i * h;
    const weight = i === 0 || i === steps ? 0.5 : 1;
    sum += weight * expit(logitMean + runEffectSd * z) * Math.exp(-0.5 * z * z);
  }
  return (sum * h) / Math.sqrt(2 * Math.PI);
}

/**
 * A well-mixed 32-bit seed from a cell number and a history index (murmur3's finaliser over a
 * combination of both): mulberry32 streams of nearby seeds are shifted copies of each other, so
 * histories get seeds that are not nearby.
 */
export function historySeed(cell: number, index: number): number {
  let h = (Math.imul(cell + 1, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca77)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Issue ids 1..m, shared by every run with m issues. */
const idLists = new Map<number, readonly IssueId[]>();
function issueIds(m: number): readonly IssueId[] {
  let ids = idLists.get(m);
  if (!ids) {
    ids = Array.from({ length: m }, (_, i) => i + 1);
    idLists.set(m, ids);
  }
  return ids;
}

/** The start time of the r-th run, T0 plus r minutes (cached: thousands of histories share them). */
const startTimes: string[] = [];
function startedAtOf(r: number): string {
  while (startTimes.length <= r) startTimes.push(new Date(T0_MS + startTimes.length * 60_000).toISOString());
  return startTimes[r]!;
}

const [C, F, ONE, ZERO] = ['c', 'f', '1', '0'].map((ch) => ch.charCodeAt(0)) as [number, number, number, number];

/** Input at $1 and output at $4 per million tokens, 80% of the cost on input: the tokens a cost stands for. */
const tokensOf = (costUsd: number): { input: number; output: number } => ({
  input: Math.round(costUsd * 0.8 * 1e6),
  output: Math.round((costUsd * 0.2 * 1e6) / 4),
});

/**
 * The runs, in the order given, started one minute apart from T0. Every field of AnalysisRun is
 * filled and consistent: finishedIssues lists all m issues (ids 1..m; "c" or "f"; first-time-right
 * only for completed ones), completed/failed/first-time-right counts are those of the outcomes,
 * the run's cost and duration are the sums over its issues, and tokens follow from the cost.
 * Per issue: cost and duration follow one log-normal effort factor (σ = 0.5, mean 1) around the
 * run's means, 1.5× for a failed issue, the duration ±25% more; a complexity score of 1–5 that grows with the effort.
 */
export function simulateRuns(specs: readonly SimulatedRun[], options: SimulationOptions): AnalysisRun[] {
  const uniform = mulberry32(options.seed);
  const normal = normalDraws(uniform);
  const ftr = options.firstTimeRight ?? 0.7;
  const sd = options.runEffectSd;
  const configs = new Map<ConfigSpec, SystemConfig>();
  const runs: AnalysisRun[] = new Array(specs.length);
  for (let r = 0; r < specs.length; r += 1) {
    const spec = specs[r]!;
    let config = configs.get(spec.config);
    if (!config) {
      config = configOf(spec.config);
      configs.set(spec.config, config);
    }
    const p = expit(spec.logitMean + (sd === 0 ? 0 : sd * normal()));
    const m = spec.issues;
    const meanCost = spec.costPerIssueUsd ?? 0.03;
    const meanDuration = spec.issueDurationMs ?? 90_000;
    const outcomeCodes: number[] = new Array(m);
    const rightCodes: number[] = new Array(m);
    const costUsd: number[] = new Array(m);
    const durationMs: number[] = new Array(m);
    let completed = 0;
    let firstTimeRightIssues = 0;
    let complexitySum = 0;
    let runCost = 0;
    let runDuration = 0;
    for (let i = 0; i < m; i += 1) {
      const success = uniform() < p;
      const right = success && uniform() < ftr;
      // How long the agent works on the issue drives both its cost and its duration: one log-normal
      // factor with mean 1, exp(σZ − σ²/2) with σ = 0.5, for both; the duration also varies ±25% on its own.
      const effort = (success ? 1 : 1.5) * Math.exp(0.5 * normal() - 0.125);
      const cost = meanCost * effort;
      const duration = Math.round(meanDuration * effort * (0.75 + 0.5 * uniform()));
      outcomeCodes[i] = success ? C : F;
      rightCodes[i] = right ? ONE : ZERO;
      costUsd[i] = cost;
      durationMs[i] = duration;
      completed += success ? 1 : 0;
      firstTimeRightIssues += right ? 1 : 0;
      // Harder issues take more effort: a complexity score of 1 to 5 that grows with it.
      complexitySum += Math.min(5, 1 + Math.floor(2 * effort));
      runCost += cost;
      runDuration += duration;
    }
    const outcomes = String.fromCharCode(...outcomeCodes);
    const firstTimeRight = String.fromCharCode(...rightCodes);
    const tokens = tokensOf(runCost);
    const provider = typeof config.llm.provider === 'string' ? config.llm.provider : 'deepseek';
    runs[r] = {
      runId: `sim-${options.seed.toString(16)}-${String(r).padStart(4, '0')}`,
      projectId: 'calibration',
      status: 'completed',
      startedAt: startedAtOf(r),
      durationMs: runDuration,
      activeDurationMs: runDuration,
      resumes: 0,
      config,
      issues: m,
      completedIssues: completed,
      failedIssues: m - completed,
      firstTimeRightIssues,
      complexitySum,
      complexityCount: m,
      inputTokens: tokens.input,
      outputTokens: tokens.output,
      costUsd: runCost,
      tokenRecords: m,
      unpricedRecords: 0,
      unpricedTokens: 0,
      reportedCostRecords: 0,
      reportedMinusComputedUsd: 0,
      unpricedModels: [],
      models: [`${provider}:${config.llm.model}`],
      finishedIssues: { ids: issueIds(m), outcomes, firstTimeRight, costUsd, durationMs },
    };
  }
  return runs;
}

export interface ConfigurationSpec {
  readonly config: ConfigSpec;
  readonly logitMean: number;
  readonly runs: number;
  readonly issues: number;
  readonly costPerIssueUsd?: number;
  readonly issueDurationMs?: number;
}

/**
 * The runs of several configurations, interleaved in time (run 1 of each, then run 2 of each, ...),
 * as a benchmark that alternates configurations records them.
 */
export function configurationRuns(configurations: readonly ConfigurationSpec[]): SimulatedRun[] {
  const runs: SimulatedRun[] = [];
  const most = Math.max(0, ...configurations.map((c) => c.runs));
  for (let r = 0; r < most; r += 1) {
    for (const c of configurations) {
      if (r >= c.runs) continue;
      runs.push({
        config: c.config,
        logitMean: c.logitMean,
        issues: c.issues,
        ...(c.costPerIssueUsd === undefined ? {} : { costPerIssueUsd: c.costPerIssueUsd }),
        ...(c.issueDurationMs === undefined ? {} : { issueDurationMs: c.issueDurationMs }),
      });
    }
  }
  return runs;
}

/** n configurations that differ only in llm.model ("model-01", ...), all with the same true mean. */
export function equalConfigurations(n: number, each: Omit<ConfigurationSpec, 'config'>): SimulatedRun[] {
  return configurationRuns(
    Array.from({ length: n }, (_, i) => ({ ...each, config: { model: `model-${String(i + 1).padStart(2, '0')}` } })),
  );
}
