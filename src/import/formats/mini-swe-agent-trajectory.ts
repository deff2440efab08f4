import type { JsonValue } from '../../../events/config.js';
import { epochSeconds, toolName, type ToolCall } from '../agent-issue.js';
import { FieldReader } from '../fields.js';
import { exitStatusOf, instanceIdOf, modelStats, type Trajectory, type Usage } from './swe-agent-trajectory.js';

/**
 * A mini-swe-agent trajectory (DefaultAgent.serialize: trajectory_format "mini-swe-agent-1.1",
 * whose assistant messages carry extra.actions and whose observations extra.returncode; and the
 * text-based "mini-swe-agent-1", one ```bash block per message and <returncode> in the reply).
 */
export function miniTrajectory(file: string, record: Record<string, unknown>, mtime: Date): Trajectory {
  const fields = new FieldReader(file);
  const info = fields.object(record.info ?? {}, 'info');
  const config = info.config === undefined ? {} : fields.object(info.config, 'info.config');
  const modelConfig = config.model === undefined ? {} : fields.object(config.model, 'info.config.model');
  const agentConfig = config.agent === undefined ? {} : fields.object(config.agent, 'info.config.agent');
  const model = fields.optionalString(modelConfig, 'model_name');
  if (model === null) throw fields.fail('names no model (info.config.model.model_name)');
  const kwargs =
    modelConfig.model_kwargs === undefined || modelConfig.model_kwargs === null
      ? {}
      : fields.object(modelConfig.model_kwargs, 'model_kwargs');
  const messages = fields.array(record, 'messages');
  const { calls, first, last, usage } = miniCalls(fields, messages);
  const stats = modelStats(fields, info);
  const exitStatus = exitStatusOf(fields, info);
  const startedAt = first ?? mtime;
  const finishedAt = last ?? mtime;
  const agentSettings: Record<string, JsonValue> = {};
  for (const [key, name] of [
    ['step_limit', 'stepLimit'],
    ['cost_limit', 'costLimit'],
  ] as const)
    if (typeof agentConfig[key] === 'number') agentSettings[name] = agentConfig[key];
  if (typeof info.mini_version === 'string') agentSettings.agentVersion = info.mini_version;
  return {
    instanceId: instanceIdOf(file, record),
    agent: 'mini-swe-agent',
    model,
    modelSettings: kwargs,
    agentSettings,
    exitStatus,
    submission: fields.optionalString(info, 'submission'),
    attempts: [{ exitStatus, calls, startedAt, finishedAt }],
    chosenAttempt: 0,
    usage: {
      ...usage,
      costUsd: fields.optionalNumber(stats, 'instance_cost'),
      apiCalls: fields.optionalCount(stats, 'api_calls'),
    },
    startedAt,
    finishedAt,
  };
}

interface PendingCall {
  readonly callId: string;
  readonly command: string;
  readonly toolCallId: string | null;
  readonly started: Date | null;
  readonly alone: boolean;
}

/** The actions of a mini-swe-agent assistant message: extra.actions (1.1), else the one ```bash block of its text (1.0). */
function actionsOf(message: Record<string, unknown>): Array<{ command: string; toolCallId: string | null }> {
  const extra = typeof message.extra === 'object' && message.extra !== null ? (message.extra as Record<string, unknown>) : {};
  if (Array.isArray(extra.actions))
    return extra.actions
      .filter(
        (a): a is Record<string, unknown> =>
          typeof a === 'object' && a !== null && typeof (a as Record<string, unknown>).command === 'string',
      )
      .map((a) => ({ command: a.command as string, toolCallId: typeof a.tool_call_id === 'string' ? a.tool_call_id : null }));
  const content = typeof message.content === 'string' ? message.content : '';
  const blocks = [...content.matchAll(/```bash\s*\n([\s\S]*?)\n```/g)];
  return blocks.length === 1 ? [{ command: blocks[0]![1]!, toolCallId: null }] : [];
}

/** An observation's exit code and error: extra.returncode (1.1), else <returncode>N</returncode> in its text (1.0); null when it is none. */
function observationOf(message: Record<string, unknown>): { returncode: number | null; error: string | null; at: Date | null } | null {
  const extra = typeof message.extra === 'object' && message.extra !== null ? (message.extra as Record<string, unknown>) : {};
  const at = epochSeconds(extra.timestamp);
  if ('returncode' in extra) {
    const code = typeof extra.returncode === 'number' ? extra.returncode : null;
    const exception = typeof extra.exception_info === 'string' && extra.exception_info !== '' ? extra.exception_info : null;
    return { returncode: code, error: exception, at };
  }
  if (message.role === 'tool') return { returncode: null, error: null, at };
  const text = typeof message.content === 'string' ? message.content : '';
  const match = /<returncode>(-?\d+)<\/returncode>/.exec(text);
  return match ? { returncode: Number(match[1]), error: null, at } : null;
}

/** The tool calls of a message list: each action of an assistant message, ended by its observation. */
function miniCalls(
  fields: FieldReader,
  messages: readonly unknown[],
): { calls: ToolCall[]; first: Date | null; last: Date | null; usage: Omit<Usage, 'costUsd' | 'apiCalls'> } {
  const calls: ToolCall[] = [];
  let pending: PendingCall[] = [];
  let first: Date | null = null;
  let last: Date | null = null;
  const usage = new UsageSum();
  const close = (call: PendingCall, end: Date | null, returncode: number | null, error: string | null): void => {
    const started = call.started ?? end ?? last ?? new Date(0);
    const ended = end ?? started;
    const success = error === null && (returncode === null || returncode === 0);
    calls.push({
      callId: call.callId,
      tool: toolName(call.command),
      started,
      ended,
      success,
      // Observations are stamped when all of a message's actions have run: a duration only for a message of one action.
      durationMs: call.alone && call.started !== null && end !== null ? Math.max(0, end.getTime() - call.started.getTime()) : null,
      error: success ? null : (error ?? `exit code ${returncode}`),
    });
  };
  for (const [i, value] of messages.entries()) {
    const message = fields.object(value, `messages[${i}]`);
    const extra = typeof message.extra === 'object' && message.extra !== null ? (message.extra as Record<string, unknown>) : {};
    const at = epochSeconds(extra.timestamp);
    if (at !== null) {
      first ??= at;
      last = at;
    }
    if (message.role === 'assistant') {
      for (const call of pending) close(call, null, null, 'no observation was recorded for this action');
      const actions = actionsOf(message);
      pending = actions.map((action, k) => ({
        callId: `s${i + 1}.c${k + 1}`,
        command: action.command,
        toolCallId: action.toolCallId,
        started: at,
        alone: actions.length === 1,
      }));
      usage.add(extra.response);
      continue;
    }
    const observation = observationOf(message);
    if (observation === null || pending.length === 0) continue;
    const id = typeof message.tool_call_id === 'string' ? message.tool_call_id : null;
    const index = Math.max(0, id === null ? 0 : pending.findIndex((p) => p.toolCallId === id));
    const [call] = pending.splice(index, 1);
    close(call!, observation.at, observation.returncode, observation.error);
  }
  for (const call of pending) close(call, null, null, 'no observation was recorded for this action');
  return { calls, first, last, usage: usage.total() };
}

/** The usage of a trajectory's responses, summed; the token counts stay unknown when no response carries usage. */
class UsageSum {
  private counted = false;
  private input = 0;
  private output = 0;
  private cacheRead = 0;
  private reasoning = 0;

  add(response: unknown): void {
    const usage = usageOf(response);
    if (usage === null) return;
    this.counted = true;
    this.input += usage.input;
    this.output += usage.output;
    this.cacheRead += usage.cacheRead;
    this.reasoning += usage.reasoning;
  }

  total(): Omit<Usage, 'costUsd' | 'apiCalls'> {
    return {
      inputTokens: this.counted ? this.input : null,
      outputTokens: this.counted ? this.output : null,
      cacheReadTokens: this.cacheRead,
      reasoningTokens: this.reasoning,
    };
  }
}

/** A LiteLLM response's usage (prompt_tokens include cached ones, as runledger's inputTokens do); null when it has none. */
function usageOf(response: unknown): { input: number; output: number; cacheRead: number; reasoning: number } | null {
  if (typeof response !== 'object' || response === null) return null;
  const usage = (response as Record<string, unknown>).usage;
  if (typeof usage !== 'object' || usage === null) return null;
  const u = usage as Record<string, unknown>;
  const count = (v: unknown): number => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : 0);
  const details = (v: unknown, key: string): number =>
    typeof v === 'object' && v !== null ? count((v as Record<string, unknown>)[key]) : 0;
  if (typeof u.prompt_tokens !== 'number' && typeof u.completion_tokens !== 'number') return null;
  return {
    input: count(u.prompt_tokens),
    output: count(u.completion_tokens),
    cacheRead: details(u.prompt_tokens_details, 'cached_tokens'),
    reasoning: details(u.completion_tokens_details, 'reasoning_tokens'),
  };
}
