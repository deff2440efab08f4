import type { RunEntry } from '../../src/journal/envelope.js';
import type { IssueId } from '../../events/fields.js';
import { addTokens, emptyTokenTotals, type TokenTotals } from '../shared/token-totals.js';

export type AgentStatus = 'open' | 'succeeded' | 'failed' | 'abandoned';

export interface AgentState {
  readonly agentId: string;
  readonly agentType: string;
  readonly issueId: IssueId | null;
  readonly attempt: number;
  readonly startedAt: string;
  finishedAt: string | null;
  /** "abandoned": open when its writer died (named by the RunResumed that followed). */
  status: AgentStatus;
  durationMs: number | null;
  error: string | null;
  tokens: TokenTotals;
  toolCalls: number;
  toolFailures: number;
}

export interface AgentsState {
  /** Every attempt, in the order they started. */
  readonly agents: Map<string, AgentState>;
  readonly callAgent: Map<string, string>;
}

export function initialAgents(): AgentsState {
  return { agents: new Map(), callAgent: new Map() };
}

export function evolveAgents(state: AgentsState, entry: RunEntry): AgentsState {
  switch (entry.type) {
    case 'AgentStarted': {
      const { agentId, agentType, issueId, attempt } = entry.data;
      state.agents.set(agentId, {
        agentId,
        agentType,
        issueId,
        attempt,
        startedAt: entry.ts,
        finishedAt: null,
        status: 'open',
        durationMs: null,
        error: null,
        tokens: emptyTokenTotals(),
        toolCalls: 0,
        toolFailures: 0,
      });
      return state;
    }
    case 'AgentFinished': {
      const agent = state.agents.get(entry.data.agentId);
      if (agent) {
        agent.status = entry.data.success ? 'succeeded' : 'failed';
        agent.finishedAt = entry.ts;
        agent.durationMs = entry.data.durationMs;
        agent.error = entry.data.error;
      }
      return state;
    }
    case 'TokensUsed': {
      const agent = entry.data.agentId === null ? undefined : state.agents.get(entry.data.agentId);
      if (agent) addTokens(agent.tokens, entry.data);
      return state;
    }
    case 'ToolCallStarted': {
      const agent = entry.data.agentId === null ? undefined : state.agents.get(entry.data.agentId);
      if (agent) {
        agent.toolCalls += 1;
        state.callAgent.set(entry.data.callId, agent.agentId);
      }
      return state;
    }
    case 'ToolCallEnded': {
      const agentId = state.callAgent.get(entry.data.callId);
      const agent = agentId === undefined ? undefined : state.agents.get(agentId);
      if (agent && !entry.data.success) agent.toolFailures += 1;
      state.callAgent.delete(entry.data.callId);
      return state;
    }
    case 'RunResumed':
      for (const agentId of entry.data.abandonedAgents) {
        const agent = state.agents.get(agentId);
        if (agent && agent.status === 'open') agent.status = 'abandoned';
      }
      for (const callId of entry.data.abandonedToolCalls) state.callAgent.delete(callId);
      return state;
    case 'RunStarted':
    case 'TailQuarantined':
    case 'IssueStarted':
    case 'IssueFinished':
    case 'PipelineFinished':
    case 'DebuggingCycleRecorded':
    case 'ErrorRecorded':
    case 'RunFinished':
      return state;
    default: {
      const unhandled: never = entry;
      throw new Error(`agents: unhandled event ${JSON.stringify(unhandled)}`);
    }
  }
}
