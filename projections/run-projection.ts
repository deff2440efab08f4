import type { SystemConfig } from '../events/config.js';
import type { RunEntry } from '../src/journal/envelope.js';
import type { HostInfo, IssueId } from '../events/fields.js';
import type { CodeMetrics } from '../events/work.js';
import { evolveAgents, initialAgents, type AgentsState, type AgentStatus } from './agents/agents.js';
import {
  debuggingCyclesProjection,
  errorsProjection,
  pipelinesProjection,
  type DebuggingCycleModel,
  type ErrorModel,
  type EventLogState,
  type PipelineModel,
} from './event-logs/event-log.js';
import { complexityScore, DEFAULT_EXPECTED_AGENT_ATTEMPTS, type ComplexityScore } from './issues/complexity.js';
import { evolveIssues, initialIssues, type IssuesState, type IssueState } from './issues/issues.js';
import { evolveRunSummary, initialRunSummary, type RunSummaryState } from './run/run-summary.js';
import { msBetween } from './shared/durations.js';
import type { TokenTotals } from './shared/token-totals.js';
import { evolveToolUsage, initialToolUsage, toolUsageModels, type ToolUsageModel, type ToolUsageState } from './tool-usage/tool-usage.js';

/** Everything projected from one run's journal: the state replay checkpoints. */
export interface RunProjectionState {
  readonly summary: RunSummaryState;
  readonly issues: IssuesState;
  readonly agents: AgentsState;
  readonly tools: ToolUsageState;
  readonly pipelines: EventLogState<'PipelineFinished'>;
  readonly debuggingCycles: EventLogState<'DebuggingCycleRecorded'>;
  readonly errors: EventLogState<'ErrorRecorded'>;
}

export function initialRunProjection(): RunProjectionState {
  return {
    summary: initialRunSummary(),
    issues: initialIssues(),
    agents: initialAgents(),
    tools: initialToolUsage(),
    pipelines: pipelinesProjection.initialState(),
    debuggingCycles: debuggingCyclesProjection.initialState(),
    errors: errorsProjection.initialState(),
  };
}

export function evolveRunProjection(state: RunProjectionState, entry: RunEntry): RunProjectionState {
  evolveRunSummary(state.summary, entry);
  evolveIssues(state.issues, entry);
  evolveAgents(state.agents, entry);
  evolveToolUsage(state.tools, entry);
  pipelinesProjection.evolve(state.pipelines, entry);
  debuggingCyclesProjection.evolve(state.debuggingCycles, entry);
  errorsProjection.evolve(state.errors, entry);
  return state;
}

/** Facts about the journal that are not events: they decide "running" vs "crashed" and the torn-tail flag. */
export interface JournalFacts {
  /** A writer holds a live lock on the run right now. */
  readonly writerAlive: boolean;
  readonly bytes: number;
  readonly tornTail: { readonly offset: number; readonly bytes: number } | null;
}

export type RunStatus = 'running' | 'completed' | 'failed' | 'interrupted' | 'crashed';
export type IssueModelStatus = 'completed' | 'failed' | 'skipped' | 'open' | 'unfinished';

export interface RunModel {
  readonly runId: string;
  readonly projectId: string;
  /** As recorded by RunFinished; without one: "running" while a writer holds a live lock, else "crashed". */
  readonly status: RunStatus;
  readonly statusReason: string | null;
  readonly startedAt: string;
  /** RunFinished's time; for a crashed run the last event's; null while running. */
  readonly endedAt: string | null;
  /** Wall time: start to RunFinished (or to the last event), downtime between a crash and its resume included. */
  readonly durationMs: number | null;
  /** The wall time without the downtime of its resumes: how long a writer was at work. */
  readonly activeDurationMs: number | null;
  /** Σ over its resumes of the time from the previous writer's last event to RunResumed. */
  readonly downtimeMs: number;
  /** Written by `runledger import` from another harness's files, not recorded live. */
  readonly imported: boolean;
  readonly config: SystemConfig;
  readonly issues: {
    readonly total: number;
    readonly completed: number;
    readonly failed: number;
    readonly skipped: number;
    readonly unfinished: number;
  };
  /** Completed ÷ started issues; null with no issue. */
  readonly successRate: number | null;
  readonly firstTimeRightRate: number | null;
  /** Mean complexity of finished issues; null with none. */
  readonly averageComplexity: number | null;
  readonly tokens: TokenTotals;
  /** Every model the run recorded tokens for, as "provider:model" (empty provider when none). */
  readonly models: readonly string[];
  readonly unpricedModels: readonly string[];
  readonly agentAttempts: number;
  readonly agentFailures: number;
  readonly abandonedAgents: number;
  readonly toolCalls: number;
  readonly toolFailures: number;
  readonly abandonedToolCalls: number;
  readonly pipelines: number;
  readonly pipelineFailures: number;
  readonly debuggingCycles: number;
  readonly errors: number;
  readonly resumes: number;
  readonly journal: {
    readonly events: number;
    readonly lastSeq: number;
    readonly bytes: number;
    readonly tornTail: { readonly offset: number; readonly bytes: number } | null;
    readonly quarantinedTails: number;
  };
  readonly runledgerVersion: string;
  readonly priceTableVersion: string;
  readonly priceOverrideFile: string | null;
  readonly host: HostInfo;
}

export interface IssueModel {
  readonly runId: string;
  readonly issueId: IssueId;
  readonly title: string | null;
  readonly labels: readonly string[];
  /** As recorded; without IssueFinished "open" while the run runs, else "unfinished". */
  readonly status: IssueModelStatus;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly durationMs: number | null;
  readonly agentAttempts: number;
  readonly agentAttemptsByType: Readonly<Record<string, number>>;
  readonly agentFailures: number;
  readonly tokens: TokenTotals;
  readonly toolCalls: number;
  readonly toolFailures: number;
  readonly pipelines: number;
  readonly pipelineFailures: number;
  readonly debuggingCycles: number;
  readonly errors: number;
  readonly code: CodeMetrics | null;
  /** Null while the issue is open or unfinished: its complexity is not known yet (CSV cell empty, JSON null). */
  readonly complexity: ComplexityScore | null;
  /** Completed, no agent type attempted twice, no failed pipeline, no debugging cycle; null while open or unfinished. */
  readonly firstTimeRight: boolean | null;
}

export interface AgentModel {
  readonly runId: string;
  readonly agentId: string;
  readonly agentType: string;
  readonly issueId: IssueId | null;
  readonly attempt: number;
  /** An agent still open in a run that is no longer running is "abandoned". */
  readonly status: AgentStatus;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly durationMs: number | null;
  readonly error: string | null;
  readonly tokens: TokenTotals;
  readonly toolCalls: number;
  readonly toolFailures: number;
}

export interface RunReadModels {
  readonly run: RunModel;
  readonly issues: readonly IssueModel[];
  readonly agents: readonly AgentModel[];
  readonly tools: readonly (ToolUsageModel & { readonly runId: string })[];
  readonly pipelines: readonly (PipelineModel & { readonly runId: string })[];
  readonly debuggingCycles: readonly (DebuggingCycleModel & { readonly runId: string })[];
  readonly errors: readonly (ErrorModel & { readonly runId: string })[];
}

/** The read models of one run; null when its journal holds no RunStarted yet. */
export function runReadModels(state: RunProjectionState, facts: JournalFacts): RunReadModels | null {
  const s = state.summary;
  if (s.runId === null || s.startedAt === null || s.config === null || s.projectId === null || s.host === null) return null;
  const runId = s.runId;
  const status: RunStatus = s.recordedStatus ?? (facts.writerAlive ? 'running' : 'crashed');
  const running = status === 'running';
  const expected = s.config.expectedAgentAttempts ?? DEFAULT_EXPECTED_AGENT_ATTEMPTS;
  const issues = [...state.issues.issues.values()].map((issue) => issueModel(runId, issue, expected, running));

  // Open agents and tool calls of a run that no longer runs will never end: abandoned, counted alike everywhere.
  const agents = agentModels(runId, state.agents, running);
  const tools = toolUsageModels(state.tools, running);
  const count = (st: IssueModelStatus): number => issues.filter((i) => i.status === st).length;
  const finished = issues.filter((i) => i.status === 'completed' || i.status === 'failed' || i.status === 'skipped');
  const rate = (n: number): number | null => (issues.length === 0 ? null : n / issues.length);
  const { durationMs, activeDurationMs } = runTimes(s);

  const run: RunModel = {
    runId,
    projectId: s.projectId,
    status,
    statusReason: s.statusReason,
    startedAt: s.startedAt,
    endedAt: s.finishedAt ?? (running ? null : s.lastEventAt),
    durationMs,
    activeDurationMs,
    downtimeMs: s.downtimeMs,
    imported: s.imported,
    config: s.config,
    issues: {
      total: issues.length,
      completed: count('completed'),
      failed: count('failed'),
      skipped: count('skipped'),
      unfinished: count('open') + count('unfinished'),
    },
    successRate: rate(count('completed')),
    firstTimeRightRate: rate(issues.filter((i) => i.firstTimeRight === true).length),
    averageComplexity: finished.length === 0 ? null : finished.reduce((sum, i) => sum + (i.complexity?.score ?? 0), 0) / finished.length,
    tokens: { ...s.tokens },
    models: [...s.models],
    unpricedModels: [...s.unpricedModels],
    agentAttempts: s.agentAttempts,
    agentFailures: s.agentFailures,
    abandonedAgents: agents.filter((a) => a.status === 'abandoned').length,
    toolCalls: s.toolCalls,
    toolFailures: s.toolFailures,
    abandonedToolCalls: tools.reduce((sum, t) => sum + t.abandoned, 0),
    pipelines: s.pipelines,
    pipelineFailures: s.pipelineFailures,
    debuggingCycles: s.debuggingCycles,
    errors: s.errors,
    resumes: s.resumes,
    journal: { events: s.events, lastSeq: s.lastSeq, bytes: facts.bytes, tornTail: facts.tornTail, quarantinedTails: s.quarantinedTails },
    runledgerVersion: s.runledgerVersion ?? '',
    priceTableVersion: s.priceTableVersion ?? '',
    priceOverrideFile: s.priceOverrideFile,
    host: s.host,
  };

  const withRun = <T>(record: T): T & { runId: string } => ({ runId, ...record });
  return {
    run,
    issues,
    agents,
    tools: tools.map(withRun),
    pipelines: state.pipelines.records.map(withRun),
    debuggingCycles: state.debuggingCycles.records.map(withRun),
    errors: state.errors.records.map(withRun),
  };
}

/**
 * Wall time (RunFinished's, else the span of the run's events) and the same without the downtime
 * of its resumes. An imported run's times are its source's or its files': only a duration the
 * source measured counts.
 */
function runTimes(s: RunSummaryState): { durationMs: number | null; activeDurationMs: number | null } {
  const durationMs = s.recordedDurationMs ?? (s.imported || s.startedAt === null ? null : msBetween(s.startedAt, s.lastEventAt));
  return { durationMs, activeDurationMs: durationMs === null ? null : Math.max(0, durationMs - s.downtimeMs) };
}

function agentModels(runId: string, state: AgentsState, running: boolean): AgentModel[] {
  return [...state.agents.values()].map((a) => ({
    runId,
    agentId: a.agentId,
    agentType: a.agentType,
    issueId: a.issueId,
    attempt: a.attempt,
    status: a.status === 'open' && !running ? 'abandoned' : a.status,
    startedAt: a.startedAt,
    endedAt: a.finishedAt,
    durationMs: a.durationMs,
    error: a.error,
    tokens: { ...a.tokens },
    toolCalls: a.toolCalls,
    toolFailures: a.toolFailures,
  }));
}

function issueModel(runId: string, issue: IssueState, expectedAgentAttempts: number, runRunning: boolean): IssueModel {
  const status: IssueModelStatus = issue.status ?? (runRunning ? 'open' : 'unfinished');
  const known = status !== 'open' && status !== 'unfinished';
  const complexity = complexityScore({
    agentAttempts: issue.agentAttempts,
    expectedAgentAttempts,
    failedPipelines: issue.pipelineFailures,
    debuggingCycles: issue.debuggingCycles,
    linesAdded: issue.code?.linesAdded ?? 0,
    linesRemoved: issue.code?.linesRemoved ?? 0,
  });
  const anyTypeRetried = [...issue.attemptsByType.values()].some((n) => n > 1);
  return {
    runId,
    issueId: issue.issueId,
    title: issue.title,
    labels: [...issue.labels],
    status,
    startedAt: issue.startedAt,
    endedAt: issue.finishedAt,
    durationMs: issue.durationMs,
    agentAttempts: issue.agentAttempts,
    agentAttemptsByType: Object.fromEntries([...issue.attemptsByType.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    agentFailures: issue.agentFailures,
    tokens: { ...issue.tokens },
    toolCalls: issue.toolCalls,
    toolFailures: issue.toolFailures,
    pipelines: issue.pipelines,
    pipelineFailures: issue.pipelineFailures,
    debuggingCycles: issue.debuggingCycles,
    errors: issue.errors,
    code: issue.code,
    complexity: known ? complexity : null,
    firstTimeRight: known ? status === 'completed' && !anyTypeRetried && issue.pipelineFailures === 0 && issue.debuggingCycles === 0 : null,
  };
}
