import { describe, expect, it } from 'vitest';
import { evolveAgents, initialAgents } from '../projections/agents/agents.js';
import { debuggingCyclesProjection, errorsProjection, pipelinesProjection } from '../projections/event-logs/event-log.js';
import { nearestRankPercentile } from '../projections/shared/percentile.js';
import { evolveToolUsage, initialToolUsage, toolUsageModels } from '../projections/tool-usage/tool-usage.js';
import {
  agentFinished,
  agentStarted,
  at,
  debuggingCycle,
  errorRecorded,
  given,
  issueStarted,
  pipelineFinished,
  RUN_ID,
  runFinished,
  runResumed,
  runStarted,
  t,
  tokensUsed,
  toolCallEnded,
  toolCallStarted,
  type GivenEvent,
} from './helpers/entries.js';

describe('agents', () => {
  it('keeps every attempt with status succeeded or failed, its times, duration and error', () => {
    const { agents } = given(
      runStarted(),
      issueStarted(1),
      at(t(10), agentStarted('a1', 'coding', 1, 1)),
      at(t(15), agentFinished('a1', 'coding', 1, false, { durationMs: 5000, error: 'compile error' })),
      at(t(20), agentStarted('a2', 'coding', 1, 2)),
      at(t(29), agentFinished('a2', 'coding', 1, true, { durationMs: 9000 })),
    ).when();
    expect(agents).toEqual([
      expect.objectContaining({
        runId: RUN_ID,
        agentId: 'a1',
        agentType: 'coding',
        issueId: 1,
        attempt: 1,
        status: 'failed',
        startedAt: t(10),
        endedAt: t(15),
        durationMs: 5000,
        error: 'compile error',
      }),
      expect.objectContaining({
        runId: RUN_ID,
        agentId: 'a2',
        agentType: 'coding',
        issueId: 1,
        attempt: 2,
        status: 'succeeded',
        startedAt: t(20),
        endedAt: t(29),
        durationMs: 9000,
        error: null,
      }),
    ]);
  });

  it('an agent still open while the run runs is "open", with no end', () => {
    const { agents } = given(runStarted(), agentStarted('a1', 'coding', null)).when({ writerAlive: true });
    expect(agents[0]).toMatchObject({ status: 'open', endedAt: null, durationMs: null });
  });

  it('an agent open when RunResumed names it is "abandoned", even while the resumed run runs', () => {
    const { agents } = given(
      runStarted(),
      agentStarted('a1', 'coding', null),
      agentStarted('a2', 'testing', null),
      runResumed({ afterSeq: 3, abandonedAgents: ['a1', 'a2'] }),
      agentStarted('a3', 'coding', null, 2),
    ).when({ writerAlive: true });
    expect(agents.map((a) => [a.agentId, a.status])).toEqual([
      ['a1', 'abandoned'],
      ['a2', 'abandoned'],
      ['a3', 'open'],
    ]);
  });

  it('RunResumed does not turn a finished agent into an abandoned one', () => {
    const { agents } = given(
      runStarted(),
      agentStarted('a1', 'coding', null),
      agentFinished('a1', 'coding', null, true),
      runResumed({ abandonedAgents: ['a1'] }),
    ).when({
      writerAlive: true,
    });
    expect(agents[0]!.status).toBe('succeeded');
  });

  it('an open agent in a crashed run shows "abandoned", and in a finished run too', () => {
    const events: GivenEvent[] = [
      runStarted(),
      agentStarted('a1', 'coding', null),
      agentStarted('a2', 'review', null),
      agentFinished('a2', 'review', null, true),
    ];
    const crashed = given(...events).when({ writerAlive: false });
    const finished = given(...events, runFinished('interrupted')).when({ writerAlive: false });
    expect(crashed.run.status).toBe('crashed');
    expect(crashed.agents.map((a) => a.status)).toEqual(['abandoned', 'succeeded']);
    expect(finished.agents.map((a) => a.status)).toEqual(['abandoned', 'succeeded']);
  });

  it('sums tokens and cost per agent, unpriced records apart', () => {
    const { agents } = given(
      runStarted(),
      agentStarted('a1', 'coding', null),
      agentStarted('a2', 'testing', null),
      tokensUsed({ agentId: 'a1', inputTokens: 100, outputTokens: 20, reasoningTokens: 5, costUsd: 0.125 }),
      tokensUsed({ agentId: 'a1', inputTokens: 300, outputTokens: 40, cacheReadTokens: 200, costUsd: 0.25 }),
      tokensUsed({ agentId: 'a1', inputTokens: 1, outputTokens: 1, costUsd: null, model: 'local' }),
      tokensUsed({ agentId: 'a2', inputTokens: 9, outputTokens: 9, costUsd: 1 }),
    ).when();
    expect(agents[0]!.tokens).toEqual({
      inputTokens: 401,
      outputTokens: 61,
      cacheReadTokens: 200,
      cacheWriteTokens: 0,
      reasoningTokens: 5,
      costUsd: 0.375,
      tokenRecords: 3,
      unpricedRecords: 1,
      unpricedTokens: 2,
      reportedRecords: 0,
      reportedMinusComputedUsd: 0,
    });
    expect(agents[1]!.tokens).toMatchObject({ inputTokens: 9, costUsd: 1, tokenRecords: 1, unpricedRecords: 0 });
  });

  it("counts an agent's tool calls and failed calls", () => {
    const { agents } = given(
      runStarted(),
      agentStarted('a1', 'coding', null),
      toolCallStarted('c1', 'git', null, 'a1'),
      toolCallStarted('c2', 'shell', null, 'a1'),
      toolCallStarted('c3', 'shell', null, null),
      toolCallEnded('c1', 'git', false),
      toolCallEnded('c2', 'shell', true),
      toolCallEnded('c3', 'shell', false),
    ).when();
    expect([agents[0]!.toolCalls, agents[0]!.toolFailures]).toEqual([2, 1]);
  });

  it('the agents projection alone keeps attempts in start order and forgets calls that ended or were abandoned', () => {
    const state = given(
      runStarted(),
      agentStarted('b', 'coding', null),
      agentStarted('a', 'coding', null, 2),
      toolCallStarted('c1', 'git', null, 'a'),
      toolCallStarted('c2', 'git', null, 'a'),
      toolCallStarted('c3', 'git', null, 'b'),
      toolCallEnded('c1', 'git', true),
      runResumed({ abandonedToolCalls: ['c2'] }),
    ).foldWith(initialAgents, evolveAgents);
    expect([...state.agents.keys()]).toEqual(['b', 'a']);
    expect([...state.callAgent.entries()]).toEqual([['c3', 'b']]);
  });
});

describe('tool usage', () => {
  it('counts calls, failures and abandoned calls per tool, sorted by tool name', () => {
    const { tools } = given(
      runStarted(),
      toolCallStarted('c1', 'shell'),
      toolCallStarted('c2', 'git'),
      toolCallStarted('c3', 'git'),
      toolCallStarted('c4', 'git'),
      toolCallEnded('c2', 'git', false, 100),
      toolCallEnded('c3', 'git', true, 300),
      runResumed({ afterSeq: 7, abandonedToolCalls: ['c1', 'c4'] }),
    ).when({ writerAlive: true });
    expect(tools).toEqual([
      { runId: RUN_ID, tool: 'git', calls: 3, failures: 1, abandoned: 1, totalDurationMs: 400, meanDurationMs: 200, p95DurationMs: 300 },
      { runId: RUN_ID, tool: 'shell', calls: 1, failures: 0, abandoned: 1, totalDurationMs: 0, meanDurationMs: null, p95DurationMs: null },
    ]);
  });

  it('durations: total, mean and nearest-rank p95 of 20 known durations, worked by hand', () => {
    // 20 durations, shuffled: 10, 20, ..., 200 ms. Sorted, nearest rank for p95 is
    // ceil(0.95 × 20) = 19, the 19th smallest: 190. Total 2100, mean 105.
    // (A sort as strings would put 100..190 before 20 and pick another value.)
    const durations = [70, 200, 10, 130, 90, 20, 180, 40, 160, 110, 30, 190, 60, 150, 100, 50, 120, 80, 170, 140];
    expect([...durations].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => (i + 1) * 10));
    const events: GivenEvent[] = [runStarted()];
    durations.forEach((d, i) => events.push(toolCallStarted(`c${i}`, 'run_tests'), toolCallEnded(`c${i}`, 'run_tests', i % 4 !== 0, d)));
    const [tool] = given(...events).when().tools;
    expect(tool).toEqual({
      runId: RUN_ID,
      tool: 'run_tests',
      calls: 20,
      failures: 5,
      abandoned: 0,
      totalDurationMs: 2100,
      meanDurationMs: 105,
      p95DurationMs: 190,
    });
  });

  it('nearest-rank p95 is always a value that occurred: 1 value is itself, 2 values give the larger', () => {
    expect(nearestRankPercentile([], 95)).toBeNull();
    expect(nearestRankPercentile([42], 95)).toBe(42);
    expect(nearestRankPercentile([5, 1], 95)).toBe(5);
    // 21 values 1..21: ceil(0.95 × 21) = ceil(19.95) = 20.
    expect(
      nearestRankPercentile(
        Array.from({ length: 21 }, (_, i) => 21 - i),
        95,
      ),
    ).toBe(20);
  });

  it('an open call counts as a call, not as a failure, and adds no duration', () => {
    const { tools } = given(
      runStarted(),
      toolCallStarted('c1', 'git'),
      toolCallStarted('c2', 'git'),
      toolCallEnded('c1', 'git', true, 50),
    ).when({ writerAlive: true });
    expect(tools[0]).toMatchObject({ calls: 2, failures: 0, abandoned: 0, totalDurationMs: 50, meanDurationMs: 50, p95DurationMs: 50 });
  });

  it('the tool usage projection alone forgets a call once it ended or was abandoned', () => {
    const state = given(
      runStarted(),
      toolCallStarted('c1', 'git'),
      toolCallStarted('c2', 'git'),
      toolCallStarted('c3', 'git'),
      toolCallEnded('c1', 'git', true),
      runResumed({ abandonedToolCalls: ['c2'] }),
    ).foldWith(initialToolUsage, evolveToolUsage);
    expect([...state.openCalls.keys()]).toEqual(['c3']);
    expect(toolUsageModels(state, true)).toEqual([
      { tool: 'git', calls: 3, failures: 0, abandoned: 1, totalDurationMs: 100, meanDurationMs: 100, p95DurationMs: 100 },
    ]);
  });
});

describe('pipelines, debugging cycles and errors', () => {
  const events: GivenEvent[] = [
    runStarted(),
    issueStarted(1),
    pipelineFinished('p1', 'failed', { issueId: 1, attempt: 1, failingTests: 3, durationMs: 60_000, commitSha: 'aaa' }),
    debuggingCycle(1, { issueId: 1, trigger: 'pipeline_failed', failingTests: 3, resolved: false, durationMs: 1000, agentId: 'a1' }),
    errorRecorded('tool_error', 'git push rejected', { recoverable: true, issueId: 1, callId: 'c9', tool: 'git' }),
    debuggingCycle(2, { issueId: 1, resolved: true }),
    pipelineFinished('p2', 'canceled', { issueId: 1, attempt: 2 }),
    errorRecorded('fatal', 'out of memory', { recoverable: false }),
    pipelineFinished('p3', 'success', { issueId: 1, attempt: 3, commitSha: 'ccc' }),
  ];

  it('keeps every pipeline in journal order with its seq and recording time', () => {
    const { pipelines } = given(...events).when();
    expect(pipelines).toEqual([
      {
        runId: RUN_ID,
        pipelineId: 'p1',
        commitSha: 'aaa',
        status: 'failed',
        triggeredBy: 'testing',
        attempt: 1,
        durationMs: 60_000,
        failingTests: 3,
        issueId: 1,
        seq: 3,
        recordedAt: t(2),
      },
      {
        runId: RUN_ID,
        pipelineId: 'p2',
        commitSha: 'sha-p2',
        status: 'canceled',
        triggeredBy: 'testing',
        attempt: 2,
        durationMs: null,
        failingTests: 0,
        issueId: 1,
        seq: 7,
        recordedAt: t(6),
      },
      {
        runId: RUN_ID,
        pipelineId: 'p3',
        commitSha: 'ccc',
        status: 'success',
        triggeredBy: 'testing',
        attempt: 3,
        durationMs: null,
        failingTests: 0,
        issueId: 1,
        seq: 9,
        recordedAt: t(8),
      },
    ]);
  });

  it('keeps every debugging cycle in order with its seq and recording time', () => {
    const { debuggingCycles } = given(...events).when();
    expect(debuggingCycles).toEqual([
      {
        runId: RUN_ID,
        cycle: 1,
        trigger: 'pipeline_failed',
        failingTests: 3,
        resolved: false,
        durationMs: 1000,
        issueId: 1,
        agentId: 'a1',
        seq: 4,
        recordedAt: t(3),
      },
      {
        runId: RUN_ID,
        cycle: 2,
        trigger: 'pipeline_failed',
        failingTests: 0,
        resolved: true,
        durationMs: null,
        issueId: 1,
        agentId: null,
        seq: 6,
        recordedAt: t(5),
      },
    ]);
  });

  it('keeps every error in order with its seq and recording time', () => {
    const { errors } = given(...events).when();
    expect(errors).toEqual([
      {
        runId: RUN_ID,
        kind: 'tool_error',
        message: 'git push rejected',
        recoverable: true,
        issueId: 1,
        agentId: null,
        callId: 'c9',
        tool: 'git',
        seq: 5,
        recordedAt: t(4),
      },
      {
        runId: RUN_ID,
        kind: 'fatal',
        message: 'out of memory',
        recoverable: false,
        issueId: null,
        agentId: null,
        callId: null,
        tool: null,
        seq: 8,
        recordedAt: t(7),
      },
    ]);
  });

  it('identical records stay two rows: a log never de-duplicates', () => {
    const { errors } = given(runStarted(), errorRecorded('x', 'same'), errorRecorded('x', 'same')).when();
    expect(errors.map((e) => e.seq)).toEqual([2, 3]);
  });

  it('each log projection alone keeps only its own event type', () => {
    const g = given(...events);
    expect(g.foldWith(pipelinesProjection.initialState, pipelinesProjection.evolve).records.map((r) => r.pipelineId)).toEqual([
      'p1',
      'p2',
      'p3',
    ]);
    expect(g.foldWith(debuggingCyclesProjection.initialState, debuggingCyclesProjection.evolve).records.map((r) => r.cycle)).toEqual([
      1, 2,
    ]);
    expect(g.foldWith(errorsProjection.initialState, errorsProjection.evolve).records.map((r) => r.kind)).toEqual(['tool_error', 'fatal']);
  });
});

describe('a crashed run that was never resumed', () => {
  it('counts its open agent and open tool call as abandoned, the same in the run, agents and tools models', () => {
    const events = [
      runStarted(),
      agentStarted('agent-1', 'coding', null),
      toolCallStarted('call-1', 'run_tests', null, 'agent-1'),
      toolCallStarted('call-2', 'run_tests', null, 'agent-1'),
      toolCallEnded('call-2', 'run_tests', true, 50),
    ];
    const crashed = given(...events).when({ writerAlive: false });
    expect(crashed.agents.map((a) => a.status)).toEqual(['abandoned']);
    expect(crashed.tools).toEqual([
      expect.objectContaining({ tool: 'run_tests', calls: 2, failures: 0, abandoned: 1, totalDurationMs: 50 }),
    ]);
    expect(crashed.run).toMatchObject({ status: 'crashed', abandonedAgents: 1, abandonedToolCalls: 1 });
    // While its writer lives, nothing is abandoned yet.
    const running = given(...events).when({ writerAlive: true });
    expect(running.run).toMatchObject({ status: 'running', abandonedAgents: 0, abandonedToolCalls: 0 });
    expect(running.tools[0]!.abandoned).toBe(0);
  });
});
