import type { RunEntry } from '../../src/journal/envelope.js';
import { nearestRankPercentile } from '../shared/percentile.js';

export interface ToolStats {
  calls: number;
  failures: number;
  /** Open when their writer died; they have no result and no duration. */
  abandoned: number;
  /** Durations of the calls that ended, for total, mean and p95. */
  readonly durationsMs: number[];
}

export interface ToolUsageState {
  readonly tools: Map<string, ToolStats>;
  readonly openCalls: Map<string, string>;
}

/** One row of tool_usage.csv: one tool in one run. */
export interface ToolUsageModel {
  readonly tool: string;
  readonly calls: number;
  readonly failures: number;
  readonly abandoned: number;
  readonly totalDurationMs: number;
  readonly meanDurationMs: number | null;
  readonly p95DurationMs: number | null;
}

export function initialToolUsage(): ToolUsageState {
  return { tools: new Map(), openCalls: new Map() };
}

export function evolveToolUsage(state: ToolUsageState, entry: RunEntry): ToolUsageState {
  switch (entry.type) {
    case 'ToolCallStarted': {
      let stats = state.tools.get(entry.data.tool);
      if (!stats) {
        stats = { calls: 0, failures: 0, abandoned: 0, durationsMs: [] };
        state.tools.set(entry.data.tool, stats);
      }
      stats.calls += 1;
      state.openCalls.set(entry.data.callId, entry.data.tool);
      return state;
    }
    case 'ToolCallEnded': {
      const stats = state.tools.get(entry.data.tool);
      if (stats) {
        if (!entry.data.success) stats.failures += 1;
        // An imported call its source did not time has no duration: it counts, but not in the percentiles.
        if (entry.data.durationMs !== null) stats.durationsMs.push(entry.data.durationMs);
      }
      state.openCalls.delete(entry.data.callId);
      return state;
    }
    case 'RunResumed':
      for (const callId of entry.data.abandonedToolCalls) {
        const tool = state.openCalls.get(callId);
        const stats = tool === undefined ? undefined : state.tools.get(tool);
        if (stats) stats.abandoned += 1;
        state.openCalls.delete(callId);
      }
      return state;
    case 'RunStarted':
    case 'TailQuarantined':
    case 'IssueStarted':
    case 'IssueFinished':
    case 'AgentStarted':
    case 'AgentFinished':
    case 'TokensUsed':
    case 'PipelineFinished':
    case 'DebuggingCycleRecorded':
    case 'ErrorRecorded':
    case 'RunFinished':
      return state;
    default: {
      const unhandled: never = entry;
      throw new Error(`tool usage: unhandled event ${JSON.stringify(unhandled)}`);
    }
  }
}

/**
 * Tools sorted by name; durations over the calls that ended. A call still open in a run that is
 * no longer running will never end: it counts as abandoned, like one a RunResumed named.
 */
export function toolUsageModels(state: ToolUsageState, runRunning: boolean): ToolUsageModel[] {
  const stillOpen = new Map<string, number>();
  if (!runRunning) for (const tool of state.openCalls.values()) stillOpen.set(tool, (stillOpen.get(tool) ?? 0) + 1);
  return [...state.tools.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([tool, s]) => {
      const total = s.durationsMs.reduce((sum, d) => sum + d, 0);
      return {
        tool,
        calls: s.calls,
        failures: s.failures,
        abandoned: s.abandoned + (stillOpen.get(tool) ?? 0),
        totalDurationMs: total,
        meanDurationMs: s.durationsMs.length === 0 ? null : total / s.durationsMs.length,
        p95DurationMs: nearestRankPercentile(s.durationsMs, 95),
      };
    });
}
