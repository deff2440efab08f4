import type { JsonValue, SystemConfig } from '../../events/config.js';
import type { AnalysisRun } from '../../projections/analysis-input.js';
import { analysedRuns, compareConfigurations, groupRuns, type ConfigGroup } from './compare.js';
import { configKeysOf } from './config-keys.js';
import { MIN_ISSUES, MIN_RUNS } from './group-stats.js';
import { assertAnalysisOptions } from './options.js';
import { probabilityBest } from './probability-best.js';
import { assertBootstrapOptions, type BootstrapOptions } from './stats/bootstrap.js';
import { clusterTDifference } from './stats/cluster-t.js';
import { holmAdjust } from './stats/holm.js';
import { ALPHA } from './stats/power.js';
import { wilsonInterval, type Interval } from './stats/wilson.js';
import { PLANNING_DIFFERENCE } from './versus-baseline.js';
import { runsToTell } from './runs-to-tell.js';

/** The parts of the score, and what each is worth at most. README "Best configuration" documents them. */
export const SCORE_WEIGHTS = { success: 60, cost: 25, speed: 15 } as const;

/** clear: one group is better than every other; no-clear-winner: several cannot be told apart; not-enough-data: fewer than two groups can be judged. */
export type BestVerdict = 'clear' | 'no-clear-winner' | 'not-enough-data';

export interface ScoredGroup {
  readonly label: string;
  readonly values: Readonly<Record<string, JsonValue>>;
  /** 0-100: success + cost + speed. */
  readonly score: number;
  readonly parts: { readonly success: number; readonly cost: number; readonly speed: number };
  /** Among the groups with enough data, no other is at least as good on success rate, cost per successful issue and median issue duration, and better on one. */
  readonly onParetoFront: boolean;
  /** Chance of the highest success rate, bootstrapping runs within groups (probability-best.ts); null for a group without enough data. */
  readonly probabilityBest: number | null;
  /** Not significantly worse on success than the leader (one-sided cluster t, Holm); the leader itself is one. */
  readonly contender: boolean;
  /** Holm-adjusted one-sided p of "worse than the leader"; null for the leader and groups without enough data. */
  readonly worseThanLeaderP: number | null;
  readonly insufficientSample: string | null;
  readonly group: ConfigGroup;
}

export interface BestConfigurationReport {
  readonly by: readonly string[];
  /** Groups with enough data first, by score; ties go to the cheaper. */
  readonly ranking: readonly ScoredGroup[];
  /** The Pareto front of the groups with enough data. */
  readonly paretoFront: readonly string[];
  /** Groups with too little data to be judged: never on the front, never leaders. */
  readonly insufficientGroups: readonly string[];
  readonly verdict: BestVerdict;
  /** The highest score among groups with enough data, whether or not the data can tell it from the others. */
  readonly leader: ScoredGroup | null;
  /** The leader and every group not significantly worse than it. */
  readonly contenders: readonly string[];
  /** The leader when the verdict is clear; null otherwise. */
  readonly best: ScoredGroup | null;
  /** No clear winner: runs per configuration to tell the contenders apart by the difference seen (at least 5 pp); null when out of reach. */
  readonly runsToSeparate: number | null;
  /** The best configuration's best run, with the configuration's score (the original metrics API's shape). */
  readonly bestRun: {
    readonly runId: string;
    readonly score: number;
    readonly config: SystemConfig;
    readonly metrics: {
      readonly successRate: number | null;
      readonly successInterval: Interval | null;
      readonly issues: number;
      /** null when some of its token records are unpriced (see knownCostUsd). */
      readonly costUsd: number | null;
      /** The priced records' cost: a lower bound when unpricedRecords > 0; null when none is priced. */
      readonly knownCostUsd: number | null;
      readonly unpricedRecords: number;
      readonly durationMs: number | null;
    };
  } | null;
  readonly note: string | null;
}

/**
 * The best configuration: every combination of the keys that vary (or `by`), scored 0-100 by
 *   success = 60 × the lower end of the success interval (runs as the unit, so neither a lucky
 *             1 of 1 nor one lucky run wins),
 *   cost    = 25 × (lowest cost per successful issue ÷ this group's, at most 1), 0 if unknown,
 *   speed   = 15 × (lowest median issue duration ÷ this group's, at most 1), 0 if unknown,
 * the lowest taken over the groups with enough data. Only those are judged: the Pareto front on
 * (success ↑, cost per successful issue ↓, issue duration ↓), the leader (highest score), and the
 * contenders — the leader and every group not significantly worse on success (one-sided cluster t,
 * Holm). The verdict is "clear" only when the leader is the only contender.
 */
export function bestConfiguration(
  allRuns: readonly AnalysisRun[],
  options: BootstrapOptions & { by?: readonly string[] } = {},
): BestConfigurationReport {
  assertBootstrapOptions(options);
  assertAnalysisOptions('bestConfiguration', options, ['by']);
  const runs = analysedRuns(allRuns);
  const by = options.by ?? varyingKeys(runs);
  if (runs.length === 0) return { ...nothingToJudge(by), note: 'no finished runs to compare' };
  const groups = compareConfigurations(runs, { ...options, by, metric: 'success' }).groups;
  const runsOf = new Map(groupRuns(runs, by).map((g) => [g.identity, g.runs]));
  const judged = groups.filter((g) => g.insufficientSample === null);
  const ranking = rank(groups, judged, runsOf, options);
  const leader = ranking.find((g) => g.insufficientSample === null) ?? null;
  const contenders = ranking.filter((g) => g.contender);
  const verdict = verdictOf(judged.length, groups.length, contenders.length);
  const best = verdict === 'clear' ? contenders[0]! : null;
  const runsToSeparate =
    verdict === 'no-clear-winner' && leader
      ? runsToTell(
          contenders.map((c) => runsOf.get(c.group.identity)!),
          runsOf.get(leader.group.identity)!,
          PLANNING_DIFFERENCE,
        )
      : null;
  return {
    by,
    ranking,
    paretoFront: ranking.filter((g) => g.onParetoFront).map((g) => g.label),
    insufficientGroups: ranking.filter((g) => g.insufficientSample !== null).map((g) => g.label),
    verdict,
    leader,
    contenders: contenders.map((g) => g.label),
    best,
    runsToSeparate,
    bestRun: best ? bestRunOf(runsOf.get(best.group.identity)!, best.score) : null,
    note: noteOf(verdict, judged, groups),
  };
}

function nothingToJudge(by: readonly string[]): Omit<BestConfigurationReport, 'note'> {
  const none = { ranking: [], paretoFront: [], insufficientGroups: [], contenders: [] };
  return { by, ...none, verdict: 'not-enough-data', leader: null, best: null, runsToSeparate: null, bestRun: null };
}

/** Fewer than two judged groups (unless there is only one group at all) cannot be ranked against each other. */
function verdictOf(judged: number, groups: number, contenders: number): BestVerdict {
  if (judged === 0 || (judged === 1 && groups > 1)) return 'not-enough-data';
  return contenders === 1 ? 'clear' : 'no-clear-winner';
}

/** Every group scored, judged ones first by score (ties to the cheaper), with the front, P(best) and the contenders. */
function rank(
  groups: readonly ConfigGroup[],
  judged: readonly ConfigGroup[],
  runsOf: ReadonlyMap<string, readonly AnalysisRun[]>,
  options: BootstrapOptions,
): ScoredGroup[] {
  // The yardsticks come from groups with enough data (from all when none has): one lucky cheap
  // run must not shrink every other group's cost points.
  const measured = judged.length > 0 ? judged : groups;
  const cheapest = Math.min(...measured.map(costOf));
  const fastest = Math.min(...measured.map(durationOf));
  const scores = new Map(groups.map((g) => [g, scoreOf(g, cheapest, fastest)]));
  const byScore = [...groups].sort(
    (a, b) =>
      Number(a.insufficientSample !== null) - Number(b.insufficientSample !== null) ||
      scores.get(b)!.total - scores.get(a)!.total ||
      costOf(a) - costOf(b) ||
      (a.label < b.label ? -1 : 1),
  );
  const leader = judged.length > 0 ? byScore[0]! : null;
  const worseP = leader ? worseThanLeader(judged, leader, runsOf) : new Map<ConfigGroup, number>();
  const chances = probabilityBest(
    judged.map((g) => runsOf.get(g.identity)!),
    options,
  );
  return byScore.map((g): ScoredGroup => {
    const score = scores.get(g)!;
    const isJudged = g.insufficientSample === null;
    return {
      label: g.label,
      values: g.values,
      score: round1(score.total),
      parts: { success: round1(score.success), cost: round1(score.cost), speed: round1(score.speed) },
      onParetoFront: isJudged && !judged.some((other) => other !== g && dominates(other, g)),
      probabilityBest: isJudged ? chances[judged.indexOf(g)]! : null,
      contender: g === leader || (worseP.get(g) ?? -1) >= ALPHA,
      worseThanLeaderP: worseP.get(g) ?? null,
      insufficientSample: g.insufficientSample,
      group: g,
    };
  });
}

function noteOf(verdict: BestVerdict, judged: readonly ConfigGroup[], groups: readonly ConfigGroup[]): string | null {
  if (verdict !== 'not-enough-data') return null;
  const needs = `each needs ${MIN_ISSUES} issues and ${MIN_RUNS} runs`;
  if (judged.length === 0) return `no configuration has enough data to be judged (${needs}); record more runs`;
  const others = groups.filter((g) => g.insufficientSample !== null).map((g) => g.label);
  return `only ${judged[0]!.label} has enough data to be judged; ${others.join(', ')} cannot be compared with it yet (${needs})`;
}

/** Holm-adjusted one-sided p of "this group's success rate is below the leader's", for every judged group but the leader. */
function worseThanLeader(
  judged: readonly ConfigGroup[],
  leader: ConfigGroup,
  runsOf: ReadonlyMap<string, readonly AnalysisRun[]>,
): Map<ConfigGroup, number> {
  const counts = (g: ConfigGroup) => {
    const runs = runsOf.get(g.identity)!;
    return { successes: runs.map((r) => r.completedIssues), issues: runs.map((r) => r.issues) };
  };
  const others = judged.filter((g) => g !== leader);
  const p = others.map((g) => clusterTDifference(counts(g), counts(leader))?.pAWorse ?? null);
  const adjusted = holmAdjust(p);
  return new Map(others.flatMap((g, i) => (adjusted[i] === null ? [] : [[g, adjusted[i]!] as const])));
}

function scoreOf(g: ConfigGroup, cheapest: number, fastest: number) {
  const success = SCORE_WEIGHTS.success * (g.issueSuccessRate?.low ?? 0);
  const cost = Number.isFinite(costOf(g)) ? SCORE_WEIGHTS.cost * Math.min(1, costOf(g) === 0 ? 1 : cheapest / costOf(g)) : 0;
  const speed = Number.isFinite(durationOf(g)) ? SCORE_WEIGHTS.speed * Math.min(1, durationOf(g) === 0 ? 1 : fastest / durationOf(g)) : 0;
  return { success, cost, speed, total: success + cost + speed };
}

const round1 = (x: number): number => Math.round(x * 10) / 10;
const costOf = (g: ConfigGroup): number => g.costPerSuccessfulIssue?.estimate ?? Number.POSITIVE_INFINITY;
const durationOf = (g: ConfigGroup): number => g.medianIssueDurationMs ?? Number.POSITIVE_INFINITY;
const successOf = (g: ConfigGroup): number => g.issueSuccessRate?.estimate ?? 0;

function dominates(a: ConfigGroup, b: ConfigGroup): boolean {
  const notWorse = successOf(a) >= successOf(b) && costOf(a) <= costOf(b) && durationOf(a) <= durationOf(b);
  const better = successOf(a) > successOf(b) || costOf(a) < costOf(b) || durationOf(a) < durationOf(b);
  return notWorse && better;
}

/** Config keys whose value differs between runs; llm.model when none does. */
export function varyingKeys(runs: readonly AnalysisRun[]): string[] {
  const { varying } = configKeysOf(runs);
  return varying.length > 0 ? varying : ['llm.model'];
}

function bestRunOf(runs: readonly AnalysisRun[], score: number): BestConfigurationReport['bestRun'] {
  const rate = (r: AnalysisRun): number => (r.issues === 0 ? -1 : r.completedIssues / r.issues);
  const cost = (r: AnalysisRun): number => (r.unpricedRecords > 0 ? Number.POSITIVE_INFINITY : r.costUsd);
  const run = [...runs].sort(
    (a, b) => rate(b) - rate(a) || cost(a) - cost(b) || (a.durationMs ?? Infinity) - (b.durationMs ?? Infinity),
  )[0];
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
      knownCostUsd: run.unpricedRecords > 0 && run.unpricedRecords === run.tokenRecords ? null : run.costUsd,
      unpricedRecords: run.unpricedRecords,
      durationMs: run.durationMs,
    },
  };
}
