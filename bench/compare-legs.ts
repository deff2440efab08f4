import { compareConfigurations, type Comparison } from '../src/entries/analysis.js';
import { loadAnalysisRuns } from '../replay/index.js';
import type { DuckDbSession, ModelTotals } from './duckdb-compare.js';
import type { CollectorLegResult } from './leg.js';
import { elapsedMs } from './stats.js';

/**
 * What `runledger compare --by llm.model` does after parsing its arguments, in this process:
 * an incremental replay (nothing new here, so it only checks every journal for news), the
 * analyzer's inputs read from .replay/analysis-runs.ndjson, and the comparison with its Wilson
 * intervals, bootstraps (2000 resamples) and Fisher tests. Printing is left out.
 */
export async function runledgerCompareLeg(logsDir: string, lineBytes: number): Promise<CollectorLegResult & { totals: ModelTotals[] }> {
  const start = performance.now();
  const { runs } = await loadAnalysisRuns({ dir: logsDir });
  const comparison = compareConfigurations(runs, { by: ['llm.model'] });
  const ms = elapsedMs(start);
  return { lines: comparison.runs, ms, lineBytes, totals: totalsOf(comparison) };
}

/** The part of a comparison DuckDB's group-by also gives: per model, runs, issues, successes, cost. */
function totalsOf(comparison: Comparison): ModelTotals[] {
  return comparison.groups
    .map((g) => ({
      model: String(g.values['llm.model']),
      runs: g.runs,
      issues: g.issues,
      completedIssues: g.completedIssues,
      costUsd: (g.costPerRun?.estimate ?? 0) * g.pricedRuns,
    }))
    .sort((a, b) => (a.model < b.model ? -1 : a.model > b.model ? 1 : 0));
}

export async function duckDbCompareLeg(duckdb: DuckDbSession, lineBytes: number): Promise<CollectorLegResult & { totals: ModelTotals[] }> {
  const start = performance.now();
  const totals = await duckdb.modelTotals();
  const ms = elapsedMs(start);
  return { lines: totals.reduce((sum, t) => sum + t.runs, 0), ms, lineBytes, totals };
}

/** Both sides must have computed the same thing, or the comparison of their times means nothing. */
export function assertSameTotals(ours: readonly ModelTotals[], duckdb: readonly ModelTotals[]): void {
  const same =
    ours.length === duckdb.length &&
    ours.every((o, i) => {
      const d = duckdb[i]!;
      return (
        o.model === d.model &&
        o.runs === d.runs &&
        o.issues === d.issues &&
        o.completedIssues === d.completedIssues &&
        Math.abs(o.costUsd - d.costUsd) <= 1e-6 * Math.max(1, d.costUsd)
      );
    });
  if (!same)
    throw new Error(
      `runledger and DuckDB disagree on the per-model totals:\n  runledger ${JSON.stringify(ours)}\n  duckdb    ${JSON.stringify(duckdb)}`,
    );
}
