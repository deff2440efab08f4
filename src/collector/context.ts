import type { SystemConfig } from '../../events/config.js';
import type { JournalEntry } from '../journal/envelope.js';
import type { IssueId } from '../../events/fields.js';
import type { RunEvent } from '../../events/registry.js';
import type { RunStatusRecorded } from '../../events/run.js';

/** An issue id as a map key: 3 and "3" stay different issues. */
export type IssueKey = string;
export const issueKey = (id: IssueId): IssueKey => JSON.stringify(id);

interface OpenAgent {
  readonly agentId: string;
  readonly agentType: string;
  readonly issueId: IssueId | null;
  readonly startedAt: string;
}

interface OpenToolCall {
  readonly callId: string;
  readonly tool: string;
  readonly startedAt: string;
}

/**
 * What the collector needs to build the next event: open issues, agents and tool calls, counters.
 * It is a fold over the run's own journal entries, so a resumed run rebuilds it exactly.
 * The fold updates the state it created in place (docs/DESIGN.md §2.3: folds are per run).
 */
export interface CollectorContext {
  projectId: string;
  config: SystemConfig | null;
  startedAt: string | null;
  finished: RunStatusRecorded | null;
  /** Open issues in the order they were started; the last one is the current issue. */
  readonly openIssues: Map<IssueKey, { readonly issueId: IssueId; readonly startedAt: string }>;
  /** Open agents in the order they were started; the last one is the current agent. */
  readonly openAgents: Map<string, OpenAgent>;
  readonly openToolCalls: Map<string, OpenToolCall>;
  agentsStarted: number;
  toolCallsStarted: number;
  /** Attempts per issue and agent type, key `${issueKey}|${agentType}`. */
  readonly agentAttempts: Map<string, number>;
  readonly pipelineAttempts: Map<IssueKey, number>;
  readonly debuggingCycles: Map<IssueKey, number>;
  readonly quarantinedFiles: Set<string>;
}

export function initialContext(): CollectorContext {
  return {
    projectId: '',
    config: null,
    startedAt: null,
    finished: null,
    openIssues: new Map(),
    openAgents: new Map(),
    openToolCalls: new Map(),
    agentsStarted: 0,
    toolCallsStarted: 0,
    agentAttempts: new Map(),
    pipelineAttempts: new Map(),
    debuggingCycles: new Map(),
    quarantinedFiles: new Set(),
  };
}

const NO_ISSUE: IssueKey = 'null';
const keyOf = (id: IssueId | null): IssueKey => (id === null ? NO_ISSUE : issueKey(id));
const bump = <K>(map: Map<K, number>, key: K): void => {
  map.set(key, (map.get(key) ?? 0) + 1);
};

export function evolveContext(ctx: CollectorContext, entry: JournalEntry): CollectorContext {
  // The entry read as the discriminated union it holds (its type and data), without a copy.
  const event = entry as unknown as RunEvent;
  switch (event.type) {
    case 'RunStarted':
      ctx.projectId = event.data.projectId;
      ctx.config = event.data.config;
      ctx.startedAt = entry.ts;
      return ctx;
    case 'RunResumed':
      // The previous writer died: its open agents and tool calls ended without a result.
      ctx.finished = null;
      ctx.openAgents.clear();
      ctx.openToolCalls.clear();
      return ctx;
    case 'TailQuarantined':
      ctx.quarantinedFiles.add(event.data.file);
      return ctx;
    case 'IssueStarted':
      ctx.openIssues.set(issueKey(event.data.issueId), { issueId: event.data.issueId, startedAt: entry.ts });
      return ctx;
    case 'IssueFinished':
      ctx.openIssues.delete(issueKey(event.data.issueId));
      return ctx;
    case 'AgentStarted': {
      const { agentId, agentType, issueId } = event.data;
      ctx.agentsStarted += 1;
      ctx.openAgents.set(agentId, { agentId, agentType, issueId, startedAt: entry.ts });
      bump(ctx.agentAttempts, `${keyOf(issueId)}|${agentType}`);
      return ctx;
    }
    case 'AgentFinished':
      ctx.openAgents.delete(event.data.agentId);
      return ctx;
    case 'ToolCallStarted':
      ctx.toolCallsStarted += 1;
      ctx.openToolCalls.set(event.data.callId, { callId: event.data.callId, tool: event.data.tool, startedAt: entry.ts });
      return ctx;
    case 'ToolCallEnded':
      ctx.openToolCalls.delete(event.data.callId);
      return ctx;
    case 'PipelineFinished':
      bump(ctx.pipelineAttempts, keyOf(event.data.issueId));
      return ctx;
    case 'DebuggingCycleRecorded':
      bump(ctx.debuggingCycles, keyOf(event.data.issueId));
      return ctx;
    case 'RunFinished':
      ctx.finished = event.data.status;
      return ctx;
    case 'TokensUsed':
    case 'ErrorRecorded':
      return ctx;
    default: {
      const unhandled: never = event;
      throw new Error(`evolveContext: unhandled event ${JSON.stringify(unhandled)}`);
    }
  }
}

export function attemptsOf(ctx: CollectorContext, issueId: IssueId | null, agentType: string): number {
  return ctx.agentAttempts.get(`${keyOf(issueId)}|${agentType}`) ?? 0;
}
export function pipelineAttemptsOf(ctx: CollectorContext, issueId: IssueId | null): number {
  return ctx.pipelineAttempts.get(keyOf(issueId)) ?? 0;
}
export function debuggingCyclesOf(ctx: CollectorContext, issueId: IssueId | null): number {
  return ctx.debuggingCycles.get(keyOf(issueId)) ?? 0;
}
export function lastOf<V>(map: ReadonlyMap<string, V>): V | undefined {
  let last: V | undefined;
  for (const value of map.values()) last = value;
  return last;
}
