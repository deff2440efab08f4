import path from 'node:path';
import type { JsonValue } from '../../../events/config.js';
import { toolName, type ToolCall } from '../agent-issue.js';
import { FieldReader } from '../fields.js';

/**
 * A SWE-agent or mini-swe-agent trajectory, read into what an import needs. The field names are
 * the harnesses' own: SWE-agent's AgentRunResult / get_trajectory_data (sweagent/types.py,
 * sweagent/agent/agents.py), mini-swe-agent's DefaultAgent.serialize (trajectory_format
 * "mini-swe-agent-1.1", and the text-based "-1" messages before it).
 */
export interface Trajectory {
  readonly instanceId: string;
  readonly agent: 'swe-agent' | 'mini-swe-agent';
  readonly model: string;
  /** The model's settings as the source names them (temperature, top_p, model_kwargs …); credentials are dropped later. */
  readonly modelSettings: Readonly<Record<string, unknown>>;
  readonly agentSettings: Readonly<Record<string, JsonValue>>;
  readonly exitStatus: string | null;
  readonly submission: string | null;
  readonly attempts: readonly Attempt[];
  /** Which attempt the harness chose (SWE-agent's retry loop: info.best_attempt_idx); 0 for one attempt. */
  readonly chosenAttempt: number;
  readonly usage: Usage;
  readonly startedAt: Date;
  readonly finishedAt: Date;
}

export interface Attempt {
  readonly exitStatus: string | null;
  /** Call ids are local to the attempt (s<step>.c<n>). */
  readonly calls: readonly ToolCall[];
  readonly startedAt: Date;
  readonly finishedAt: Date;
}

export interface Usage {
  readonly inputTokens: number | null;
  readonly outputTokens: number | null;
  readonly cacheReadTokens: number;
  readonly reasoningTokens: number;
  readonly costUsd: number | null;
  readonly apiCalls: number | null;
}

export function instanceIdOf(file: string, record: Record<string, unknown>): string {
  if (typeof record.instance_id === 'string' && record.instance_id !== '') return record.instance_id;
  return path.basename(file).replace(/\.traj(\.json)?$/, '');
}

export function exitStatusOf(fields: FieldReader, info: Record<string, unknown>): string | null {
  const status = info.exit_status;
  if (status === undefined || status === null || status === '') return null;
  if (typeof status === 'string') return status;
  if (typeof status === 'number') return String(status);
  throw fields.fail(`"info.exit_status" is ${JSON.stringify(status)}, expected a string`);
}

export function modelStats(fields: FieldReader, info: Record<string, unknown>): Record<string, unknown> {
  return info.model_stats === undefined || info.model_stats === null ? {} : fields.object(info.model_stats, 'info.model_stats');
}

// ---- SWE-agent ----

/** SWE-agent's replay_config: the run's config as a JSON string (an object in some versions); null when absent. */
function replayConfig(fields: FieldReader, record: Record<string, unknown>): Record<string, unknown> | null {
  const raw = record.replay_config;
  if (raw === undefined || raw === null) return null;
  if (typeof raw === 'object') return fields.object(raw, 'replay_config');
  if (typeof raw !== 'string') throw fields.fail(`"replay_config" is ${typeof raw}, expected a JSON string`);
  try {
    return fields.object(JSON.parse(raw), 'replay_config');
  } catch (error) {
    if (error instanceof SyntaxError) throw fields.fail(`"replay_config" is not valid JSON (${error.message})`);
    throw error;
  }
}

export function sweAgentTrajectory(file: string, record: Record<string, unknown>, mtime: Date): Trajectory {
  const fields = new FieldReader(file);
  const info = fields.object(record.info ?? {}, 'info');
  const replay = replayConfig(fields, record);
  const agentConfig =
    replay !== null && typeof replay.agent === 'object' && replay.agent !== null ? (replay.agent as Record<string, unknown>) : {};
  const modelConfig =
    typeof agentConfig.model === 'object' && agentConfig.model !== null ? (agentConfig.model as Record<string, unknown>) : {};
  const model = typeof modelConfig.name === 'string' && modelConfig.name !== '' ? modelConfig.name : null;
  if (model === null)
    throw fields.fail('names no model (replay_config.agent.model.name): only SWE-agent ≥ 1.0 trajectories carry their configuration');
  const stats = modelStats(fields, info);
  const exitStatus = exitStatusOf(fields, info);
  const steps: unknown[][] = Array.isArray(record.attempts)
    ? record.attempts.map((attempt, i) => stepsOf(fields, fields.object(attempt, `attempts[${i}]`), `attempts[${i}].trajectory`))
    : [stepsOf(fields, record, 'trajectory')];
  const attemptStatuses = Array.isArray(record.attempts)
    ? record.attempts.map((attempt) => exitStatusOf(fields, fields.object((attempt as Record<string, unknown>).info ?? {}, 'attempt info')))
    : [exitStatus];
  const best = fields.optionalCount(info, 'best_attempt_idx') ?? 0;
  const agentSettings: Record<string, JsonValue> = {};
  if (typeof info.swe_agent_version === 'string') agentSettings.agentVersion = info.swe_agent_version;
  if (typeof agentConfig.type === 'string') agentSettings.agentType = agentConfig.type;
  return {
    instanceId: instanceIdOf(file, record),
    agent: 'swe-agent',
    model,
    modelSettings: { temperature: modelConfig.temperature, top_p: modelConfig.top_p },
    agentSettings,
    exitStatus,
    submission: fields.optionalString(info, 'submission'),
    attempts: steps.map((attemptSteps, i) => ({
      exitStatus: attemptStatuses[i] ?? null,
      calls: sweAgentCalls(fields, attemptSteps, mtime),
      startedAt: mtime,
      finishedAt: mtime,
    })),
    chosenAttempt: Math.min(best, steps.length - 1),
    usage: {
      inputTokens: fields.optionalCount(stats, 'tokens_sent'),
      outputTokens: fields.optionalCount(stats, 'tokens_received'),
      cacheReadTokens: 0,
      reasoningTokens: 0,
      costUsd: fields.optionalNumber(stats, 'instance_cost'),
      apiCalls: fields.optionalCount(stats, 'api_calls'),
    },
    // SWE-agent keeps no times: the file's.
    startedAt: mtime,
    finishedAt: mtime,
  };
}

function stepsOf(fields: FieldReader, record: Record<string, unknown>, what: string): unknown[] {
  const steps = record.trajectory;
  if (steps === undefined || steps === null) return [];
  if (!Array.isArray(steps)) throw fields.fail(`"${what}" is not a JSON array`);
  return steps;
}

/**
 * One tool call per step with an action, named by the action's first word (a tool such as
 * str_replace_editor, or the shell command). SWE-agent records the step's execution_time but no
 * exit code: every call counts as a success (README).
 */
function sweAgentCalls(fields: FieldReader, steps: readonly unknown[], at: Date): ToolCall[] {
  const calls: ToolCall[] = [];
  for (const [i, value] of steps.entries()) {
    const step = fields.object(value, `trajectory[${i}]`);
    const action = typeof step.action === 'string' ? step.action.trim() : '';
    if (action === '') continue;
    const seconds = fields.optionalNumber(step, 'execution_time');
    calls.push({
      callId: `s${i + 1}`,
      tool: toolName(action),
      started: at,
      ended: at,
      success: true,
      durationMs: seconds === null ? null : seconds * 1000,
      error: null,
    });
  }
  return calls;
}
