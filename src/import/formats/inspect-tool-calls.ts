import { isoTime, recordOf, type ToolCall } from '../agent-issue.js';
import type { FieldReader } from '../fields.js';

/**
 * A sample's tool calls: its `tool` events (ToolEvent: id, function, timestamp, completed,
 * working_time, error), which carry the time each call took; a sample logged without events falls
 * back to its messages (an assistant message's tool_calls, each ended by the tool message of its id).
 */
export function inspectToolCalls(fields: FieldReader, sample: Record<string, unknown>, fallback: Date): ToolCall[] {
  const events = Array.isArray(sample.events) ? sample.events : [];
  const toolEvents = events.filter(
    (e): e is Record<string, unknown> => typeof e === 'object' && e !== null && (e as Record<string, unknown>).event === 'tool',
  );
  if (toolEvents.length > 0) return toolEvents.map((event, i) => fromEvent(fields, event, i, fallback));
  return fromMessages(sample, fallback);
}

function errorMessage(error: unknown): string | null {
  if (typeof error !== 'object' || error === null) return null;
  const message = (error as Record<string, unknown>).message;
  return typeof message === 'string' && message !== '' ? message : 'the tool call failed';
}

function fromEvent(fields: FieldReader, event: Record<string, unknown>, index: number, fallback: Date): ToolCall {
  const started = isoTime(event.timestamp) ?? fallback;
  const ended = isoTime(event.completed) ?? started;
  const seconds = fields.optionalNumber(event, 'working_time');
  const error = errorMessage(event.error) ?? (event.failed === true ? 'the tool call failed' : null);
  return {
    callId: `t${index + 1}`,
    tool: typeof event.function === 'string' && event.function !== '' ? event.function : 'unknown',
    started,
    ended,
    success: error === null,
    durationMs: seconds === null ? null : seconds * 1000,
    error,
  };
}

function fromMessages(sample: Record<string, unknown>, at: Date): ToolCall[] {
  const messages = (Array.isArray(sample.messages) ? sample.messages : []).map(recordOf);
  const results = new Map<unknown, Record<string, unknown>>();
  for (const message of messages)
    if (message.role === 'tool' && typeof message.tool_call_id === 'string') results.set(message.tool_call_id, message);
  const calls: ToolCall[] = [];
  for (const message of messages) {
    if (message.role !== 'assistant' || !Array.isArray(message.tool_calls)) continue;
    for (const call of message.tool_calls.map(recordOf)) {
      const result = results.get(call.id);
      const error = result === undefined ? 'no tool result was recorded for this call' : errorMessage(result.error);
      calls.push({
        callId: `m${calls.length + 1}`,
        tool: typeof call.function === 'string' && call.function !== '' ? call.function : 'unknown',
        started: at,
        ended: at,
        success: error === null,
        durationMs: null,
        error,
      });
    }
  }
  return calls;
}
