import type { JsonValue, SystemConfig } from '../../events/config.js';
import type { AnalysisRun } from '../../projections/analysis-input.js';
import { analysedRuns, compareConfigurations, groupRuns, type ConfigGroup } from './compare.js';
import { configKeysOf } from './config-keys.js';
import type { BootstrapOptions } from './stats/bootstrap.js';
import { wilsonInterval, type Interval } from './stats/wilson.js';

/** The parts of the score, and what each is worth at most. README "Best configuration" documents them. */
export const SCORE_WEIGHTS = { success: 60, cost: 25, speed: 15 } as const;

export interface ScoredGroup {
  readonly label: string;
  readonly values: Readonly<Record<string, JsonValue>>;
  /** 0-100: success + cost + speed. */
  readonly score: number;
  readonly parts: { readonly success: number; readonly cost: number; readonly speed: number };
  /** No other group is at least as good on success rate, cost per successful issue and duration, and better on one. */
  readonly onParetoFront: boolean;
  readonly insufficientSample: string | null;
  readonly group: ConfigGroup;
}

export interface BestConfigurationReport {
  readonly by: readonly string[];
  /** Groups with enough data first, by score; ties go to the cheaper. */
  readonly ranking: readonly ScoredGroup[];
  readonly paretoFront: readonly string[];
  /** null when no group has enough data to be crowned. */
  readonly best: ScoredGroup | null;
  /** The seed's shape: the best configuration's best run, with the configuration's score. */
  readonly bestRun: {
    readonly runId: string;
    readonly score: number;
    readonly config: SystemConfig;
    readonly metrics: { readonly successRate: number | null; readonly successInterval: Interval | null; readonly issues: number; readonly costUsd: number | null; readonly durationMs: number | null };
  } | null;
  readonly note: string | null;
}

/**
 * The best configuration: every combination of the keys that vary (or `by`), scored 0-100 by
 *   success = 60 × the lower end of the Wilson interval of the issue success rate (so a lucky
 *             1 of 1 never wins: its lower end is 0.21),
 *   cost    = 25 × (lowest cost per successful issue ÷ this group's, at most 1), 0 if unknown,
 *   speed   = 15 × (lowest median run duration ÷ this group's, at most 1), 0 if unknown,
 * the lowest taken over the groups with enough data (over all when none has),
 * with the Pareto front on (success rate ↑, cost per successful issue ↓, duration ↓) marked.
 */
export function bestConfiguration(allRuns: readonly AnalysisRun[], options: BootstrapOptions & { by?: readonly string[] } = {}): BestConfigurationReport {
  const runs = analysedRuns(allRuns);
  const by = options.by ?? varyingKeys(runs);
  if (runs.length === 0) return { by, ranking: [], paretoFront: [], best: null, bestRun: null, note: 'no finished runs to compare' };
  const groups = compareConfigurations(runs, { ...options, by, metric: 'success' }).groups;

  // The yardsticks come from groups with enough data (from all when none has): one lucky cheap
  // run must not shrink every other group's cost points.
  const measured = groups.some((g) => g.insufficientSample === null) ? groups.filter((g) => g.insufficientSample === null) : groups;
  const cheapest = Math.min(...measured.map(costOf));
  const fastest = Math.min(...measured.map(durationOf));
  const scored = groups.map((g): ScoredGroup => {
    const success = SCORE_WEIGHTS.success * (g.issueSuccessRate?.low ?? 0);
    const cost = Number.isFinite(costOf(g)) ? SCORE_WEIGHTS.cost * Math.min(1, costOf(g) === 0 ? 1 : cheapest / costOf(g)) : 0;
    const speed = Number.isFinite(durationOf(g)) ? SCORE_WEIGHTS.speed * Math.min(1, durationOf(g) === 0 ? 1 : fastest / durationOf(g)) : 0;
    return {
      label: g.label,
      values: g.values,
      score: round1(success + cost + speed),
      parts: { success: round1(success), cost: round1(cost), speed: round1(speed) },
      onParetoFront: !groups.some((other) => other !== g && dominates(other, g)),
      insufficientSample: g.insufficientSample,
      group: g,
    };
  });
  const ranking = scored.sort(
    (a, b) => Number(a.insufficientSample !== null) - Number(b.insufficientSample !== null) || b.score - a.score || costOf(a.group) - costOf(b.group) || (a.label < b.label ? -1 : 1),
  );
  const best = ranking[0] && ranking[0].insufficientSample === null ? ranking[0] : null;
  return {
    by,
    ranking,
    paretoFront: ranking.filter((g) => g.onParetoFront).map((g) => g.label),
    best,
    bestRun: best ? bestRunOf(groupRuns(runs, by).find((g) => g.identity === best.group.identity)!.runs, best.score) : null,
    note: best ? null : 'no configuration has enough data to be crowned (each needs 10 issues and 3 runs); record more runs',
  };
}

const round1 = (x: number): number => Math.round(x * 10) / 10;
const costOf = (g: ConfigGroup): number => g.costPerSuccessfulIssue?.estimate ?? Number.POSITIVE_INFINITY;
const durationOf = (g: ConfigGroup): number => g.medianDurationMs ?? Number.POSITIVE_INFINITY;
const successOf = (g: ConfigGroup): number => g.issueSuccessRate?.estimate ?? 0;

function dominates(a: ConfigGroup, b: ConfigGroup): boolean {
  const notWorse = successOf(a) >= successOf(b) && costOf(a) <= costOf(b) && durationOf(a) <= durationOf(b);
  const better = successOf(a) > successOf(b) || costOf(a) < costOf(b) || durationOf(a) < durationOf(b);
  return notWorse && better;
}

/** Config keys whose value differs between runs; llm.model when none does. */
function varyingKeys(runs: readonly AnalysisRun[]): string[] {
  const { varying } = configKeysOf(runs);
  return varying.length > 0 ? varying : ['llm.model'];
}

function bestRunOf(runs: readonly AnalysisRun[], score: number): BestConfigurationReport['bestRun'] {
  const rate = (r: AnalysisRun): number => (r.issues === 0 ? -1 : r.completedIssues / r.issues);
  const cost = (r: AnalysisRun): number => (r.unpricedRecords > 0 ? Number.POSITIVE_INFINITY : r.costUsd);
  const run = [...runs].sort((a, b) => rate(b) - rate(a) || cost(a) - cost(b) || (a.durationMs ?? Infinity) - (b.durationMs ?? Infinity))[0];
  if (!run) return null;
  return {
    runId: run.runId,
    score,
    config: run.config,
    metrics: {
      successRate: run.issues === 0 ? null : run.completedIssues / run.issues,
      successInterval: wilsonInterval(run.completedIssues, run.issues),
      issues: run.issues,
      costUsd: run.unpricedRecords > 0 ? null : run.costUsd,
      durationMs: run.durationMs,
    },
  };
}
