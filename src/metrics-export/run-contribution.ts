import type { RunReadModels, RunStatus } from '../../projections/run-projection.js';
import type { ToolUsageState } from '../../projections/tool-usage/tool-usage.js';
import { AGENT_BUCKETS, emptyBucketCounts, ISSUE_BUCKETS, observeMs, TOOL_CALL_BUCKETS, type BucketCounts } from './buckets.js';

export const ISSUE_OUTCOMES = ['completed', 'failed', 'skipped'] as const;
export type IssueOutcome = (typeof ISSUE_OUTCOMES)[number];
export const TOKEN_TYPES = ['input', 'output', 'cache_read', 'cache_write', 'reasoning'] as const;
export type TokenType = (typeof TOKEN_TYPES)[number];
export const TOOL_OUTCOMES = ['success', 'failure', 'abandoned'] as const;
export type ToolOutcome = (typeof TOOL_OUTCOMES)[number];

/**
 * What one run adds to the folder's metrics, keyed by raw label values (the label bounds are
 * applied to the folder's totals, not here). `model` is the run's configured model
 * (`config.llm.model`), the same grouping `compare --by llm.model` uses.
 */
export interface RunContribution {
  readonly model: string;
  readonly status: RunStatus;
  readonly issues: Readonly<Record<IssueOutcome, number>>;
  readonly tokens: Readonly<Record<TokenType, number>>;
  /** The known cost: priced records (and provider-reported costs) only, as every runledger total. */
  readonly costUsd: number;
  readonly toolCalls: ReadonlyMap<string, Readonly<Record<ToolOutcome, number>>>;
  readonly pipelines: ReadonlyMap<string, number>;
  readonly agentDurations: ReadonlyMap<string, BucketCounts>;
  readonly toolDurations: ReadonlyMap<string, BucketCounts>;
  readonly issueDurations: BucketCounts;
}

/**
 * A run's contribution from its read models, and from its tool-usage state for the individual
 * call durations (the read model keeps only their total, mean and p95).
 */
export function runContribution(models: RunReadModels, tools: ToolUsageState): RunContribution {
  const { run } = models;
  const issues = { completed: 0, failed: 0, skipped: 0 };
  const issueDurations = emptyBucketCounts(ISSUE_BUCKETS);
  for (const issue of models.issues) {
    if (issue.status === 'open' || issue.status === 'unfinished') continue;
    issues[issue.status] += 1;
    if (issue.durationMs !== null) observeMs(issueDurations, ISSUE_BUCKETS, issue.durationMs);
  }
  const agentDurations = new Map<string, BucketCounts>();
  for (const agent of models.agents) {
    if (agent.durationMs === null || (agent.status !== 'succeeded' && agent.status !== 'failed')) continue;
    observeMs(
      getOrAdd(agentDurations, agent.agentType, () => emptyBucketCounts(AGENT_BUCKETS)),
      AGENT_BUCKETS,
      agent.durationMs,
    );
  }
  const toolCalls = new Map<string, Record<ToolOutcome, number>>();
  const toolDurations = new Map<string, BucketCounts>();
  for (const tool of models.tools) {
    const durations = tools.tools.get(tool.tool)?.durationsMs ?? [];
    // Every ended call has a duration; failures are among them.
    toolCalls.set(tool.tool, { success: durations.length - tool.failures, failure: tool.failures, abandoned: tool.abandoned });
    const counts = emptyBucketCounts(TOOL_CALL_BUCKETS);
    for (const ms of durations) observeMs(counts, TOOL_CALL_BUCKETS, ms);
    toolDurations.set(tool.tool, counts);
  }
  const pipelines = new Map<string, number>();
  for (const pipeline of models.pipelines) pipelines.set(pipeline.status, (pipelines.get(pipeline.status) ?? 0) + 1);
  const t = run.tokens;
  return {
    model: run.config.llm.model,
    status: run.status,
    issues,
    tokens: {
      input: t.inputTokens,
      output: t.outputTokens,
      cache_read: t.cacheReadTokens,
      cache_write: t.cacheWriteTokens,
      reasoning: t.reasoningTokens,
    },
    costUsd: t.costUsd,
    toolCalls,
    pipelines,
    agentDurations,
    toolDurations,
    issueDurations,
  };
}

export function getOrAdd<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}
