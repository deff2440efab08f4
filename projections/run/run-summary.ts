import type { SystemConfig } from '../../events/config.js';
import type { RunEntry } from '../../src/journal/envelope.js';
import type { HostInfo } from '../../events/fields.js';
import type { RunStatusRecorded } from '../../events/run.js';
import { msBetween } from '../shared/durations.js';
import { addTokens, emptyTokenTotals, type TokenTotals } from '../shared/token-totals.js';

/** The run-level facts of one journal. Issue counts and complexity come from the issues projection. */
export interface RunSummaryState {
  runId: string | null;
  projectId: string | null;
  config: SystemConfig | null;
  runledgerVersion: string | null;
  priceTableVersion: string | null;
  priceOverrideFile: string | null;
  host: HostInfo | null;
  /** The current writer's lock stale time (RunStarted, or the latest RunResumed). */
  lockStaleMs: number | null;
  /** Written by `runledger import` from another harness's files (RunStarted.imported). */
  imported: boolean;
  startedAt: string | null;
  lastEventAt: string | null;
  finishedAt: string | null;
  /** The status of the last RunFinished, cleared again by a RunResumed after it. */
  recordedStatus: RunStatusRecorded | null;
  statusReason: string | null;
  recordedDurationMs: number | null;
  events: number;
  lastSeq: number;
  resumes: number;
  /** Σ over RunResumed of the time from the event before it (the previous writer's last) to it. */
  downtimeMs: number;
  quarantinedTails: number;
  tokens: TokenTotals;
  /** Every model the run recorded tokens for, as "provider:model" ("" provider when none), sorted. */
  models: string[];
  unpricedModels: string[];
  agentAttempts: number;
  agentFailures: number;
  toolCalls: number;
  toolFailures: number;
  pipelines: number;
  pipelineFailures: number;
  debuggingCycles: number;
  errors: number;
}

export function initialRunSummary(): RunSummaryState {
  return {
    runId: null,
    projectId: null,
    config: null,
    runledgerVersion: null,
    priceTableVersion: null,
    priceOverrideFile: null,
    host: null,
    lockStaleMs: null,
    imported: false,
    startedAt: null,
    lastEventAt: null,
    finishedAt: null,
    recordedStatus: null,
    statusReason: null,
    recordedDurationMs: null,
    events: 0,
    lastSeq: 0,
    resumes: 0,
    downtimeMs: 0,
    quarantinedTails: 0,
    tokens: emptyTokenTotals(),
    models: [],
    unpricedModels: [],
    agentAttempts: 0,
    agentFailures: 0,
    toolCalls: 0,
    toolFailures: 0,
    pipelines: 0,
    pipelineFailures: 0,
    debuggingCycles: 0,
    errors: 0,
  };
}

export function evolveRunSummary(state: RunSummaryState, entry: RunEntry): RunSummaryState {
  const previousEventAt = state.lastEventAt;
  state.events += 1;
  state.lastSeq = entry.seq;
  state.lastEventAt = entry.ts;
  switch (entry.type) {
    case 'RunStarted':
      state.runId = entry.data.runId;
      state.projectId = entry.data.projectId;
      state.config = entry.data.config;
      state.runledgerVersion = entry.data.runledgerVersion;
      state.priceTableVersion = entry.data.priceTable.version;
      state.priceOverrideFile = entry.data.priceTable.overrideFile;
      state.host = entry.data.host;
      state.lockStaleMs = entry.data.lockStaleMs ?? null;
      state.imported = entry.data.imported === true;
      state.startedAt = entry.ts;
      return state;
    case 'RunResumed':
      state.resumes += 1;
      // As collector.resumed.downtimeMs: from the last event the previous writer left to the resume.
      state.downtimeMs += msBetween(previousEventAt, entry.ts) ?? 0;
      state.lockStaleMs = entry.data.lockStaleMs ?? null;
      state.recordedStatus = null;
      state.statusReason = null;
      state.finishedAt = null;
      state.recordedDurationMs = null;
      return state;
    case 'TailQuarantined':
      state.quarantinedTails += 1;
      return state;
    case 'AgentStarted':
      state.agentAttempts += 1;
      return state;
    case 'AgentFinished':
      if (!entry.data.success) state.agentFailures += 1;
      return state;
    case 'ToolCallStarted':
      state.toolCalls += 1;
      return state;
    case 'ToolCallEnded':
      if (!entry.data.success) state.toolFailures += 1;
      return state;
    case 'TokensUsed': {
      addTokens(state.tokens, entry.data);
      const model = `${entry.data.provider ?? ''}:${entry.data.model}`;
      if (!state.models.includes(model)) {
        state.models.push(model);
        state.models.sort();
      }
      if (entry.data.cost === null && entry.data.reportedCostUsd === undefined && !state.unpricedModels.includes(entry.data.model)) {
        state.unpricedModels.push(entry.data.model);
        state.unpricedModels.sort();
      }
      return state;
    }
    case 'PipelineFinished':
      state.pipelines += 1;
      if (entry.data.status === 'failed') state.pipelineFailures += 1;
      return state;
    case 'DebuggingCycleRecorded':
      state.debuggingCycles += 1;
      return state;
    case 'ErrorRecorded':
      state.errors += 1;
      return state;
    case 'RunFinished':
      state.recordedStatus = entry.data.status;
      state.statusReason = entry.data.reason;
      state.recordedDurationMs = entry.data.durationMs;
      state.finishedAt = entry.ts;
      return state;
    case 'IssueStarted':
    case 'IssueFinished':
      return state;
    default: {
      const unhandled: never = entry;
      throw new Error(`run summary: unhandled event ${JSON.stringify(unhandled)}`);
    }
  }
}
