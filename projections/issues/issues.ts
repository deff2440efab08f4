import type { RunEntry } from '../../src/journal/envelope.js';
import type { IssueId } from '../../events/fields.js';
import type { CodeMetrics, IssueStatus } from '../../events/work.js';
import { addTokens, emptyTokenTotals, type TokenTotals } from '../shared/token-totals.js';

export interface IssueState {
  readonly issueId: IssueId;
  title: string | null;
  labels: string[];
  startedAt: string;
  finishedAt: string | null;
  status: IssueStatus | null;
  durationMs: number | null;
  code: CodeMetrics | null;
  agentAttempts: number;
  agentFailures: number;
  /** Attempts per agent type: first-time-right needs "no type attempted twice". */
  readonly attemptsByType: Map<string, number>;
  tokens: TokenTotals;
  toolCalls: number;
  toolFailures: number;
  pipelines: number;
  pipelineFailures: number;
  debuggingCycles: number;
  errors: number;
}

export interface IssuesState {
  /** By issue key (JSON of the id, so 3 and "3" stay apart), in the order issues were first started. */
  readonly issues: Map<string, IssueState>;
  /** Which issue each tool call belongs to: ToolCallEnded names only the call. */
  readonly callIssue: Map<string, string>;
}

export const issueKey = (id: IssueId): string => JSON.stringify(id);

export function initialIssues(): IssuesState {
  return { issues: new Map(), callIssue: new Map() };
}

// eslint-disable-next-line complexity, max-lines-per-function -- one fold, one case per event type, like the other projections
export function evolveIssues(state: IssuesState, entry: RunEntry): IssuesState {
  const issueOf = (id: IssueId | null): IssueState | undefined => (id === null ? undefined : state.issues.get(issueKey(id)));
  switch (entry.type) {
    case 'IssueStarted': {
      const { issueId, title, labels } = entry.data;
      const existing = state.issues.get(issueKey(issueId));
      if (existing) {
        // Started again after it finished: the same issue, reopened; its counts carry on.
        existing.status = null;
        existing.finishedAt = null;
        existing.durationMs = null;
        return state;
      }
      state.issues.set(issueKey(issueId), {
        issueId,
        title,
        labels,
        startedAt: entry.ts,
        finishedAt: null,
        status: null,
        durationMs: null,
        code: null,
        agentAttempts: 0,
        agentFailures: 0,
        attemptsByType: new Map(),
        tokens: emptyTokenTotals(),
        toolCalls: 0,
        toolFailures: 0,
        pipelines: 0,
        pipelineFailures: 0,
        debuggingCycles: 0,
        errors: 0,
      });
      return state;
    }
    case 'IssueFinished': {
      const issue = issueOf(entry.data.issueId);
      if (issue) {
        issue.status = entry.data.status;
        issue.finishedAt = entry.ts;
        issue.durationMs = entry.data.durationMs;
        issue.code = entry.data.code;
      }
      return state;
    }
    case 'AgentStarted': {
      const issue = issueOf(entry.data.issueId);
      if (issue) {
        issue.agentAttempts += 1;
        issue.attemptsByType.set(entry.data.agentType, (issue.attemptsByType.get(entry.data.agentType) ?? 0) + 1);
      }
      return state;
    }
    case 'AgentFinished': {
      const issue = issueOf(entry.data.issueId);
      if (issue && !entry.data.success) issue.agentFailures += 1;
      return state;
    }
    case 'ToolCallStarted': {
      const issue = issueOf(entry.data.issueId);
      if (issue) {
        issue.toolCalls += 1;
        state.callIssue.set(entry.data.callId, issueKey(issue.issueId));
      }
      return state;
    }
    case 'ToolCallEnded': {
      const key = state.callIssue.get(entry.data.callId);
      const issue = key === undefined ? undefined : state.issues.get(key);
      if (issue && !entry.data.success) issue.toolFailures += 1;
      state.callIssue.delete(entry.data.callId);
      return state;
    }
    case 'TokensUsed': {
      const issue = issueOf(entry.data.issueId);
      if (issue) addTokens(issue.tokens, entry.data);
      return state;
    }
    case 'PipelineFinished': {
      const issue = issueOf(entry.data.issueId);
      if (issue) {
        issue.pipelines += 1;
        if (entry.data.status === 'failed') issue.pipelineFailures += 1;
      }
      return state;
    }
    case 'DebuggingCycleRecorded': {
      const issue = issueOf(entry.data.issueId);
      if (issue) issue.debuggingCycles += 1;
      return state;
    }
    case 'ErrorRecorded': {
      const issue = issueOf(entry.data.issueId);
      if (issue) issue.errors += 1;
      return state;
    }
    case 'RunResumed':
      for (const callId of entry.data.abandonedToolCalls) state.callIssue.delete(callId);
      return state;
    case 'RunStarted':
    case 'TailQuarantined':
    case 'RunFinished':
      return state;
    default: {
      const unhandled: never = entry;
      throw new Error(`issues: unhandled event ${JSON.stringify(unhandled)}`);
    }
  }
}
