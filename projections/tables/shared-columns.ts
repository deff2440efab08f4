import { knownCost, type TokenTotals } from '../shared/token-totals.js';
import type { Column } from './csv-table.js';

/** Every token kind and the cost, for runs, issues and agents. */
export function tokenColumns<T>(tokensOf: (row: T) => TokenTotals): Column<T>[] {
  return [
    { header: 'input_tokens', value: (r) => tokensOf(r).inputTokens },
    { header: 'output_tokens', value: (r) => tokensOf(r).outputTokens },
    { header: 'cache_read_tokens', value: (r) => tokensOf(r).cacheReadTokens },
    { header: 'cache_write_tokens', value: (r) => tokensOf(r).cacheWriteTokens },
    { header: 'reasoning_tokens', value: (r) => tokensOf(r).reasoningTokens },
    // The sum over priced records, a lower bound when unpriced_token_records > 0; empty when no record is priced.
    { header: 'cost_usd', value: (r) => knownCost(tokensOf(r)) },
    { header: 'unpriced_token_records', value: (r) => tokensOf(r).unpricedRecords },
    { header: 'unpriced_tokens', value: (r) => tokensOf(r).unpricedTokens },
    // cost_usd takes a provider-reported cost over the computed one; the difference is kept apart.
    { header: 'reported_cost_records', value: (r) => tokensOf(r).reportedRecords },
    {
      header: 'reported_minus_computed_usd',
      value: (r) => (tokensOf(r).reportedRecords === 0 ? null : tokensOf(r).reportedMinusComputedUsd),
    },
  ];
}

interface Activity {
  readonly toolCalls: number;
  readonly toolFailures: number;
  readonly pipelines: number;
  readonly pipelineFailures: number;
  readonly debuggingCycles: number;
  readonly errors: number;
}

/** Tool calls, pipelines, debugging cycles and errors, counted alike for runs and issues. */
export function activityColumns<T extends Activity>(): Column<T>[] {
  return [
    { header: 'tool_calls', value: (r) => r.toolCalls },
    { header: 'tool_failures', value: (r) => r.toolFailures },
    { header: 'pipelines', value: (r) => r.pipelines },
    { header: 'pipeline_failures', value: (r) => r.pipelineFailures },
    { header: 'debugging_cycles', value: (r) => r.debuggingCycles },
    { header: 'errors', value: (r) => r.errors },
  ];
}
