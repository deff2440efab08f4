import { DEFAULT_BOOTSTRAP_RESAMPLES, DEFAULT_BOOTSTRAP_SEED, type BootstrapOptions } from './stats/bootstrap.js';
import type { JsonValue } from '../../events/config.js';
import type { AnalysisRun } from '../../projections/analysis-input.js';
import { AnalysisInputError } from '../errors.js';
import { configValue, formatValue, valueIdentity } from './config-keys.js';
import { groupStats, MIN_ISSUES, MIN_RUNS, type GroupStats } from './group-stats.js';
import { assertAnalysisOptions } from './options.js';
import { holmAdjust } from './stats/holm.js';
import { versusBaseline, type VersusBaseline } from './versus-baseline.js';

export type RankMetric = 'success' | 'cost' | 'duration' | 'first-time-right';
export const RANK_METRICS: readonly RankMetric[] = ['success', 'cost', 'duration', 'first-time-right'];

export interface CompareOptions extends BootstrapOptions {
  /** Config keys to group by, dotted: ["llm.model"], ["llm.model", "llm.temperature"]. */
  readonly by: readonly string[];
  /** The baseline group's label (as printed); default: the group with the most issues. */
  readonly baseline?: string;
  /** What ranks the groups; default "success" (the lower end of the success interval). */
  readonly metric?: RankMetric;
}

export type { VersusBaseline } from './versus-baseline.js';

export interface ConfigGroup extends GroupStats {
  /** The values of the compared keys, e.g. "deepseek-chat, 0.7". */
  readonly label: string;
  /** The group's unique key (JSON of its values), for lookups; labels are for people. */
  readonly identity: string;
  readonly values: Readonly<Record<string, JsonValue>>;
  readonly isBaseline: boolean;
  /** null for the baseline itself. */
  readonly versusBaseline: VersusBaseline | null;
  /** 1 = best by the metric; groups with an insufficient sample rank after every other. */
  readonly rank: number;
}

export interface Comparison {
  readonly by: readonly string[];
  readonly metric: RankMetric;
  readonly baseline: string | null;
  readonly runs: number;
  readonly groups: readonly ConfigGroup[];
  readonly settings: {
    readonly level: 0.95;
    readonly resamples: number;
    readonly seed: number;
    readonly minIssues: number;
    readonly minRuns: number;
  };
}

/** The runs an analysis uses: every run but those still running (their counts are not final). */
export function analysedRuns(runs: readonly AnalysisRun[]): AnalysisRun[] {
  return runs.filter((r) => r.status !== 'running');
}

export interface RunGroup {
  readonly identity: string;
  readonly label: string;
  readonly values: Record<string, JsonValue>;
  readonly runs: AnalysisRun[];
}

export function groupRuns(runs: readonly AnalysisRun[], by: readonly string[]): RunGroup[] {
  const groups = new Map<string, RunGroup>();
  for (const run of runs) {
    const values = by.map((key) => configValue(run.config, key));
    const identity = values.map(valueIdentity).join('\u0000');
    let group = groups.get(identity);
    if (!group) {
      group = {
        identity,
        label: values.map(formatValue).join(', '),
        values: Object.fromEntries(by.map((key, i) => [key, values[i]!])),
        runs: [],
      };
      groups.set(identity, group);
    }
    group.runs.push(run);
  }
  return [...groups.values()].sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
}

/**
 * Compares the configurations the runs were recorded with, grouped by `by`: per group the issue
 * success rate with an interval that takes the run as the unit, the mean run success rate and the
 * cost per successful issue with intervals over runs, and against a baseline group the difference
 * in success rate by the test the design allows (versus-baseline.ts), Holm-adjusted across groups,
 * with what it would take to tell a difference that was not found.
 */
export function compareConfigurations(allRuns: readonly AnalysisRun[], options: CompareOptions): Comparison {
  assertAnalysisOptions('compareConfigurations', options, ['by', 'baseline', 'metric']);
  if (options.by.length === 0) throw new AnalysisInputError('compare needs at least one config key to group by, e.g. llm.model');
  const runs = analysedRuns(allRuns);
  const bootstrap = { resamples: options.resamples ?? DEFAULT_BOOTSTRAP_RESAMPLES, seed: options.seed ?? DEFAULT_BOOTSTRAP_SEED };
  const metric = options.metric ?? 'success';
  const groups = groupRuns(runs, options.by).map((g) => ({ ...g, stats: groupStats(g.runs, bootstrap) }));

  let baseline = groups.reduce<(typeof groups)[number] | null>(
    (best, g) => (best === null || g.stats.issues > best.stats.issues ? g : best),
    null,
  );
  if (options.baseline !== undefined) {
    const matching = groups.filter((g) => g.label === options.baseline);
    baseline = matching[0] ?? null;
    if (matching.length > 1)
      throw new AnalysisInputError(
        `--baseline ${JSON.stringify(options.baseline)} names ${matching.length} groups; this should not happen, please report it`,
      );
    if (!baseline) {
      throw new AnalysisInputError(
        `--baseline ${JSON.stringify(options.baseline)} is not one of the groups: ${groups.map((g) => JSON.stringify(g.label)).join(', ') || '(no runs)'}`,
      );
    }
  }

  const versus = groups.map((g) => (!baseline || g === baseline ? null : versusBaseline(g.runs, baseline.runs)));
  const holm = holmAdjust(versus.map((v) => v?.p ?? null));
  const ranked = rankGroups(
    groups.map((g) => g.stats),
    metric,
  );

  return {
    by: [...options.by],
    metric,
    baseline: baseline?.label ?? null,
    runs: runs.length,
    groups: groups
      .map((g, i) => ({
        label: g.label,
        identity: g.identity,
        values: g.values,
        ...g.stats,
        isBaseline: g === baseline,
        versusBaseline: versus[i] ? ({ ...versus[i], holmP: holm[i] ?? null } satisfies VersusBaseline) : null,
        rank: ranked[i]!,
      }))
      .sort((a, b) => a.rank - b.rank),
    settings: { level: 0.95, resamples: bootstrap.resamples, seed: bootstrap.seed, minIssues: MIN_ISSUES, minRuns: MIN_RUNS },
  };
}

/**
 * Ranks by the metric, the groups with a sufficient sample first. Success ranks by the lower end of
 * its interval (a lucky 1 of 1 never wins); ties go to the cheaper group.
 */
function rankGroups(stats: readonly GroupStats[], metric: RankMetric): number[] {
  const cost = (s: GroupStats): number => s.costPerSuccessfulIssue?.estimate ?? Number.POSITIVE_INFINITY;
  const key = (s: GroupStats): number => {
    switch (metric) {
      case 'success':
        return -(s.issueSuccessRate?.low ?? -1);
      case 'first-time-right':
        return -(s.firstTimeRightRate?.low ?? -1);
      case 'cost':
        return cost(s);
      case 'duration':
        return s.medianDurationMs ?? Number.POSITIVE_INFINITY;
    }
  };
  const order = stats
    .map((s, i) => ({ s, i }))
    .sort(
      (x, y) =>
        Number(x.s.insufficientSample !== null) - Number(y.s.insufficientSample !== null) ||
        key(x.s) - key(y.s) ||
        cost(x.s) - cost(y.s) ||
        x.i - y.i,
    );
  const ranks = new Array<number>(stats.length);
  order.forEach(({ i }, position) => (ranks[i] = position + 1));
  return ranks;
}

/** The original metrics API's three comparisons: models, temperatures, retries. */
export const compareLlmModels = (runs: readonly AnalysisRun[], options: Omit<CompareOptions, 'by'> = {}): Comparison =>
  compareConfigurations(runs, { ...options, by: ['llm.model'] });
export const compareTemperatures = (runs: readonly AnalysisRun[], options: Omit<CompareOptions, 'by'> = {}): Comparison =>
  compareConfigurations(runs, { ...options, by: ['llm.temperature'] });
export const compareMaxRetries = (runs: readonly AnalysisRun[], options: Omit<CompareOptions, 'by'> = {}): Comparison =>
  compareConfigurations(runs, { ...options, by: ['maxRetries'] });
