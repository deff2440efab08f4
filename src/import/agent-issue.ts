import { cleanText } from '../collector/sanitize.js';
import { MAX_IDENTIFIER_LENGTH } from '../../events/fields.js';
import type { ImportedEvent } from './importer.js';
import { NO_CODE_METRICS } from './patch-stats.js';
import type { CodeMetrics } from '../../events/work.js';

/**
 * What an agent harness's log (a SWE-agent trajectory, an OpenHands output line, an Inspect
 * sample) says of one issue, as the events every such importer writes the same way: the issue,
 * one agent attempt, its tool calls, its errors, the issue's end.
 */

/**
 * How an issue ended. `skipped` is an issue the source did not judge (a trajectory without a
 * SWE-bench report, an unscored sample): it counts in the run's issues but never as a success, and
 * is labelled so (README "Importing runs").
 */
export interface Verdict {
  readonly status: 'completed' | 'failed' | 'skipped';
  readonly labels: readonly string[];
}

/** The label of an issue whose outcome the source does not say. */
export const NOT_EVALUATED = 'not-evaluated';

export interface ToolCall {
  readonly callId: string;
  readonly tool: string;
  readonly started: Date;
  readonly ended: Date;
  readonly success: boolean;
  /** Only where the source measured it. */
  readonly durationMs: number | null;
  readonly error: string | null;
}

/** A tool's name from the source (a command's first word, a function name): printable, at most an identifier long. */
export function toolName(text: string): string {
  const name = text.trim().split(/\s+/)[0] ?? '';
  const printable = name.replace(/[^\x21-\x7e]/g, '').slice(0, MAX_IDENTIFIER_LENGTH);
  return printable === '' ? 'unknown' : printable;
}

export function* toolCallEvents(issueId: string, agentId: string, call: ToolCall): Generator<ImportedEvent> {
  yield { ts: call.started, type: 'ToolCallStarted', data: { callId: call.callId, tool: call.tool, issueId, agentId } };
  yield {
    ts: call.ended,
    type: 'ToolCallEnded',
    data: {
      callId: call.callId,
      tool: call.tool,
      success: call.success,
      durationMs: call.durationMs,
      error: call.error === null ? null : cleanText(call.error),
    },
  };
}

/** An agent attempt's end: the harness's own agent ('agent'), as the source judged it; durations only where the source measured them. */
export function agentFinished(
  at: Date,
  attempt: { readonly agentId: string; readonly issueId: string },
  outcome: { readonly success: boolean; readonly durationMs: number | null; readonly error: string | null },
): ImportedEvent {
  return { ts: at, type: 'AgentFinished', data: { agentId: attempt.agentId, agentType: 'agent', issueId: attempt.issueId, ...outcome } };
}

export function errorEvent(at: Date, kind: string, message: string, issueId: string, agentId: string | null): ImportedEvent {
  return {
    ts: at,
    type: 'ErrorRecorded',
    data: { kind, message: cleanText(message), recoverable: false, issueId, agentId, callId: null, tool: null },
  };
}

/** The issue's end; code metrics from its patch where the source keeps one. */
export function issueEnd(
  at: Date,
  issueId: string,
  verdict: Verdict,
  durationMs: number | null,
  code: CodeMetrics = NO_CODE_METRICS,
): ImportedEvent {
  return { ts: at, type: 'IssueFinished', data: { issueId, status: verdict.status, code, durationMs } };
}

/** A time in seconds since the epoch (a source's `timestamp`), or null when it is not one. */
export function epochSeconds(value: unknown): Date | null {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? new Date(value * 1000) : null;
}

/**
 * An ISO time of the source; one without a zone (Python's naive `datetime.now().isoformat()`, as
 * OpenHands writes) is read as UTC. Null when it is not a time.
 */
export function isoTime(value: unknown): Date | null {
  if (typeof value !== 'string' || value === '') return null;
  const zoned = /(Z|[+-]\d\d:?\d\d)$/.test(value) ? value : `${value}Z`;
  const time = new Date(zoned.replace(' ', 'T'));
  return Number.isNaN(time.getTime()) ? null : time;
}

/** A value of the source that should be an object, or {} when it is absent or something else (optional parts of a log). */
export function recordOf(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
