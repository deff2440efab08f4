import type { AnalysisRun } from '../analysis-input.js';
import { knownCost } from '../shared/token-totals.js';
import type { Table } from './csv-table.js';

/** A run re-priced with today's table (replay/reprice.ts): `repriced` holds the figures as recorded. */
export type RepricedRun = AnalysisRun & { readonly repriced: NonNullable<AnalysisRun['repriced']> };

const recordedCost = (r: RepricedRun): number | null =>
  knownCost({ costUsd: r.repriced.recorded.costUsd, tokenRecords: r.tokenRecords, unpricedRecords: r.repriced.recorded.unpricedRecords });
const currentCost = (r: RepricedRun): number | null => knownCost(r);

/**
 * The output of `runledger replay --prices-as current`: each run's cost as recorded beside its cost
 * with today's table and override file, and that table. Not one of the seven tables: those are
 * derived files, the same bytes on every replay (docs/DESIGN.md §6.4), while these figures change
 * with the price table, the override file and, for date variants, the day.
 */
export const repricedCostsTable: Table<RepricedRun> = {
  file: 'repriced-costs.csv',
  columns: [
    { header: 'run_id', value: (r) => r.runId },
    { header: 'project_id', value: (r) => r.projectId },
    { header: 'status', value: (r) => r.status },
    { header: 'started_at', value: (r) => r.startedAt },
    { header: 'llm_provider', value: (r) => r.config.llm.provider },
    { header: 'llm_model', value: (r) => r.config.llm.model },
    { header: 'token_records', value: (r) => r.tokenRecords },
    // As runs.csv: the known part (a lower bound with unpriced records), empty when nothing is priced.
    { header: 'recorded_cost_usd', value: recordedCost },
    { header: 'recorded_unpriced_token_records', value: (r) => r.repriced.recorded.unpricedRecords },
    { header: 'recorded_unpriced_tokens', value: (r) => r.repriced.recorded.unpricedTokens },
    { header: 'current_cost_usd', value: currentCost },
    { header: 'current_unpriced_token_records', value: (r) => r.unpricedRecords },
    { header: 'current_unpriced_tokens', value: (r) => r.unpricedTokens },
    { header: 'current_unpriced_models', value: (r) => r.unpricedModels.join(';') },
    {
      header: 'current_minus_recorded_usd',
      value: (r) => {
        const [now, then] = [currentCost(r), recordedCost(r)];
        return now === null || then === null ? null : now - then;
      },
    },
    { header: 'price_package', value: (r) => r.repriced.table.package },
    { header: 'price_table_version', value: (r) => r.repriced.table.version },
    { header: 'price_override_file', value: (r) => r.repriced.table.overrideFile },
    { header: 'price_override_sha256', value: (r) => r.repriced.table.overrideSha256 },
  ],
};
