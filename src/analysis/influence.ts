import type { AnalysisRun } from '../../projections/analysis-input.js';
import { analysedRuns, compareConfigurations, groupRuns, type ConfigGroup } from './compare.js';
import { configKeysOf, configValue, valueIdentity } from './config-keys.js';
import { jointModel, levelOf, type KeyEffects, type KeyTest, type LevelEffect } from './joint-model.js';
import type { BootstrapOptions } from './stats/bootstrap.js';
import { assertAnalysisOptions } from './options.js';
import { clusterRatio } from './stats/cluster-ratio.js';
import { ratioTDifference } from './stats/cluster-t.js';
import { cramersV } from './stats/cramers-v.js';
import { holmAdjust } from './stats/holm.js';
import { ALPHA } from './stats/power.js';
import type { Interval } from './stats/wilson.js';

/** Above this Cramér's V between two keys' levels across runs, their effects are hard to tell apart: reported as partly confounded. */
export const PARTIAL_CONFOUNDING_V = 0.3;

export interface KeyInfluence {
  /** One key, or several that always vary together (fully confounded): their effects cannot be told apart. */
  readonly keys: readonly string[];
  readonly confounded: boolean;
  /** The key's levels, compared as `compare --by` would (each level pooled over the other keys). */
  readonly levels: readonly ConfigGroup[];
  /** From the joint model of all keys: the reference level and each other level's effect on success against it. */
  readonly reference: string | null;
  readonly effects: readonly LevelEffect[];
  /** Nested-model F test of "no effect on success" given the other keys; null when too few runs. */
  readonly test: (KeyTest & { readonly holmP: number | null }) | null;
  /** holmP < 0.05. */
  readonly significant: boolean;
  /** Other keys whose levels go together with this key's across runs (Cramér's V > 0.3): effects adjusted, but less certain. */
  readonly partlyConfoundedWith: ReadonlyArray<{ readonly keys: readonly string[]; readonly cramersV: number }>;
  /** Dearest minus cheapest level by cost per successful issue (cluster t on the ratio; no interval below 2 runs each). */
  readonly costEffect: {
    readonly cheapest: string;
    readonly dearest: string;
    readonly difference: Interval | null;
    readonly estimate: number;
  } | null;
}

export interface InfluenceReport {
  readonly runs: number;
  /** Significant keys first, then by p. */
  readonly keys: readonly KeyInfluence[];
  /** Keys with the same value in every run: nothing can be said about them. */
  readonly constantKeys: readonly string[];
}

/**
 * Which configuration keys matter: every key that varies across runs, estimated jointly
 * (joint-model.ts), with an F test per key, Holm's adjustment across keys, the keys that partly go
 * together flagged, and each key's levels and cost effect. Keys that always vary together (each
 * value of one goes with exactly one value of the other) are one set.
 */
export function parameterInfluence(allRuns: readonly AnalysisRun[], bootstrap: BootstrapOptions = {}): InfluenceReport {
  assertAnalysisOptions('parameterInfluence', bootstrap);
  const runs = analysedRuns(allRuns);
  const { varying, constant: constantKeys } = configKeysOf(runs);
  const sets = confoundedSets(runs, varying);
  const model = jointModel(runs, sets);
  const holm = holmAdjust(model.map((m) => m.test?.p ?? null));
  const influences = sets.map((keys, i) => influenceOf(runs, keys, sets, model[i] ?? null, holm[i] ?? null, bootstrap));
  influences.sort((a, b) => (a.test?.holmP ?? 2) - (b.test?.holmP ?? 2) || (a.keys[0]! < b.keys[0]! ? -1 : 1));
  return { runs: runs.length, keys: influences, constantKeys };
}

function influenceOf(
  runs: readonly AnalysisRun[],
  keys: readonly string[],
  sets: readonly (readonly string[])[],
  model: KeyEffects | null,
  holmP: number | null,
  bootstrap: BootstrapOptions,
): KeyInfluence {
  const levels = compareConfigurations(runs, { by: keys, ...bootstrap }).groups;
  const test = model?.test ? { ...model.test, holmP } : null;
  const levelsOfSet = (set: readonly string[]): string[] => runs.map((r) => levelOf(r, set).identity);
  const mine = levelsOfSet(keys);
  const partlyConfoundedWith = sets
    .filter((other) => other !== keys)
    .map((other) => ({ keys: other, cramersV: cramersV(mine, levelsOfSet(other)) }))
    .filter((o) => o.cramersV > PARTIAL_CONFOUNDING_V);
  return {
    keys,
    confounded: keys.length > 1,
    levels,
    reference: model?.reference ?? null,
    effects: model?.effects ?? [],
    test,
    significant: holmP !== null && holmP < ALPHA,
    partlyConfoundedWith,
    costEffect: costEffectOf(runs, keys, levels),
  };
}

function costEffectOf(runs: readonly AnalysisRun[], keys: readonly string[], levels: readonly ConfigGroup[]): KeyInfluence['costEffect'] {
  const priced = levels.filter((l) => l.costPerSuccessfulIssue !== null);
  if (priced.length < 2) return null;
  const byCost = [...priced].sort((a, b) => a.costPerSuccessfulIssue!.estimate - b.costPerSuccessfulIssue!.estimate);
  const cheapest = byCost[0]!;
  const dearest = byCost[byCost.length - 1]!;
  const grouped = groupRuns(runs, keys);
  const ratioOf = (group: ConfigGroup) => {
    const pricedRuns = grouped.find((g) => g.identity === group.identity)!.runs.filter((r) => r.unpricedRecords === 0);
    return clusterRatio(
      pricedRuns.map((r) => r.costUsd),
      pricedRuns.map((r) => r.completedIssues),
    );
  };
  const test = ratioTDifference(ratioOf(dearest), ratioOf(cheapest));
  const estimate = dearest.costPerSuccessfulIssue!.estimate - cheapest.costPerSuccessfulIssue!.estimate;
  return {
    cheapest: cheapest.label,
    dearest: dearest.label,
    estimate,
    difference: test ? { estimate: test.estimate, low: test.low, high: test.high } : null,
  };
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
