import { checkJournalEvent, type RunEvent } from '../../../events/registry.js';
import { runPaths } from '../../journal/paths.js';
import { scanJournal } from '../../journal/reader.js';

/** The ids runledger gives the agents and tool calls of OTLP spans: the span's own id, so a retry finds it. */
export const spanEntityId = (spanId: string): string => `span-${spanId}`;
const SPAN_ENTITY = /^span-([0-9a-f]{16})$/;
/** RunFinished's reason names the root span that ended the run (see otlp-ingest.ts). */
export const rootSpanReason = (spanId: string, name: string, status: string): string =>
  `the trace's root span ${spanId} (${name}) ended with status ${status}`;
const ROOT_SPAN = /^the trace's root span ([0-9a-f]{16}) /;

/**
 * The OTLP spans a run's journal already holds: agents and tool calls by their ids, token usage by
 * its spanId, the root span by the reason of RunFinished. A server that restarts (or a run it
 * closed) rebuilds the set from here, so an exporter's retry is never a second event.
 */
export function recordedSpanIds(logsDir: string, runId: string): Set<string> {
  const ids = new Set<string>();
  const add = (value: string | null | undefined, pattern: RegExp): void => {
    const match = value === null || value === undefined ? null : pattern.exec(value);
    if (match) ids.add(match[1]!);
  };
  scanJournal(runPaths(logsDir, runId).journal, { runId, checkEvent: checkJournalEvent }, (entry) => {
    const event = { type: entry.type, data: entry.data } as RunEvent;
    if (event.type === 'AgentStarted') add(event.data.agentId, SPAN_ENTITY);
    else if (event.type === 'ToolCallStarted') add(event.data.callId, SPAN_ENTITY);
    else if (event.type === 'TokensUsed' && event.data.spanId !== undefined) ids.add(event.data.spanId);
    else if (event.type === 'RunFinished') add(event.data.reason, ROOT_SPAN);
  });
  return ids;
}
