/**
 * Synthetic analyzer inputs: AnalysisRun records (one per run, as replay assembles them into
 * .replay/analysis-runs.ndjson) built directly, so the analysis specs control every count, cost and
 * duration, plus seeded simulated histories for the trend specs.
 *
 *   const fast = runsWith({ model: 'gpt-4o' }, [9, 8, 10], { issues: 10, costUsd: 0.5 });
 *   const history = simulateHistory({ runs: 60, seed: 7, successProbability: (i, n) => 0.3 + (0.6 * i) / (n - 1) });
 *
 * Independent formulas the specs check the analyzer against (Wilson's score interval, Newcombe's
 * hybrid interval, medians) are written out here too, without importing src/analysis.
 */
import { execFileSync } from 'node:child_process';
import type { JsonValue, SystemConfig } from '../../events/config.js';
import type { AnalysisRun } from '../../projections/analysis-input.js';
import type { RunStatus } from '../../projections/run-projection.js';

/** Runs start at T0 plus their index in minutes unless told otherwise. */
const T0_MS = Date.parse('2025-01-01T00:00:00.000Z');

/** The start time of the i-th run of a history: T0 plus i minutes. */
export const startedAt = (i: number): string => new Date(T0_MS + i * 60_000).toISOString();

export interface ConfigSpec {
  readonly model?: string;
  readonly provider?: string;
  /** undefined leaves the key out; the default config has 0.7. */
  readonly temperature?: number;
  readonly maxRetries?: number;
  /** Any further keys, merged at the top level (nested objects allowed). */
  readonly extra?: { readonly [key: string]: JsonValue };
}

/** A config as a run records it: llm.provider, llm.model, llm.temperature, maxRetries, and extra keys. */
function configOf(spec: ConfigSpec = {}): SystemConfig {
  const llm: { [key: string]: JsonValue } = { provider: spec.provider ?? 'deepseek', model: spec.model ?? 'deepseek-chat' };
  const temperature = 'temperature' in spec ? spec.temperature : 0.7;
  if (temperature !== undefined) llm.temperature = temperature;
  const config: { [key: string]: JsonValue } = { llm };
  const retries = 'maxRetries' in spec ? spec.maxRetries : 3;
  if (retries !== undefined) config.maxRetries = retries;
  return { ...config, ...(spec.extra ?? {}) } as unknown as SystemConfig;
}

export interface RunSpec extends ConfigSpec {
  readonly runId?: string;
  readonly status?: RunStatus;
  readonly startedAt?: string;
  readonly durationMs?: number | null;
  readonly issues?: number;
  readonly completed?: number;
  /** Default: every issue not completed failed. */
  readonly failed?: number;
  /** Default: every completed issue was first-time-right. */
  readonly firstTimeRight?: number;
  readonly complexity?: { readonly sum: number; readonly count: number };
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  /** The sum of the run's priced token records, USD. */
  readonly costUsd?: number;
  /** Token records without a price; with unpricedModels. */
  readonly unpricedRecords?: number;
  readonly unpricedModels?: readonly string[];
  /** Every model used, as "provider:model"; default the config's. */
  readonly models?: readonly string[];
}

let sequence = 0;

/** One AnalysisRun. Defaults: completed, 10 issues, 5 completed, $0.10, 60 s, a fresh run id and start time. */
// eslint-disable-next-line complexity -- one `??` default per field of the run spec
export function analysisRun(spec: RunSpec = {}): AnalysisRun {
  sequence += 1;
  const issues = spec.issues ?? 10;
  const completed = spec.completed ?? Math.min(5, issues);
  if (completed > issues) throw new Error(`a run cannot complete ${completed} of ${issues} issues`);
  const unpricedRecords = spec.unpricedRecords ?? 0;
  return {
    runId: spec.runId ?? `run-${String(sequence).padStart(5, '0')}`,
    projectId: 'analysis-spec',
    status: spec.status ?? 'completed',
    startedAt: spec.startedAt ?? startedAt(sequence),
    durationMs: spec.durationMs === undefined ? 60_000 : spec.durationMs,
    config: configOf(spec),
    issues,
    completedIssues: completed,
    failedIssues: spec.failed ?? issues - completed,
    firstTimeRightIssues: spec.firstTimeRight ?? completed,
    complexitySum: spec.complexity?.sum ?? 0,
    complexityCount: spec.complexity?.count ?? 0,
    inputTokens: spec.inputTokens ?? 1000 * issues,
    outputTokens: spec.outputTokens ?? 300 * issues,
    costUsd: spec.costUsd ?? 0.1,
    unpricedRecords,
    unpricedModels: spec.unpricedModels ?? (unpricedRecords > 0 ? [spec.model ?? 'deepseek-chat'] : []),
    models: spec.models ?? [`${spec.provider ?? 'deepseek'}:${spec.model ?? 'deepseek-chat'}`],
  };
}

/**
 * One run per entry of `completed` (issues completed in that run), all with the same config and
 * `common` fields; `each(i)` adds per-run fields (cost, duration, run id, ...).
 */
export function runsWith(config: ConfigSpec, completed: readonly number[], common: RunSpec = {}, each: (i: number) => RunSpec = () => ({})): AnalysisRun[] {
  return completed.map((c, i) => analysisRun({ ...config, ...common, completed: c, ...each(i) }));
}

export interface HistorySpec {
  readonly runs: number;
  readonly seed: number;
  readonly issuesPerRun?: number;
  /** The chance that an issue of run i (0-based, of n) is completed. */
  readonly successProbability: (i: number, n: number) => number;
  /** Cost of run i; `random` is the history's PRNG (for noise). Default: $0.10. */
  readonly costUsd?: (i: number, random: () => number) => number;
  readonly config?: ConfigSpec;
}

/**
 * The simulations' PRNG: sfc32 (Chris Doty-Humphrey's Small Fast Counter, from PractRand; public
 * domain), its state filled from the seed by splitmix32. Deliberately not the analyzer's mulberry32,
 * so a history drawn with seed s never shares its random stream with a bootstrap seeded s.
 */
function historyRandom(seed: number): () => number {
  let s = seed >>> 0;
  const splitmix32 = (): number => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    return z ^ (z >>> 15);
  };
  let a = splitmix32();
  let b = splitmix32();
  let c = splitmix32();
  let d = splitmix32();
  return () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

/**
 * A simulated history: n runs started one minute apart; each issue of run i is completed with
 * probability successProbability(i, n), drawn from historyRandom(seed), so a seed always gives the
 * same history.
 */
export function simulateHistory(spec: HistorySpec): AnalysisRun[] {
  const random = historyRandom(spec.seed);
  const issues = spec.issuesPerRun ?? 10;
  const runs: AnalysisRun[] = [];
  for (let i = 0; i < spec.runs; i += 1) {
    const p = spec.successProbability(i, spec.runs);
    let completed = 0;
    for (let k = 0; k < issues; k += 1) if (random() < p) completed += 1;
    runs.push(
      analysisRun({
        ...spec.config,
        runId: `history-${spec.seed}-${String(i).padStart(3, '0')}`,
        startedAt: startedAt(i),
        issues,
        completed,
        costUsd: spec.costUsd ? spec.costUsd(i, random) : 0.1,
      }),
    );
  }
  return runs;
}

// ---- Independent formulas ---------------------------------------------------------------------

/** The 97.5th percentile of the standard normal (R: qnorm(0.975)). */
const Z975 = 1.959963984540054;

/**
 * Wilson's score interval written out (Wilson 1927; Newcombe 1998, method 3):
 *   (p + z²/2n ± z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n)
 */
export function wilsonBounds(successes: number, n: number): { low: number; high: number } {
  const p = successes / n;
  const z2 = Z975 * Z975;
  const centre = p + z2 / (2 * n);
  const spread = Z975 * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  const denominator = 1 + z2 / n;
  return { low: (centre - spread) / denominator, high: (centre + spread) / denominator };
}

/** Newcombe's hybrid score interval for p1 - p2 (Stat Med 1998; 17:873, method 10), from the Wilson bounds. */
export function newcombeBounds(s1: number, n1: number, s2: number, n2: number): { estimate: number; low: number; high: number } {
  const p1 = s1 / n1;
  const p2 = s2 / n2;
  const w1 = wilsonBounds(s1, n1);
  const w2 = wilsonBounds(s2, n2);
  const d = p1 - p2;
  return {
    estimate: d,
    low: d - Math.sqrt((p1 - w1.low) ** 2 + (w2.high - p2) ** 2),
    high: d + Math.sqrt((w1.high - p1) ** 2 + (p2 - w2.low) ** 2),
  };
}

/**
 * Fisher's exact test, two-sided, computed by python3 with exact integers (math.comb): the sum of
 * the hypergeometric probabilities of all tables with the observed margins that are no more likely
 * than the observed one (R's fisher.test convention, relative tolerance 1e-7). One call for many tables.
 */
export function pythonFisher(tables: ReadonlyArray<readonly [number, number, number, number]>): number[] {
  const script = `
import json, sys
from fractions import Fraction
from math import comb
def fisher(a, b, c, d):
    r1, c1, n = a + b, a + c, a + b + c + d
    prob = lambda x: Fraction(comb(r1, x) * comb(n - r1, c1 - x), comb(n, c1))
    observed = prob(a)
    limit = observed * (1 + Fraction(1, 10**7))
    return float(sum(prob(x) for x in range(max(0, r1 + c1 - n), min(r1, c1) + 1) if prob(x) <= limit))
print(json.dumps([fisher(*t) for t in json.loads(sys.stdin.read())]))
`;
  return JSON.parse(execFileSync('python3', ['-c', script], { input: JSON.stringify(tables), encoding: 'utf8' })) as number[];
}

/** Holm's step-down adjustment written out for the specs (no nulls). */
export function holmByHand(p: readonly number[]): number[] {
  const order = p.map((value, i) => ({ value, i })).sort((x, y) => x.value - y.value);
  const out = new Array<number>(p.length);
  let running = 0;
  order.forEach(({ value, i }, rank) => {
    running = Math.max(running, Math.min(1, (p.length - rank) * value));
    out[i] = running;
  });
  return out;
}

export function medianOf(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export const sumOf = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0);
