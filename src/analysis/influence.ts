import type { AnalysisRun } from '../../projections/analysis-input.js';
import { analysedRuns, compareConfigurations, groupRuns, type ConfigGroup } from './compare.js';
import { configKeysOf, configValue, valueIdentity } from './config-keys.js';
import { costPerSuccessfulIssue } from './group-stats.js';
import { bootstrapDifference, type BootstrapOptions, type Estimate } from './stats/bootstrap.js';
import { fisherExactTwoSided } from './stats/fisher.js';
import { newcombeDifference } from './stats/newcombe.js';
import type { Interval } from './stats/wilson.js';

export interface KeyInfluence {
  /** One key, or several that always vary together (confounded): their effects cannot be told apart. */
  readonly keys: readonly string[];
  readonly confounded: boolean;
  /** The key's levels, compared as `compare --by` would (ranked, with intervals). */
  readonly levels: readonly ConfigGroup[];
  /** Best minus worst level by issue success rate (Newcombe interval, Fisher p); among levels with enough data when two have. */
  readonly successEffect: { readonly best: string; readonly worst: string; readonly difference: Interval | null; readonly fisherP: number } | null;
  /** Dearest minus cheapest level by cost per successful issue (bootstrap over runs). */
  readonly costEffect: { readonly cheapest: string; readonly dearest: string; readonly difference: Estimate | null } | null;
}

export interface InfluenceReport {
  readonly runs: number;
  /** Sorted by the size of the success effect, largest first. */
  readonly keys: readonly KeyInfluence[];
  /** Keys with the same value in every run: nothing can be said about them. */
  readonly constantKeys: readonly string[];
}

/**
 * Which configuration keys matter: for every key that varies across runs, its levels with
 * intervals and the size of its effect on success and on cost. Keys that always vary together
 * (each value of one goes with exactly one value of the other) are reported as one confounded set.
 */
export function parameterInfluence(allRuns: readonly AnalysisRun[], bootstrap: BootstrapOptions = {}): InfluenceReport {
  const runs = analysedRuns(allRuns);
  const { varying, constant: constantKeys } = configKeysOf(runs);

  const influences = confoundedSets(runs, varying).map((set) => influenceOf(runs, set, bootstrap));
  influences.sort((a, b) => Math.abs(b.successEffect?.difference?.estimate ?? 0) - Math.abs(a.successEffect?.difference?.estimate ?? 0) || (a.keys[0]! < b.keys[0]! ? -1 : 1));
  return { runs: runs.length, keys: influences, constantKeys };
}

function influenceOf(runs: readonly AnalysisRun[], keys: readonly string[], bootstrap: BootstrapOptions): KeyInfluence {
  const levels = compareConfigurations(runs, { by: keys, ...bootstrap }).groups;
  const sufficient = levels.filter((l) => l.insufficientSample === null && l.issueSuccessRate !== null);
  const candidates = sufficient.length >= 2 ? sufficient : levels.filter((l) => l.issueSuccessRate !== null);
  let successEffect: KeyInfluence['successEffect'] = null;
  if (candidates.length >= 2) {
    const byRate = [...candidates].sort((a, b) => b.issueSuccessRate!.estimate - a.issueSuccessRate!.estimate);
    const best = byRate[0]!;
    const worst = byRate[byRate.length - 1]!;
    successEffect = {
      best: best.label,
      worst: worst.label,
      difference: newcombeDifference(best.completedIssues, best.issues, worst.completedIssues, worst.issues),
      fisherP: fisherExactTwoSided(best.completedIssues, best.issues - best.completedIssues, worst.completedIssues, worst.issues - worst.completedIssues),
    };
  }
  const priced = levels.filter((l) => l.costPerSuccessfulIssue !== null);
  let costEffect: KeyInfluence['costEffect'] = null;
  if (priced.length >= 2) {
    const byCost = [...priced].sort((a, b) => a.costPerSuccessfulIssue!.estimate - b.costPerSuccessfulIssue!.estimate);
    const cheapest = byCost[0]!;
    const dearest = byCost[byCost.length - 1]!;
    const grouped = groupRuns(runs, keys);
    const runsOf = (group: ConfigGroup): AnalysisRun[] => grouped.find((g) => g.identity === group.identity)!.runs.filter((r) => r.unpricedRecords === 0);
    costEffect = {
      cheapest: cheapest.label,
      dearest: dearest.label,
      difference: bootstrapDifference(runsOf(dearest), runsOf(cheapest), costPerSuccessfulIssue, bootstrap),
    };
  }
  return { keys, confounded: keys.length > 1, levels, successEffect, costEffect };
}

/**
 * Groups keys that split the runs into the same partition: for such keys, the number of distinct
 * (value of A, value of B) pairs equals the number of distinct values of each.
 */
function confoundedSets(runs: readonly AnalysisRun[], keys: readonly string[]): string[][] {
  const partition = (key: string): string[] => runs.map((r) => valueIdentity(configValue(r.config, key)));
  const sets: string[][] = [];
  for (const key of keys) {
    const mine = partition(key);
    const home = sets.find((set) => samePartition(mine, partition(set[0]!)));
    if (home) home.push(key);
    else sets.push([key]);
  }
  return sets;
}

function samePartition(a: readonly string[], b: readonly string[]): boolean {
  const pairs = new Set(a.map((x, i) => `${x}\u0000${b[i]}`));
  return pairs.size === new Set(a).size && pairs.size === new Set(b).size;
}
