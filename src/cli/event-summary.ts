import type { RunEntry } from '../journal/envelope.js';
import { duration } from '../analysis/render/format.js';

const usd = (x: number): string => `$${x < 0.01 ? x.toPrecision(3) : x.toFixed(4)}`;
const issue = (id: string | number | null): string => (id === null ? '' : ` issue ${id}`);

/** A token record's cost: the provider-reported one when given (with the computed one beside it), else the computed one. */
function costText(data: { readonly cost: { readonly totalUsd: number } | null; readonly reportedCostUsd?: number }): string {
  const computed = data.cost ? usd(data.cost.totalUsd) : 'unpriced';
  return data.reportedCostUsd === undefined ? computed : `${usd(data.reportedCostUsd)} reported (computed ${computed})`;
}

/** The important fields of one event, on one line, for `show` and `tail`. */
// eslint-disable-next-line complexity -- one case per event type: the one-line summary of each
export function summarizeEvent(entry: RunEntry): string {
  switch (entry.type) {
    case 'RunStarted': {
      const { config, projectId, host } = entry.data;
      return (
        `project ${projectId}; ${config.llm.provider ?? ''}${config.llm.provider ? '/' : ''}${config.llm.model}` +
        `${config.llm.temperature === undefined ? '' : ` t=${config.llm.temperature}`}${config.maxRetries === undefined ? '' : ` retries=${config.maxRetries}`}; host ${host.hostname} pid ${host.pid}`
      );
    }
    case 'RunResumed':
      return `after seq ${entry.data.afterSeq} by pid ${entry.data.host.pid}; abandoned ${entry.data.abandonedAgents.length} agent(s), ${entry.data.abandonedToolCalls.length} tool call(s)`;
    case 'TailQuarantined':
      return `${entry.data.bytes} bytes from offset ${entry.data.offset} kept in ${entry.data.file}`;
    case 'IssueStarted':
      return `issue ${entry.data.issueId}${entry.data.title ? `: ${entry.data.title}` : ''}`;
    case 'IssueFinished':
      return `issue ${entry.data.issueId} ${entry.data.status}; +${entry.data.code.linesAdded}/-${entry.data.code.linesRemoved} lines`;
    case 'AgentStarted':
      return `${entry.data.agentType} ${entry.data.agentId} attempt ${entry.data.attempt}${issue(entry.data.issueId)}`;
    case 'AgentFinished':
      return `${entry.data.agentType} ${entry.data.agentId} ${entry.data.success ? 'succeeded' : 'failed'}${entry.data.durationMs === null ? '' : ` in ${duration(entry.data.durationMs)}`}${entry.data.error ? `: ${entry.data.error}` : ''}`;
    case 'ToolCallStarted':
      return `${entry.data.tool} ${entry.data.callId}${entry.data.agentId ? ` by ${entry.data.agentId}` : ''}`;
    case 'ToolCallEnded':
      return `${entry.data.tool} ${entry.data.callId} ${entry.data.success ? 'ok' : 'failed'}${entry.data.durationMs === null ? '' : ` in ${duration(entry.data.durationMs)}`}${entry.data.error ? `: ${entry.data.error}` : ''}`;
    case 'TokensUsed':
      return (
        `${entry.data.model} in ${entry.data.inputTokens} out ${entry.data.outputTokens}` +
        `${entry.data.cacheReadTokens ? ` cache-read ${entry.data.cacheReadTokens}` : ''}; ${costText(entry.data)}`
      );
    case 'PipelineFinished':
      return `pipeline ${entry.data.pipelineId} ${entry.data.status} (attempt ${entry.data.attempt}, ${entry.data.failingTests} failing tests)${issue(entry.data.issueId)}`;
    case 'DebuggingCycleRecorded':
      return `cycle ${entry.data.cycle} after ${entry.data.trigger}: ${entry.data.resolved ? 'resolved' : 'unresolved'}${issue(entry.data.issueId)}`;
    case 'ErrorRecorded':
      return `${entry.data.kind}${entry.data.recoverable ? ' (recoverable)' : ''}: ${entry.data.message}`;
    case 'RunFinished':
      return `${entry.data.status}${entry.data.reason ? `: ${entry.data.reason.split('\n')[0]}` : ''}`;
    default: {
      const unhandled: never = entry;
      return JSON.stringify(unhandled);
    }
  }
}

/** The issue an event belongs to, for `show --issue`; ToolCallEnded needs the calls seen before it. */
export function issueOfEvent(entry: RunEntry, callIssues: Map<string, string | number | null>): string | number | null {
  switch (entry.type) {
    case 'IssueStarted':
    case 'IssueFinished':
      return entry.data.issueId;
    case 'ToolCallStarted':
      callIssues.set(entry.data.callId, entry.data.issueId);
      return entry.data.issueId;
    case 'ToolCallEnded':
      return callIssues.get(entry.data.callId) ?? null;
    case 'AgentStarted':
    case 'AgentFinished':
    case 'TokensUsed':
    case 'PipelineFinished':
    case 'DebuggingCycleRecorded':
    case 'ErrorRecorded':
      return entry.data.issueId;
    default:
      return null;
  }
}
