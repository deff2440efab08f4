import type { AnalysisRun } from '../../projections/analysis-input.js';
import { compareConfigurations } from './compare.js';
import type { BootstrapOptions, Estimate } from './stats/bootstrap.js';
import { assertAnalysisOptions } from './options.js';

export interface CostEfficiencyGroup {
  readonly label: string;
  /** Bootstrap over the group's fully priced runs. null: no priced run with a successful issue. */
  readonly costPerSuccessfulIssue: Estimate | null;
  readonly successfulIssues: number;
  readonly pricedRuns: number;
  readonly unpricedRuns: readonly string[];
  readonly insufficientSample: string | null;
}

export interface CostEfficiencyReport {
  readonly by: readonly string[];
  /** Cheapest first; groups without a cost, then groups with too little data, last. */
  readonly groups: readonly CostEfficiencyGroup[];
  readonly mostEfficient: readonly string[];
  readonly leastEfficient: readonly string[];
  /** Runs left out of every cost figure because some of their tokens have no price, with the models. */
  readonly unpricedRuns: ReadonlyArray<{ readonly runId: string; readonly models: readonly string[] }>;
}

/** The v2 metrics system's cost efficiency, honestly: cost per successful issue with intervals; unpriced runs apart and named. */
export function costEfficiency(
  runs: readonly AnalysisRun[],
  options: BootstrapOptions & { by?: readonly string[] } = {},
): CostEfficiencyReport {
  assertAnalysisOptions('costEfficiency', options, ['by']);
  const by = options.by ?? ['llm.model'];
  const comparison = compareConfigurations(runs, { ...options, by, metric: 'cost' });
  const groups = comparison.groups.map((g) => ({
    label: g.label,
    costPerSuccessfulIssue: g.costPerSuccessfulIssue,
    successfulIssues: g.completedIssues,
    pricedRuns: g.pricedRuns,
    unpricedRuns: g.unpricedRuns,
    insufficientSample: g.insufficientSample,
  }));
  // Groups with too little data go last and are never named most or least efficient.
  groups.sort(
    (a, b) =>
      Number(a.insufficientSample !== null) - Number(b.insufficientSample !== null) ||
      (a.costPerSuccessfulIssue?.estimate ?? Number.POSITIVE_INFINITY) - (b.costPerSuccessfulIssue?.estimate ?? Number.POSITIVE_INFINITY),
  );
  const costed = groups.filter((g) => g.costPerSuccessfulIssue !== null && g.insufficientSample === null);
  const count = Math.min(3, Math.floor(costed.length / 2) || costed.length);
  return {
    by,
    groups,
    mostEfficient: costed.slice(0, count).map((g) => g.label),
    leastEfficient:
      costed.length < 2
        ? []
        : costed
            .slice(-count)
            .reverse()
            .map((g) => g.label),
    unpricedRuns: runs
      .filter((r) => r.unpricedRecords > 0 && r.status !== 'running')
      .map((r) => ({ runId: r.runId, models: r.unpricedModels })),
  };
}
