import { afterEach, describe, expect, it, vi } from 'vitest';
import { evolveRunSummary, initialRunSummary } from '../projections/run/run-summary.js';
import { evolveRunProjection, initialRunProjection, runReadModels } from '../projections/run-projection.js';
import {
  agentFinished,
  agentStarted,
  at,
  debuggingCycle,
  entriesOf,
  errorRecorded,
  given,
  issueFinished,
  issueStarted,
  pipelineFinished,
  RUN_ID,
  runFinished,
  runResumed,
  runStarted,
  t,
  T0,
  tailQuarantined,
  tokensUsed,
  toolCallEnded,
  toolCallStarted,
  type GivenEvent,
} from './helpers/entries.js';

describe('run status', () => {
  it.each(['completed', 'failed', 'interrupted'] as const)(
    'is "%s" as RunFinished recorded it, whether or not a writer is alive',
    (status) => {
      const run = given(runStarted(), runFinished(status, { reason: `because ${status}` }));
      expect(run.when({ writerAlive: false }).run.status).toBe(status);
      expect(run.when({ writerAlive: true }).run.status).toBe(status);
      expect(run.when().run.statusReason).toBe(`because ${status}`);
    },
  );

  it('is "running" without RunFinished while a writer holds a live lock, and "crashed" without one', () => {
    const run = given(runStarted(), issueStarted(1));
    expect(run.when({ writerAlive: true }).run.status).toBe('running');
    expect(run.when({ writerAlive: false }).run.status).toBe('crashed');
    expect(run.when({ writerAlive: false }).run.statusReason).toBeNull();
  });

  it('goes back to running or crashed when a RunResumed follows a RunFinished, and forgets the old reason', () => {
    const run = given(runStarted(), runFinished('interrupted', { reason: 'SIGINT', durationMs: 1000 }), runResumed({ afterSeq: 2 }));
    const alive = run.when({ writerAlive: true }).run;
    const dead = run.when({ writerAlive: false }).run;
    expect([alive.status, alive.statusReason, alive.endedAt]).toEqual(['running', null, null]);
    expect([dead.status, dead.statusReason, dead.endedAt]).toEqual(['crashed', null, t(2)]);
    expect(dead.resumes).toBe(1);
  });

  it('a second RunFinished after a resume is the status that counts', () => {
    const run = given(
      runStarted(),
      runFinished('interrupted', { reason: 'SIGTERM' }),
      runResumed(),
      at(t(50), runFinished('completed', { durationMs: 50_000 })),
    );
    const { run: model } = run.when({ writerAlive: false });
    expect([model.status, model.statusReason, model.endedAt, model.durationMs]).toEqual(['completed', null, t(50), 50_000]);
  });
});

describe('run times', () => {
  it('a resumed run: wall time includes the downtime before each resume, active time does not', () => {
    const { run } = given(
      at(t(0), runStarted()),
      at(t(1.5), issueStarted(1)),
      // The writer dies; the run is resumed 27.7 s later, then interrupted and resumed again after 10 s.
      at(t(29.2), runResumed({ afterSeq: 2 })),
      at(t(30), runFinished('interrupted', { durationMs: 30_000 })),
      at(t(40), runResumed({ afterSeq: 4 })),
      at(t(41), runFinished('completed', { durationMs: 41_000 })),
    ).when({ writerAlive: false });
    expect(run).toMatchObject({ resumes: 2, durationMs: 41_000, downtimeMs: 37_700, activeDurationMs: 3300 });
  });

  it('a run never resumed has no downtime: active time is its wall time', () => {
    const { run } = given(at(t(0), runStarted()), at(t(12), runFinished('completed', { durationMs: 12_000 }))).when();
    expect(run).toMatchObject({ resumes: 0, downtimeMs: 0, durationMs: 12_000, activeDurationMs: 12_000 });
  });

  it("startedAt is RunStarted's time and endedAt is RunFinished's", () => {
    const { run } = given(
      at(T0, runStarted()),
      at(t(30), issueStarted(1)),
      at(t(90), runFinished('completed', { durationMs: 90_000 })),
    ).when();
    expect([run.startedAt, run.endedAt, run.durationMs]).toEqual([T0, t(90), 90_000]);
  });

  it('endedAt is null while the run is running', () => {
    const { run } = given(runStarted(), at(t(40), issueStarted(1))).when({ writerAlive: true });
    expect(run.endedAt).toBeNull();
    // The duration so far: from RunStarted to the last event.
    expect(run.durationMs).toBe(40_000);
  });

  it('a crashed run ends at its last event', () => {
    const { run } = given(runStarted(), at(t(12), issueStarted(1)), at(t(77), tokensUsed())).when({ writerAlive: false });
    expect(run.status).toBe('crashed');
    expect(run.endedAt).toBe(t(77));
    expect(run.durationMs).toBe(77_000);
  });
});

describe('issue counts and rates', () => {
  const fourIssues: GivenEvent[] = [
    runStarted(),
    issueStarted(1),
    issueFinished(1, 'completed'),
    issueStarted(2),
    issueFinished(2, 'failed'),
    issueStarted(3),
    issueFinished(3, 'skipped'),
    issueStarted(4),
  ];

  it('success rate is completed ÷ started issues, the unfinished one counted in the divisor', () => {
    const { run } = given(...fourIssues, issueStarted(5), issueFinished(5, 'completed')).when({ writerAlive: true });
    expect(run.issues).toEqual({ total: 5, completed: 2, failed: 1, skipped: 1, unfinished: 1 });
    expect(run.successRate).toBe(2 / 5);
  });

  it('success rate and first-time-right rate are null with no issue, never 0', () => {
    const { run } = given(runStarted(), runFinished('completed')).when();
    expect(run.issues).toEqual({ total: 0, completed: 0, failed: 0, skipped: 0, unfinished: 0 });
    expect(run.successRate).toBeNull();
    expect(run.firstTimeRightRate).toBeNull();
    expect(run.averageComplexity).toBeNull();
  });

  it('an issue without IssueFinished is "open" while the run runs and "unfinished" once it does not, counted as unfinished both times', () => {
    const running = given(...fourIssues).when({ writerAlive: true });
    const crashed = given(...fourIssues).when({ writerAlive: false });
    const finished = given(...fourIssues, runFinished('failed')).when({ writerAlive: true });
    expect(running.issues.find((i) => i.issueId === 4)!.status).toBe('open');
    expect(crashed.issues.find((i) => i.issueId === 4)!.status).toBe('unfinished');
    expect(finished.issues.find((i) => i.issueId === 4)!.status).toBe('unfinished');
    for (const models of [running, crashed, finished]) {
      expect(models.run.issues).toEqual({ total: 4, completed: 1, failed: 1, skipped: 1, unfinished: 1 });
      expect(models.run.successRate).toBe(1 / 4);
    }
  });

  it('first-time-right rate counts completed issues with no retried agent type, failed pipeline or debugging cycle', () => {
    const { run } = given(
      runStarted(),
      issueStarted(1), // right the first time
      agentStarted('a1', 'coding', 1),
      agentFinished('a1', 'coding', 1, true),
      issueFinished(1, 'completed'),
      issueStarted(2), // needed a debugging cycle
      debuggingCycle(1, { issueId: 2 }),
      issueFinished(2, 'completed'),
      issueStarted(3), // failed
      issueFinished(3, 'failed'),
    ).when();
    expect(run.firstTimeRightRate).toBe(1 / 3);
  });

  it('average complexity is the mean over finished issues only', () => {
    const { run } = given(
      runStarted(),
      issueStarted(1),
      issueFinished(1, 'completed', { linesAdded: 2000 }), // code part 10
      issueStarted(2),
      pipelineFinished('p', 'failed', { issueId: 2 }),
      issueFinished(2, 'failed', { linesAdded: 1000 }), // 10 + 5
      issueStarted(3),
      pipelineFinished('q', 'failed', { issueId: 3 }), // unfinished: left out of the mean
    ).when();
    expect(run.averageComplexity).toBe((10 + 15) / 2);
  });
});

describe('tokens and cost of the run', () => {
  it('sums every token kind and the cost over the run, whichever issue or agent they belong to', () => {
    const { run } = given(
      runStarted(),
      issueStarted(1),
      agentStarted('a1', 'coding', 1),
      tokensUsed({
        inputTokens: 1000,
        outputTokens: 200,
        cacheReadTokens: 300,
        cacheWriteTokens: 100,
        reasoningTokens: 50,
        costUsd: 0.25,
        issueId: 1,
        agentId: 'a1',
      }),
      tokensUsed({ inputTokens: 500, outputTokens: 50, costUsd: 0.5 }),
    ).when();
    expect(run.tokens).toEqual({
      inputTokens: 1500,
      outputTokens: 250,
      cacheReadTokens: 300,
      cacheWriteTokens: 100,
      reasoningTokens: 50,
      costUsd: 0.75,
      tokenRecords: 2,
      unpricedRecords: 0,
      unpricedTokens: 0,
      reportedRecords: 0,
      reportedMinusComputedUsd: 0,
    });
    expect(run.unpricedModels).toEqual([]);
  });

  it('counts unpriced records apart and never adds them as $0, listing each unpriced model once, sorted', () => {
    const { run } = given(
      runStarted(),
      tokensUsed({ model: 'deepseek-chat', inputTokens: 100, costUsd: 0.1 }),
      tokensUsed({ model: 'zeta-local', inputTokens: 200, costUsd: null }),
      tokensUsed({ model: 'alpha-local', inputTokens: 400, costUsd: null }),
      tokensUsed({ model: 'zeta-local', inputTokens: 800, costUsd: null }),
    ).when();
    expect(run.tokens.inputTokens).toBe(1500);
    expect(run.tokens.costUsd).toBe(0.1);
    expect(run.tokens.tokenRecords).toBe(4);
    expect(run.tokens.unpricedRecords).toBe(3);
    expect(run.unpricedModels).toEqual(['alpha-local', 'zeta-local']);
  });

  it('a run with only unpriced usage says so: cost 0 priced dollars and every record unpriced', () => {
    const { run } = given(runStarted(), tokensUsed({ model: 'mystery', costUsd: null })).when();
    expect(run.tokens.unpricedRecords).toBe(run.tokens.tokenRecords);
    expect(run.unpricedModels).toEqual(['mystery']);
  });
});

describe('run-level counts', () => {
  it('counts agent attempts and failures, tool calls and failures, pipelines, failed pipelines, cycles and errors', () => {
    const { run } = given(
      runStarted(),
      issueStarted(1),
      agentStarted('a1', 'coding', 1),
      agentFinished('a1', 'coding', 1, false, { error: 'boom' }),
      agentStarted('a2', 'coding', 1, 2),
      agentFinished('a2', 'coding', 1, true),
      agentStarted('a3', 'review', null),
      toolCallStarted('c1', 'git', 1, 'a2'),
      toolCallEnded('c1', 'git', false),
      toolCallStarted('c2', 'git', 1, 'a2'),
      toolCallEnded('c2', 'git', true),
      toolCallStarted('c3', 'shell'),
      pipelineFinished('p1', 'failed', { issueId: 1 }),
      pipelineFinished('p2', 'canceled', { issueId: 1 }),
      pipelineFinished('p3', 'success', { issueId: 1 }),
      debuggingCycle(1, { issueId: 1 }),
      errorRecorded('timeout', 'slow'),
      errorRecorded('api', 'down', { issueId: 1 }),
    ).when({ writerAlive: true });
    expect(run).toMatchObject({
      agentAttempts: 3,
      agentFailures: 1,
      toolCalls: 3,
      toolFailures: 1,
      abandonedToolCalls: 0,
      pipelines: 3,
      pipelineFailures: 1, // canceled is not a failure
      debuggingCycles: 1,
      errors: 2,
      resumes: 0,
    });
  });

  it('counts resumes, abandoned agents and tool calls named by RunResumed, and quarantined tails', () => {
    const { run } = given(
      runStarted(),
      agentStarted('a1', 'coding', null),
      toolCallStarted('c1', 'git', null, 'a1'),
      toolCallStarted('c2', 'shell', null, 'a1'),
      runResumed({ afterSeq: 4, abandonedAgents: ['a1'], abandonedToolCalls: ['c1', 'c2'] }),
      tailQuarantined(),
      runResumed({ afterSeq: 6 }),
    ).when({ writerAlive: true });
    expect(run).toMatchObject({ resumes: 2, abandonedAgents: 1, abandonedToolCalls: 2, toolCalls: 2 });
    expect(run.journal.quarantinedTails).toBe(1);
  });

  it('carries identity, configuration, versions and host from RunStarted', () => {
    const config = { llm: { provider: 'openai', model: 'gpt-4o', temperature: 0.2 }, maxRetries: 5, team: { name: 'x' } };
    const { run } = given(runStarted({ config, projectId: 'p-9' })).when();
    expect(run).toMatchObject({
      runId: RUN_ID,
      projectId: 'p-9',
      config,
      runledgerVersion: '0.1.0',
      priceTableVersion: '0.1.8',
      priceOverrideFile: null,
      host: { hostname: 'spec-host', pid: 4242 },
    });
  });
});

describe('journal facts on the run model', () => {
  it('a torn tail passed in JournalFacts appears on the run model with its offset and bytes', () => {
    const { run } = given(runStarted(), issueStarted(1)).when({ writerAlive: false, bytes: 4567, tornTail: { offset: 4000, bytes: 567 } });
    expect(run.journal).toEqual({ events: 2, lastSeq: 2, bytes: 4567, tornTail: { offset: 4000, bytes: 567 }, quarantinedTails: 0 });
  });

  it('a clean journal has tornTail null', () => {
    const { run } = given(runStarted()).when({ bytes: 300 });
    expect(run.journal.tornTail).toBeNull();
    expect(run.journal.bytes).toBe(300);
  });

  it('has no read models before RunStarted', () => {
    expect(runReadModels(initialRunProjection(), { writerAlive: false, bytes: 0, tornTail: null })).toBeNull();
  });
});

describe('the run summary projection alone', () => {
  it('counts events and keeps the last seq and time', () => {
    const state = given(runStarted(), issueStarted(1), at(t(99), issueFinished(1, 'completed'))).foldWith(
      initialRunSummary,
      evolveRunSummary,
    );
    expect([state.events, state.lastSeq, state.lastEventAt, state.startedAt]).toEqual([3, 3, t(99), T0]);
    expect(state.recordedStatus).toBeNull();
  });

  it('RunFinished records status, reason, duration and time; RunResumed clears all four', () => {
    const finished = given(runStarted(), runFinished('failed', { reason: 'tests red', durationMs: 5 })).foldWith(
      initialRunSummary,
      evolveRunSummary,
    );
    expect([finished.recordedStatus, finished.statusReason, finished.recordedDurationMs, finished.finishedAt]).toEqual([
      'failed',
      'tests red',
      5,
      t(1),
    ]);
    const resumed = given(runStarted(), runFinished('failed', { reason: 'tests red', durationMs: 5 }), runResumed()).foldWith(
      initialRunSummary,
      evolveRunSummary,
    );
    expect([resumed.recordedStatus, resumed.statusReason, resumed.recordedDurationMs, resumed.finishedAt]).toEqual([
      null,
      null,
      null,
      null,
    ]);
  });
});

describe('purity', () => {
  const events: GivenEvent[] = [
    runStarted(),
    issueStarted(1, { title: 'one', labels: ['a'] }),
    agentStarted('a1', 'coding', 1),
    toolCallStarted('c1', 'git', 1, 'a1'),
    toolCallEnded('c1', 'git', true, 40),
    tokensUsed({ issueId: 1, agentId: 'a1' }),
    tokensUsed({ model: 'x', costUsd: null, issueId: 1, agentId: 'a1' }),
    agentFinished('a1', 'coding', 1, true),
    pipelineFinished('p1', 'failed', { issueId: 1 }),
    debuggingCycle(1, { issueId: 1 }),
    errorRecorded('e', 'm', { issueId: 1 }),
    issueFinished(1, 'completed', { linesAdded: 500 }),
    issueStarted(2),
    agentStarted('a2', 'testing', 2),
  ];

  afterEach(() => {
    vi.useRealTimers();
  });

  it('folding the same entries twice into fresh states gives deep-equal read models', () => {
    const entries = entriesOf(events);
    const fold = () =>
      runReadModels(entries.reduce(evolveRunProjection, initialRunProjection()), { writerAlive: false, bytes: 10, tornTail: null });
    const first = fold();
    const second = fold();
    expect(first).not.toBeNull();
    expect(second).toEqual(first);
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
  });

  it('folding does not change the entries it reads', () => {
    const entries = entriesOf(events);
    const before = structuredClone(entries);
    entries.reduce(evolveRunProjection, initialRunProjection());
    expect(entries).toEqual(before);
  });

  it('read models do not share mutable token totals with the state, so folding on does not change models already handed out', () => {
    const entries = entriesOf(events);
    const state = initialRunProjection();
    for (const e of entries) evolveRunProjection(state, e);
    const models = runReadModels(state, { writerAlive: true, bytes: 0, tornTail: null })!;
    const snapshot = JSON.stringify(models);
    evolveRunProjection(state, { ...entriesOf([...events, tokensUsed({ issueId: 2, agentId: 'a2', inputTokens: 7 })])[events.length]! });
    expect(JSON.stringify(models)).toBe(snapshot);
  });

  it('never reads the clock: the same read models under fake timers set to another time', () => {
    const entries = entriesOf(events);
    const fold = () =>
      JSON.stringify(
        runReadModels(entries.reduce(evolveRunProjection, initialRunProjection()), { writerAlive: false, bytes: 0, tornTail: null }),
      );
    const real = fold();
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2099-12-31T23:59:59.000Z'));
    const faked = fold();
    vi.setSystemTime(new Date('1999-01-01T00:00:00.000Z'));
    const fakedAgain = fold();
    expect(faked).toBe(real);
    expect(fakedAgain).toBe(real);
  });
});
