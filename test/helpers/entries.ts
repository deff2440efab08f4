/**
 * Journal entries built directly for projection specs, in Emmett's given events -> when -> then
 * style:
 *
 *   const models = given(runStarted(), issueStarted(1), issueFinished(1, 'completed')).when({ writerAlive: false });
 *
 * Every event's data is checked against its zod schema (so a spec never folds an event the journal
 * would refuse); seq counts from 1, ts ticks one second per event from T0 unless `at()` pins it,
 * prev and hash are placeholders (projections never read them).
 */
import { GENESIS_HASH, SCHEMA_VERSION, type RunEntry } from '../../src/journal/envelope.js';
import type { IssueId } from '../../events/fields.js';
import { validateEventData, type EventData, type EventType } from '../../events/registry.js';
import type { CodeMetrics, IssueStatus } from '../../events/work.js';
import { NO_CODE_METRICS } from '../../src/import/patch-stats.js';
import {
  evolveRunProjection,
  initialRunProjection,
  runReadModels,
  type JournalFacts,
  type RunProjectionState,
  type RunReadModels,
} from '../../projections/run-projection.js';

export const RUN_ID = 'run-spec';
export const T0 = '2025-03-01T10:00:00.000Z';
const PLACEHOLDER_HASH = 'f'.repeat(64);

/** One event before it is placed in a journal: its type, its data and, optionally, a pinned time. */
export type GivenEvent = { [T in EventType]: { readonly type: T; readonly data: EventData<T>; readonly ts?: string } }[EventType];

function event<T extends EventType>(type: T, data: EventData<T>): GivenEvent {
  return { type, data: validateEventData(type, data) } as GivenEvent;
}

/** The event recorded at `ts` instead of the default tick. */
export function at(ts: string, e: GivenEvent): GivenEvent {
  return { ...e, ts };
}

/** `seconds` after T0, as the journal writes times. */
export function t(seconds: number): string {
  return new Date(Date.parse(T0) + seconds * 1000).toISOString();
}

/** Journal entries for the events: seq 1..n, one second apart from T0 (or as pinned). */
export function entriesOf(events: readonly GivenEvent[], runId = RUN_ID): RunEntry[] {
  return events.map((e, i) => ({
    v: SCHEMA_VERSION,
    seq: i + 1,
    ts: e.ts ?? t(i),
    runId,
    type: e.type,
    data: e.data,
    prev: i === 0 ? GENESIS_HASH : PLACEHOLDER_HASH,
    hash: PLACEHOLDER_HASH,
  })) as RunEntry[];
}

export interface Given {
  readonly entries: readonly RunEntry[];
  /** When: the entries folded into a fresh run projection. */
  state(): RunProjectionState;
  /** When: the entries folded by one projection of our choice. */
  foldWith<S>(initial: () => S, evolve: (state: S, entry: RunEntry) => S): S;
  /** When: folded and turned into read models under these journal facts (default: no live writer). */
  when(facts?: Partial<JournalFacts>): RunReadModels;
}

export function given(...events: GivenEvent[]): Given {
  const entries = entriesOf(events);
  const foldWith = <S>(initial: () => S, evolve: (state: S, entry: RunEntry) => S): S => entries.reduce(evolve, initial());
  return {
    entries,
    state: () => foldWith(initialRunProjection, evolveRunProjection),
    foldWith,
    when: (facts = {}) => {
      const models = runReadModels(foldWith(initialRunProjection, evolveRunProjection), {
        writerAlive: false,
        bytes: 0,
        tornTail: null,
        ...facts,
      });
      if (models === null) throw new Error('runReadModels gave null: the given events hold no RunStarted');
      return models;
    },
  };
}

// ---- The vocabulary with test defaults -------------------------------------------------------

const HOST = { hostname: 'spec-host', pid: 4242, platform: 'linux', nodeVersion: 'v20.0.0' };
export const SPEC_CONFIG = { llm: { provider: 'deepseek', model: 'deepseek-chat', temperature: 0.7 }, maxRetries: 3 };

export function runStarted(options: { config?: EventData<'RunStarted'>['config']; runId?: string; projectId?: string } = {}): GivenEvent {
  return event('RunStarted', {
    projectId: options.projectId ?? 'spec-project',
    runId: options.runId ?? RUN_ID,
    config: options.config ?? SPEC_CONFIG,
    runledgerVersion: '0.1.0',
    priceTable: { package: '@pydantic/genai-prices', version: '0.1.8', overrideFile: null, overrideSha256: null },
    host: HOST,
    lockStaleMs: 10_000,
  });
}

export function runFinished(
  status: EventData<'RunFinished'>['status'],
  options: { reason?: string; durationMs?: number | null } = {},
): GivenEvent {
  return event('RunFinished', {
    status,
    durationMs: options.durationMs === undefined ? null : options.durationMs,
    reason: options.reason ?? null,
  });
}

export function runResumed(options: { afterSeq?: number; abandonedAgents?: string[]; abandonedToolCalls?: string[] } = {}): GivenEvent {
  return event('RunResumed', {
    host: HOST,
    lockStaleMs: 10_000,
    afterSeq: options.afterSeq ?? 0,
    abandonedAgents: options.abandonedAgents ?? [],
    abandonedToolCalls: options.abandonedToolCalls ?? [],
  });
}

export function tailQuarantined(offset = 100, bytes = 10): GivenEvent {
  return event('TailQuarantined', { offset, bytes, file: `tail_${offset}.bin`, sha256: 'a'.repeat(64), reason: 'torn tail' });
}

export function issueStarted(issueId: IssueId, options: { title?: string; labels?: string[] } = {}): GivenEvent {
  return event('IssueStarted', { issueId, title: options.title ?? null, labels: options.labels ?? [] });
}

export function issueFinished(
  issueId: IssueId,
  status: IssueStatus,
  code: Partial<CodeMetrics> = {},
  durationMs: number | null = null,
): GivenEvent {
  return event('IssueFinished', {
    issueId,
    status,
    code: { ...NO_CODE_METRICS, ...code },
    durationMs,
  });
}

export function agentStarted(agentId: string, agentType: string, issueId: IssueId | null, attempt = 1): GivenEvent {
  return event('AgentStarted', { agentId, agentType, issueId, attempt });
}

export function agentFinished(
  agentId: string,
  agentType: string,
  issueId: IssueId | null,
  success: boolean,
  options: { durationMs?: number; error?: string } = {},
): GivenEvent {
  return event('AgentFinished', {
    agentId,
    agentType,
    issueId,
    success,
    durationMs: options.durationMs ?? 1000,
    error: options.error ?? null,
  });
}

export function toolCallStarted(callId: string, tool: string, issueId: IssueId | null = null, agentId: string | null = null): GivenEvent {
  return event('ToolCallStarted', { callId, tool, issueId, agentId });
}

export function toolCallEnded(callId: string, tool: string, success: boolean, durationMs = 100, error: string | null = null): GivenEvent {
  return event('ToolCallEnded', { callId, tool, success, durationMs, error });
}

export interface TokensOptions {
  readonly model?: string;
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  readonly cacheReadTokens?: number;
  readonly cacheWriteTokens?: number;
  readonly reasoningTokens?: number;
  /** The priced cost in USD, or null for a model without a price. Default: priced at 0.01. */
  readonly costUsd?: number | null;
  readonly issueId?: IssueId | null;
  readonly agentId?: string | null;
}

export function tokensUsed(options: TokensOptions = {}): GivenEvent {
  const costUsd = options.costUsd === undefined ? 0.01 : options.costUsd;
  const model = options.model ?? 'deepseek-chat';
  return event('TokensUsed', {
    model,
    provider: null,
    inputTokens: options.inputTokens ?? 1000,
    outputTokens: options.outputTokens ?? 100,
    cacheReadTokens: options.cacheReadTokens ?? 0,
    cacheWriteTokens: options.cacheWriteTokens ?? 0,
    reasoningTokens: options.reasoningTokens ?? 0,
    cost: costUsd === null ? null : { totalUsd: costUsd, inputUsd: costUsd / 2, outputUsd: costUsd / 2 },
    priceSource:
      costUsd === null
        ? { kind: 'none' }
        : { kind: 'package', package: '@pydantic/genai-prices', version: '0.1.8', providerId: 'deepseek', modelId: model },
    issueId: options.issueId ?? null,
    agentId: options.agentId ?? null,
  });
}

export function pipelineFinished(
  pipelineId: string,
  status: 'success' | 'failed' | 'canceled',
  options: {
    issueId?: IssueId | null;
    attempt?: number;
    failingTests?: number;
    durationMs?: number | null;
    commitSha?: string;
    triggeredBy?: string;
  } = {},
): GivenEvent {
  return event('PipelineFinished', {
    pipelineId,
    commitSha: options.commitSha ?? `sha-${pipelineId}`,
    status,
    triggeredBy: options.triggeredBy ?? 'testing',
    attempt: options.attempt ?? 1,
    durationMs: options.durationMs === undefined ? null : options.durationMs,
    failingTests: options.failingTests ?? 0,
    issueId: options.issueId === undefined ? null : options.issueId,
  });
}

export function debuggingCycle(
  cycle: number,
  options: {
    issueId?: IssueId | null;
    trigger?: string;
    failingTests?: number;
    resolved?: boolean;
    durationMs?: number | null;
    agentId?: string | null;
  } = {},
): GivenEvent {
  return event('DebuggingCycleRecorded', {
    cycle,
    trigger: options.trigger ?? 'pipeline_failed',
    failingTests: options.failingTests ?? 0,
    resolved: options.resolved ?? true,
    durationMs: options.durationMs === undefined ? null : options.durationMs,
    issueId: options.issueId === undefined ? null : options.issueId,
    agentId: options.agentId ?? null,
  });
}

export function errorRecorded(
  kind: string,
  message: string,
  options: { recoverable?: boolean; issueId?: IssueId | null; agentId?: string | null; callId?: string | null; tool?: string | null } = {},
): GivenEvent {
  return event('ErrorRecorded', {
    kind,
    message,
    recoverable: options.recoverable ?? true,
    issueId: options.issueId === undefined ? null : options.issueId,
    agentId: options.agentId ?? null,
    callId: options.callId ?? null,
    tool: options.tool ?? null,
  });
}
