import path from 'node:path';
import type { RepricedCost } from '../projections/analysis-input.js';
import { headerOf, rowsOf } from '../projections/tables/csv-table.js';
import { repricedCostsTable, type RepricedRun } from '../projections/tables/repriced-costs.js';
import { writeFileAtomic } from '../src/durable/atomic-file.js';
import { resolveLogsDir } from '../src/journal/paths.js';
import { encodeCsvRows, UTF8_BOM } from './csv-encoding.js';
import { loadAnalysisRuns } from './load-analysis-runs.js';

export interface RepricedCostsOptions {
  readonly dir?: string;
  /** Only these runs; default every run. */
  readonly runIds?: readonly string[];
  /** The override file; `undefined` reads RUNLEDGER_PRICES, `null` means none. */
  readonly prices?: string | null;
  /** The CSV file to write; default <dir>/repriced-costs.csv. */
  readonly out?: string;
}

export interface RepricedCostsReport {
  readonly file: string;
  readonly runs: number;
  /** The table and override file that priced the records now. */
  readonly table: RepricedCost['table'] | null;
  readonly recorded: { readonly knownCostUsd: number; readonly unpricedRecords: number };
  readonly current: { readonly knownCostUsd: number; readonly unpricedRecords: number };
}

/**
 * `replay --prices-as current`: every token record priced again with today's table and the
 * override file (replay/reprice.ts), written as one CSV beside the recorded figures. The journals
 * are only read and logs/csv keeps the recorded costs: the derived files must be the same bytes on
 * every replay, and today's prices are not (docs/DESIGN.md §6.4).
 */
export async function writeRepricedCosts(options: RepricedCostsOptions = {}): Promise<RepricedCostsReport> {
  const dir = resolveLogsDir(options.dir);
  const { runs } = await loadAnalysisRuns({ dir, pricesAs: 'current', prices: options.prices });
  const wanted = options.runIds && options.runIds.length > 0 ? new Set(options.runIds) : null;
  // Every run that has a journal is re-priced; one whose journal is gone keeps no `repriced` and is left out.
  const repriced = runs.filter((r): r is RepricedRun => r.repriced !== undefined && (wanted === null || wanted.has(r.runId)));
  const file = path.resolve(options.out ?? path.join(dir, repricedCostsTable.file));
  writeFileAtomic(file, UTF8_BOM + encodeCsvRows([headerOf(repricedCostsTable), ...rowsOf(repricedCostsTable, repriced)]));
  const sum = (pick: (r: RepricedRun) => number): number => repriced.reduce((s, r) => s + pick(r), 0);
  return {
    file,
    runs: repriced.length,
    table: repriced[0]?.repriced.table ?? null,
    recorded: { knownCostUsd: sum((r) => r.repriced.recorded.costUsd), unpricedRecords: sum((r) => r.repriced.recorded.unpricedRecords) },
    current: { knownCostUsd: sum((r) => r.costUsd), unpricedRecords: sum((r) => r.unpricedRecords) },
  };
}
