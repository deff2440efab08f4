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
import { runPython } from './scipy.js';
import type { JsonValue, SystemConfig } from '../../events/config.js';
import type { IssueId } from '../../events/fields.js';
import type { AnalysisRun, FinishedIssues } from '../../projections/analysis-input.js';
import type { RunStatus } from '../../projections/run-projection.js';

/** Runs start at T0 plus their index in minutes unless told otherwise. */
export const T0_MS = Date.parse('2025-01-01T00:00:00.000Z');

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
export function configOf(spec: ConfigSpec = {}): SystemConfig {
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
  /** Default: every issue not completed (nor skipped) failed. */
  readonly failed?: number;
  /** Default 0. Issues neither completed, failed nor skipped are unfinished. */
  readonly skipped?: number;
  /** Default: every completed issue was first-time-right. */
  readonly firstTimeRight?: number;
  /**
   * The ids of the run's issues in start order (one per issue); default 1..issues. Issues are laid
   * out in that order as: completed (the first-time-right ones first), failed, skipped, unfinished;
   * so the ids choose which issue had which outcome: with ids [7, 3, 5] and 1 completed, issue 7
   * was completed.
   */
  readonly issueIds?: readonly IssueId[];
  /**
   * Each finished issue's cost (in finishedIssues order); default an equal share of the run's
   * costUsd per issue (costUsd ÷ issues), or null for every issue when the run has unpriced records.
   */
  readonly issueCostUsd?: readonly (number | null)[];
  /** Each finished issue's duration (in finishedIssues order); default durationMs ÷ issues (null when the run's is null). */
  readonly issueDurationMs?: readonly (number | null)[];
  readonly complexity?: { readonly sum: number; readonly count: number };
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  /** The sum of the run's priced token records, USD. */
  readonly costUsd?: number;
  /** Token records without a price; with unpricedModels. */
  readonly unpricedRecords?: number;
  /** Default: one priced record per issue plus the unpriced ones. */
  readonly tokenRecords?: number;
  /** Default: 100 per unpriced record. */
  readonly unpricedTokens?: number;
  readonly unpricedModels?: readonly string[];
  /** Every model used, as "provider:model"; default the config's. */
  readonly models?: readonly string[];
}

let sequence = 0;

/**
 * One AnalysisRun. Defaults: completed, 10 issues, 5 completed, $0.10, 60 s, a fresh run id and
 * start time. finishedIssues agrees with the counts: as many "c", "f", "s" and "1" as completed,
 * failed, skipped and first-time-right issues (see RunSpec.issueIds for which issue is which).
 */
// eslint-disable-next-line complexity -- one `??` default per field of the run spec
export function analysisRun(spec: RunSpec = {}): AnalysisRun {
  sequence += 1;
  const issues = spec.issues ?? 10;
  const completed = spec.completed ?? Math.min(5, issues);
  const skipped = spec.skipped ?? 0;
  const failed = spec.failed ?? issues - completed - skipped;
  const firstTimeRight = spec.firstTimeRight ?? completed;
  if (completed + failed + skipped > issues || failed < 0)
    throw new Error(`a run of ${issues} issues cannot complete ${completed}, fail ${failed} and skip ${skipped}`);
  if (firstTimeRight > completed) throw new Error(`only completed issues are first-time-right: ${firstTimeRight} of ${completed}`);
  const unpricedRecords = spec.unpricedRecords ?? 0;
  const durationMs = spec.durationMs === undefined ? 60_000 : spec.durationMs;
  const costUsd = spec.costUsd ?? 0.1;
  return {
    runId: spec.runId ?? `run-${String(sequence).padStart(5, '0')}`,
    projectId: 'analysis-spec',
    status: spec.status ?? 'completed',
    startedAt: spec.startedAt ?? startedAt(sequence),
    durationMs,
    activeDurationMs: durationMs,
    resumes: 0,
    config: configOf(spec),
    issues,
    completedIssues: completed,
    failedIssues: failed,
    firstTimeRightIssues: firstTimeRight,
    complexitySum: spec.complexity?.sum ?? 0,
    complexityCount: spec.complexity?.count ?? 0,
    inputTokens: spec.inputTokens ?? 1000 * issues,
    outputTokens: spec.outputTokens ?? 300 * issues,
    costUsd,
    tokenRecords: spec.tokenRecords ?? issues + unpricedRecords,
    unpricedRecords,
    unpricedTokens: spec.unpricedTokens ?? 100 * unpricedRecords,
    reportedCostRecords: 0,
    reportedMinusComputedUsd: 0,
    unpricedModels: spec.unpricedModels ?? (unpricedRecords > 0 ? [spec.model ?? 'deepseek-chat'] : []),
    models: spec.models ?? [`${spec.provider ?? 'deepseek'}:${spec.model ?? 'deepseek-chat'}`],
    finishedIssues: finishedIssuesFor(spec, {
      issues,
      completed,
      failed,
      skipped,
      firstTimeRight,
      costUsd: unpricedRecords > 0 ? null : costUsd,
      durationMs,
    }),
  };
}

/** A run's finishedIssues laid out as RunSpec.issueIds says, checked against the counts. */
function finishedIssuesFor(
  spec: RunSpec,
  run: {
    issues: number;
    completed: number;
    failed: number;
    skipped: number;
    firstTimeRight: number;
    costUsd: number | null;
    durationMs: number | null;
  },
): FinishedIssues {
  const ids = spec.issueIds ?? Array.from({ length: run.issues }, (_, i) => i + 1);
  if (ids.length !== run.issues) throw new Error(`issueIds names ${ids.length} issues, the run has ${run.issues}`);
  const finished = run.completed + run.failed + run.skipped;
  const perIssue = (what: string, given: readonly (number | null)[] | undefined, total: number | null): (number | null)[] => {
    if (given === undefined) return Array.from({ length: finished }, () => (total === null ? null : total / run.issues));
    if (given.length !== finished) throw new Error(`${what} has ${given.length} values for ${finished} finished issues`);
    return [...given];
  };
  return {
    ids: ids.slice(0, finished),
    outcomes: 'c'.repeat(run.completed) + 'f'.repeat(run.failed) + 's'.repeat(run.skipped),
    firstTimeRight: '1'.repeat(run.firstTimeRight) + '0'.repeat(finished - run.firstTimeRight),
    costUsd: perIssue('issueCostUsd', spec.issueCostUsd, run.costUsd),
    durationMs: perIssue('issueDurationMs', spec.issueDurationMs, run.durationMs),
  };
}

/**
 * One run per entry of `completed` (issues completed in that run), all with the same config and
 * `common` fields; `each(i)` adds per-run fields (cost, duration, run id, ...).
 */
export function runsWith(
  config: ConfigSpec,
  completed: readonly number[],
  common: RunSpec = {},
  each: (i: number) => RunSpec = () => ({}),
): AnalysisRun[] {
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
export function historyRandom(seed: number): () => number {
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
 * A simulated history: n runs started one minute apart; each issue of run i (ids 1..issuesPerRun) is
 * completed with probability successProbability(i, n), drawn from historyRandom(seed), so a seed
 * always gives the same history.
 */
export function simulateHistory(spec: HistorySpec): AnalysisRun[] {
  const random = historyRandom(spec.seed);
  const issues = spec.issuesPerRun ?? 10;
  const runs: AnalysisRun[] = [];
  for (let i = 0; i < spec.runs; i += 1) {
    const p = spec.successProbability(i, spec.runs);
    // Issue k + 1 is completed when its own draw succeeds, so the same issue can be paired across runs.
    const completedIds: number[] = [];
    const failedIds: number[] = [];
    for (let k = 0; k < issues; k += 1) (random() < p ? completedIds : failedIds).push(k + 1);
    runs.push(
      analysisRun({
        ...spec.config,
        runId: `history-${spec.seed}-${String(i).padStart(3, '0')}`,
        startedAt: startedAt(i),
        issues,
        completed: completedIds.length,
        issueIds: [...completedIds, ...failedIds],
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

/** Per-run counts of one group, as the analyzer's cluster formulas take them. */
export interface RunCountsSpec {
  readonly successes: readonly number[];
  readonly issues: readonly number[];
}

/**
 * A group's success interval with runs as the unit, computed in python3 with scipy's t quantile,
 * independently of src/analysis: p̂ = Σy/N, V = K/(K−1)·Σ(y−p̂n)²/N², deff = max(1, V/(p̂(1−p̂)/N))
 * (1 at p̂ 0 or 1), Wilson's interval on N/deff issues with t(K−1, 0.975); one run: Wilson with z.
 */
export function pythonClusteredWilson(
  groups: readonly RunCountsSpec[],
): Array<{ estimate: number; low: number; high: number; deff: number }> {
  const script = `
from scipy import stats
def wilson(p, n, z):
    d = 1 + z*z/n
    c = (p + z*z/(2*n)) / d
    h = z / d * math.sqrt(p*(1-p)/n + z*z/(4*n*n))
    return max(0.0, c - h), min(1.0, c + h)
out = []
for g in data:
    ys = [y for y, n in zip(g['successes'], g['issues']) if n > 0]
    ns = [n for n in g['issues'] if n > 0]
    k, N, Y = len(ns), sum(ns), sum(ys)
    p = Y / N
    if k == 1:
        lo, hi = wilson(p, N, stats.norm.ppf(0.975))
        out.append({'estimate': p, 'low': lo, 'high': hi, 'deff': 1.0})
        continue
    v = k / (k - 1) * sum((y - p*n)**2 for y, n in zip(ys, ns)) / N**2
    b = p*(1-p)/N
    deff = 1.0 if b == 0 else max(1.0, v / b)
    lo, hi = wilson(p, N / deff, stats.t.ppf(0.975, k - 1))
    out.append({'estimate': p, 'low': lo, 'high': hi, 'deff': deff})
done(out)
`;
  return runPython<Array<{ estimate: number; low: number; high: number; deff: number }>>(script, groups);
}

/** scipy.stats.ttest_ind(a, b, equal_var=False) on per-run values: Welch's t, two-sided p and df. */
export function pythonWelch(
  pairs: ReadonlyArray<{ readonly a: readonly number[]; readonly b: readonly number[] }>,
): Array<{ t: number; p: number; df: number }> {
  const script = `
from scipy import stats
out = []
for pair in data:
    r = stats.ttest_ind(pair['a'], pair['b'], equal_var=False)
    # scipy >= 1.11 reports df; older ones do not: Welch-Satterthwaite written out.
    va, vb = stats.tvar(pair['a']) / len(pair['a']), stats.tvar(pair['b']) / len(pair['b'])
    df = (va + vb) ** 2 / (va ** 2 / (len(pair['a']) - 1) + vb ** 2 / (len(pair['b']) - 1))
    out.append({'t': float(r.statistic), 'p': float(r.pvalue), 'df': float(getattr(r, 'df', df))})
done(out)
`;
  return runPython<Array<{ t: number; p: number; df: number }>>(script, pairs);
}

/** Student's t interval of a mean in python3 (scipy): mean ± t(K−1, 0.975)·s/√K. */
export function pythonTMeanInterval(samples: ReadonlyArray<readonly number[]>): Array<{ estimate: number; low: number; high: number }> {
  const script = `
import statistics
from scipy import stats
out = []
for xs in data:
    m = statistics.fmean(xs)
    h = stats.t.ppf(0.975, len(xs) - 1) * statistics.stdev(xs) / math.sqrt(len(xs))
    out.append({'estimate': m, 'low': m - h, 'high': m + h})
done(out)
`;
  return runPython<Array<{ estimate: number; low: number; high: number }>>(script, samples);
}
