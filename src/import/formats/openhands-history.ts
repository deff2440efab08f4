import { isoTime, recordOf, type ToolCall } from '../agent-issue.js';
import type { FieldReader } from '../fields.js';

/** Actions of the agent that are tool calls (openhands/core/schema/action.py); messages, finish, recall and state changes are not. */
const TOOL_ACTIONS = new Set([
  'run',
  'run_ipython',
  'read',
  'write',
  'edit',
  'browse',
  'browse_interactive',
  'call_tool_mcp',
  'delegate',
  'think',
  'task_tracking',
]);

/** The history's events: a list of event dicts, or (older outputs) of [action, observation] pairs. */
export function historyEvents(fields: FieldReader, output: Record<string, unknown>): Record<string, unknown>[] {
  if (output.history === undefined || output.history === null) return [];
  const history = fields.array(output, 'history');
  const events: Record<string, unknown>[] = [];
  for (const [i, item] of history.entries()) {
    if (Array.isArray(item)) for (const part of item) events.push(fields.object(part, `history[${i}]`));
    else events.push(fields.object(item, `history[${i}]`));
  }
  return events;
}

/**
 * An action's result from its observation (event_to_dict: observation, content, extras, success):
 * the observation's `success` where it has one (CmdOutputObservation), else not an `error`
 * observation and exit code 0 where one is given.
 */
function resultOf(observation: Record<string, unknown> | undefined): { success: boolean; error: string | null } {
  if (observation === undefined) return { success: false, error: 'no observation was recorded for this action' };
  const extras = recordOf(observation.extras);
  const exitCode = typeof extras.exit_code === 'number' ? extras.exit_code : recordOf(extras.metadata).exit_code;
  const isError = observation.observation === 'error';
  const success =
    typeof observation.success === 'boolean' ? observation.success : !isError && (typeof exitCode !== 'number' || exitCode === 0);
  if (success) return { success, error: null };
  if (isError) return { success, error: String(observation.content ?? 'error') };
  return { success, error: `exit code ${typeof exitCode === 'number' ? exitCode : 'unknown'}` };
}

/** The tool calls of a history: each tool action, ended by the observation that names it as its cause. */
export function toolCalls(events: readonly Record<string, unknown>[], fallback: Date): ToolCall[] {
  const observations = new Map<unknown, Record<string, unknown>>();
  for (const event of events) if (typeof event.observation === 'string' && event.cause !== undefined) observations.set(event.cause, event);
  const calls: ToolCall[] = [];
  for (const [i, event] of events.entries()) {
    if (typeof event.action !== 'string' || !TOOL_ACTIONS.has(event.action)) continue;
    const observation = event.id === undefined ? undefined : observations.get(event.id);
    const started = isoTime(event.timestamp) ?? fallback;
    const observed = observation === undefined ? null : isoTime(observation.timestamp);
    calls.push({
      callId: `e${typeof event.id === 'number' ? event.id : i}`,
      tool: event.action,
      started,
      ended: observed ?? started,
      ...resultOf(observation),
      // Both times are the event stream's own: the action's and its observation's.
      durationMs: observed === null ? null : Math.max(0, observed.getTime() - started.getTime()),
    });
  }
  return calls;
}
