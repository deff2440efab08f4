import type { RunStatus } from '../../projections/run-projection.js';
import { addBucketCounts, AGENT_BUCKETS, emptyBucketCounts, ISSUE_BUCKETS, TOOL_CALL_BUCKETS, type BucketCounts } from './buckets.js';
import { getOrAdd, type IssueOutcome, type RunContribution, type TokenType, type ToolOutcome } from './run-contribution.js';

export const RUN_STATUSES: readonly RunStatus[] = ['running', 'completed', 'failed', 'interrupted', 'crashed'];

/** The folder's totals by raw label value: the sum of its runs' contributions. */
export interface FolderTotals {
  readonly runs: Map<string, Record<RunStatus, number>>;
  readonly issues: Map<string, Record<IssueOutcome, number>>;
  readonly tokens: Map<string, Record<TokenType, number>>;
  readonly costUsd: Map<string, number>;
  readonly toolCalls: Map<string, Record<ToolOutcome, number>>;
  readonly pipelines: Map<string, number>;
  readonly agentDurations: Map<string, BucketCounts>;
  readonly toolDurations: Map<string, BucketCounts>;
  readonly issueDurations: BucketCounts;
}

/**
 * Sums contributions in the order given. The caller gives them in run-id order, so that the same
 * folder always gives the same floating-point sums (a restart shows the very values it showed).
 */
export function sumContributions(contributions: Iterable<RunContribution>): FolderTotals {
  const totals: FolderTotals = {
    runs: new Map(),
    issues: new Map(),
    tokens: new Map(),
    costUsd: new Map(),
    toolCalls: new Map(),
    pipelines: new Map(),
    agentDurations: new Map(),
    toolDurations: new Map(),
    issueDurations: emptyBucketCounts(ISSUE_BUCKETS),
  };
  for (const c of contributions) {
    getOrAdd(totals.runs, c.model, () => zeros(RUN_STATUSES))[c.status] += 1;
    addRecord(
      getOrAdd(totals.issues, c.model, () => ({ completed: 0, failed: 0, skipped: 0 })),
      c.issues,
    );
    addRecord(
      getOrAdd(totals.tokens, c.model, () => ({ input: 0, output: 0, cache_read: 0, cache_write: 0, reasoning: 0 })),
      c.tokens,
    );
    totals.costUsd.set(c.model, (totals.costUsd.get(c.model) ?? 0) + c.costUsd);
    for (const [tool, calls] of c.toolCalls)
      addRecord(
        getOrAdd(totals.toolCalls, tool, () => ({ success: 0, failure: 0, abandoned: 0 })),
        calls,
      );
    for (const [status, n] of c.pipelines) totals.pipelines.set(status, (totals.pipelines.get(status) ?? 0) + n);
    for (const [type, counts] of c.agentDurations)
      addBucketCounts(
        getOrAdd(totals.agentDurations, type, () => emptyBucketCounts(AGENT_BUCKETS)),
        counts,
      );
    for (const [tool, counts] of c.toolDurations)
      addBucketCounts(
        getOrAdd(totals.toolDurations, tool, () => emptyBucketCounts(TOOL_CALL_BUCKETS)),
        counts,
      );
    addBucketCounts(totals.issueDurations, c.issueDurations);
  }
  return totals;
}

function zeros<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

function addRecord<K extends string>(into: Record<K, number>, from: Readonly<Record<K, number>>): void {
  for (const key of Object.keys(from) as K[]) into[key] += from[key];
}
