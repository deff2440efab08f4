import { describe, expect, it } from 'vitest';
import { complexityScore, DEFAULT_EXPECTED_AGENT_ATTEMPTS } from '../projections/issues/complexity.js';
import { evolveIssues, initialIssues, issueKey } from '../projections/issues/issues.js';
import {
  agentFinished,
  agentStarted,
  at,
  debuggingCycle,
  errorRecorded,
  given,
  issueFinished,
  issueStarted,
  pipelineFinished,
  runStarted,
  SPEC_CONFIG,
  t,
  tokensUsed,
  toolCallEnded,
  toolCallStarted,
  type GivenEvent,
} from './helpers/entries.js';

/** `n` agent attempts on `issueId`, one type each time unless `types` says otherwise; the first fails. */
function agentAttempts(issueId: number | string, n: number, types: (i: number) => string = () => 'coding'): GivenEvent[] {
  const events: GivenEvent[] = [];
  const seen = new Map<string, number>();
  for (let i = 0; i < n; i += 1) {
    const type = types(i);
    const attempt = (seen.get(type) ?? 0) + 1;
    seen.set(type, attempt);
    events.push(
      agentStarted(`agent-${issueId}-${i}`, type, issueId, attempt),
      agentFinished(`agent-${issueId}-${i}`, type, issueId, i > 0),
    );
  }
  return events;
}

function failedPipelines(issueId: number | string, n: number): GivenEvent[] {
  return Array.from({ length: n }, (_, i) => pipelineFinished(`p-${issueId}-${i}`, 'failed', { issueId, attempt: i + 1, failingTests: 2 }));
}

function cycles(issueId: number | string, n: number): GivenEvent[] {
  return Array.from({ length: n }, (_, i) => debuggingCycle(i + 1, { issueId }));
}

const issueOf = (events: GivenEvent[], issueId: number | string = 1, config?: NonNullable<Parameters<typeof runStarted>[0]>['config']) =>
  given(runStarted({ config }), ...events)
    .when()
    .issues.find((i) => i.issueId === issueId)!;

describe('complexity score, folded from real events', () => {
  it("the v2 metrics spec's complex issue (12 agent attempts, 3 failed pipelines, 2 debugging cycles, 1500 changed lines) scores exactly 25 + 25 + 20 + 8 = 78", () => {
    const issue = issueOf([
      issueStarted(1, { title: 'complex' }),
      ...agentAttempts(1, 12, (i) => ['coding', 'testing', 'review'][i % 3]!),
      ...failedPipelines(1, 3),
      pipelineFinished('p-ok', 'success', { issueId: 1, attempt: 4 }),
      ...cycles(1, 2),
      issueFinished(1, 'completed', { linesAdded: 1200, linesRemoved: 300 }),
    ]);
    expect(issue.agentAttempts).toBe(12);
    expect(issue.pipelineFailures).toBe(3);
    expect(issue.debuggingCycles).toBe(2);
    expect(issue.complexity).toEqual({ score: 78, agentRetries: 25, pipelineFailures: 25, debuggingCycles: 20, codeChanges: 8 });
  });

  it('the v2 metrics spec\'s "simple issue" (4 attempts, 0 failures, 0 cycles, 100 lines) scores 1, not the spec\'s 15', () => {
    // The v2 metrics spec says 15 points, which its own formula cannot give: 4 expected attempts add 0, no
    // failures 0, no cycles 0, and 100 lines are round(100 / 200) = round(0.5), which JavaScript
    // rounds half up to 1. So the formula's value is 1.
    expect(Math.round(0.5)).toBe(1);
    const issue = issueOf([
      issueStarted(1, { title: 'simple' }),
      ...agentAttempts(1, 4, (i) => ['planning', 'coding', 'testing', 'review'][i]!),
      pipelineFinished('p', 'success', { issueId: 1 }),
      issueFinished(1, 'completed', { linesAdded: 80, linesRemoved: 20 }),
    ]);
    expect(issue.complexity).toEqual({ score: 1, agentRetries: 0, pipelineFailures: 0, debuggingCycles: 0, codeChanges: 1 });
    expect(issue.complexity!.score).not.toBe(15);
  });

  it("the default expected number of agent attempts is the v2 metrics spec's 4: 5 points per attempt beyond it", () => {
    expect(DEFAULT_EXPECTED_AGENT_ATTEMPTS).toBe(4);
    const parts = [4, 5, 6, 8, 9, 10].map(
      (n) => issueOf([issueStarted(1), ...agentAttempts(1, n), issueFinished(1, 'completed')]).complexity!.agentRetries,
    );
    expect(parts).toEqual([0, 5, 10, 20, 25, 25]);
  });

  it('expectedAgentAttempts from the run config changes the agent part', () => {
    const events = [issueStarted(1), ...agentAttempts(1, 12), issueFinished(1, 'completed')];
    expect(issueOf(events, 1, { ...SPEC_CONFIG, expectedAgentAttempts: 10 }).complexity!.agentRetries).toBe(10);
    expect(issueOf(events, 1, { ...SPEC_CONFIG, expectedAgentAttempts: 12 }).complexity!.agentRetries).toBe(0);
    expect(issueOf(events, 1, { ...SPEC_CONFIG, expectedAgentAttempts: 20 }).complexity!.agentRetries).toBe(0);
    expect(issueOf(events, 1, SPEC_CONFIG).complexity!.agentRetries).toBe(25);
  });

  it('each part is capped at 25, so the score never exceeds 100', () => {
    const issue = issueOf([
      issueStarted(1),
      ...agentAttempts(1, 40),
      ...failedPipelines(1, 9),
      ...cycles(1, 7),
      issueFinished(1, 'failed', { linesAdded: 100_000, linesRemoved: 50_000 }),
    ]);
    expect(issue.complexity).toEqual({ score: 100, agentRetries: 25, pipelineFailures: 25, debuggingCycles: 25, codeChanges: 25 });
  });

  it('failed pipelines and debugging cycles add 10 each below the cap; a canceled pipeline adds nothing', () => {
    const issue = issueOf([
      issueStarted(1),
      ...failedPipelines(1, 2),
      pipelineFinished('c', 'canceled', { issueId: 1 }),
      ...cycles(1, 1),
      issueFinished(1, 'completed'),
    ]);
    expect([issue.complexity!.pipelineFailures, issue.complexity!.debuggingCycles, issue.complexity!.score]).toEqual([20, 10, 30]);
  });

  it('the code part is min(25, round((added + removed) / 200)), both directions counted', () => {
    const codePart = (linesAdded: number, linesRemoved: number) =>
      issueOf([issueStarted(1), issueFinished(1, 'completed', { linesAdded, linesRemoved })]).complexity!.codeChanges;
    const cases: Array<[number, number]> = [
      [0, 0],
      [99, 0],
      [150, 149],
      [150, 150],
      [0, 500],
      [1000, 500],
      [4899, 0],
      [4900, 100],
      [9000, 9000],
    ];
    for (const [added, removed] of cases) {
      expect(codePart(added, removed), `${added}+${removed}`).toBe(Math.min(25, Math.round((added + removed) / 200)));
    }
    expect(cases.map(([a, r]) => codePart(a, r))).toEqual([0, 0, 1, 2, 3, 8, 24, 25, 25]);
  });

  it('an open or unfinished issue has no complexity yet (null, not 0); it gets one when it finishes', () => {
    const open = given(runStarted(), issueStarted(1), ...failedPipelines(1, 1)).when({ writerAlive: true }).issues[0]!;
    expect([open.status, open.code, open.complexity]).toEqual(['open', null, null]);
    const unfinished = given(runStarted(), issueStarted(1), ...failedPipelines(1, 1)).when({ writerAlive: false }).issues[0]!;
    expect([unfinished.status, unfinished.complexity]).toEqual(['unfinished', null]);
    const finished = given(runStarted(), issueStarted(1), ...failedPipelines(1, 1), issueFinished(1, 'failed')).when().issues[0]!;
    expect(finished.complexity).toEqual({ score: 10, agentRetries: 0, pipelineFailures: 10, debuggingCycles: 0, codeChanges: 0 });
  });

  it("complexityScore() itself agrees with the projection on the v2 metrics spec's examples", () => {
    expect(
      complexityScore({
        agentAttempts: 12,
        expectedAgentAttempts: 4,
        failedPipelines: 3,
        debuggingCycles: 2,
        linesAdded: 1500,
        linesRemoved: 0,
      }).score,
    ).toBe(78);
    expect(
      complexityScore({
        agentAttempts: 4,
        expectedAgentAttempts: 4,
        failedPipelines: 0,
        debuggingCycles: 0,
        linesAdded: 100,
        linesRemoved: 0,
      }).score,
    ).toBe(1);
  });
});

describe('first-time-right', () => {
  const ftr = (events: GivenEvent[]) => issueOf(events).firstTimeRight;

  it('is true for a completed issue where coding and testing each ran once, with no failed pipeline and no cycle', () => {
    expect(
      ftr([
        issueStarted(1),
        ...agentAttempts(1, 2, (i) => ['coding', 'testing'][i]!),
        pipelineFinished('p', 'success', { issueId: 1 }),
        issueFinished(1, 'completed'),
      ]),
    ).toBe(true);
  });

  it('is false when one agent type (coding) was attempted twice', () => {
    expect(ftr([issueStarted(1), ...agentAttempts(1, 2), issueFinished(1, 'completed')])).toBe(false);
  });

  it('is false after a failed pipeline, even when a later pipeline passed', () => {
    expect(
      ftr([
        issueStarted(1),
        agentStarted('a', 'coding', 1),
        agentFinished('a', 'coding', 1, true),
        pipelineFinished('p1', 'failed', { issueId: 1 }),
        pipelineFinished('p2', 'success', { issueId: 1, attempt: 2 }),
        issueFinished(1, 'completed'),
      ]),
    ).toBe(false);
  });

  it('is false after a debugging cycle', () => {
    expect(ftr([issueStarted(1), debuggingCycle(1, { issueId: 1 }), issueFinished(1, 'completed')])).toBe(false);
  });

  it('is never true for a failed or skipped issue, however clean', () => {
    expect(ftr([issueStarted(1), issueFinished(1, 'failed')])).toBe(false);
    expect(ftr([issueStarted(1), issueFinished(1, 'skipped')])).toBe(false);
  });

  it('is unknown (null, not false) for an open or unfinished issue', () => {
    expect(given(runStarted(), issueStarted(1)).when({ writerAlive: true }).issues[0]!.firstTimeRight).toBeNull();
    expect(given(runStarted(), issueStarted(1)).when({ writerAlive: false }).issues[0]!.firstTimeRight).toBeNull();
  });

  it('a canceled pipeline does not spoil it: only failed ones do', () => {
    expect(ftr([issueStarted(1), pipelineFinished('p', 'canceled', { issueId: 1 }), issueFinished(1, 'completed')])).toBe(true);
  });

  it('a retried agent on another issue does not spoil this one', () => {
    const models = given(
      runStarted(),
      issueStarted(1),
      issueStarted(2),
      ...agentAttempts(2, 3),
      issueFinished(2, 'completed'),
      issueFinished(1, 'completed'),
    ).when();
    expect(models.issues.map((i) => [i.issueId, i.firstTimeRight])).toEqual([
      [1, true],
      [2, false],
    ]);
  });
});

describe('issue model', () => {
  it('keeps title, labels, times, duration and code metrics as recorded', () => {
    const code = {
      filesCreated: 2,
      filesModified: 3,
      filesDeleted: 1,
      linesAdded: 40,
      linesRemoved: 4,
      testsAdded: 5,
      coveragePercent: 81.5,
    };
    const issue = issueOf([
      at(t(10), issueStarted(1, { title: 'Add login', labels: ['backend', 'auth'] })),
      at(t(70), issueFinished(1, 'completed', code, 60_000)),
    ]);
    expect(issue).toMatchObject({
      title: 'Add login',
      labels: ['backend', 'auth'],
      status: 'completed',
      startedAt: t(10),
      endedAt: t(70),
      durationMs: 60_000,
      code,
    });
  });

  it('counts attempts by agent type, sorted by type, and agent failures', () => {
    const issue = issueOf([
      issueStarted(1),
      ...agentAttempts(1, 5, (i) => ['testing', 'coding', 'coding', 'review', 'coding'][i]!),
      issueFinished(1, 'completed'),
    ]);
    expect(issue.agentAttempts).toBe(5);
    expect(Object.entries(issue.agentAttemptsByType)).toEqual([
      ['coding', 3],
      ['review', 1],
      ['testing', 1],
    ]);
    expect(issue.agentFailures).toBe(1);
  });

  it('sums tokens and cost per issue, unpriced records apart, and leaves out usage of other issues or none', () => {
    const issue = issueOf([
      issueStarted(1),
      issueStarted(2),
      tokensUsed({ issueId: 1, inputTokens: 100, outputTokens: 10, costUsd: 0.2 }),
      tokensUsed({ issueId: 1, inputTokens: 50, outputTokens: 5, costUsd: null, model: 'local' }),
      tokensUsed({ issueId: 2, inputTokens: 7000, costUsd: 9 }),
      tokensUsed({ issueId: null, inputTokens: 9000, costUsd: 9 }),
      issueFinished(1, 'completed'),
    ]);
    expect(issue.tokens).toEqual({
      inputTokens: 150,
      outputTokens: 15,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
      costUsd: 0.2,
      tokenRecords: 2,
      unpricedRecords: 1,
      unpricedTokens: 55,
      reportedRecords: 0,
      reportedMinusComputedUsd: 0,
    });
  });

  it('attributes tool calls and their failures to the issue the call started on', () => {
    const issue = issueOf([
      issueStarted(1),
      toolCallStarted('c1', 'git', 1),
      toolCallStarted('c2', 'git', 1),
      toolCallStarted('c3', 'git', null),
      toolCallEnded('c1', 'git', false),
      toolCallEnded('c2', 'git', true),
      toolCallEnded('c3', 'git', false),
      errorRecorded('x', 'y', { issueId: 1 }),
      errorRecorded('x', 'y'),
      issueFinished(1, 'completed'),
    ]);
    expect([issue.toolCalls, issue.toolFailures, issue.errors]).toEqual([2, 1, 1]);
  });

  it('keeps issue 3 and issue "3" apart', () => {
    const models = given(
      runStarted(),
      issueStarted(3),
      issueStarted('3'),
      issueFinished('3', 'failed'),
      issueFinished(3, 'completed'),
    ).when();
    expect(models.issues.map((i) => [i.issueId, i.status])).toEqual([
      [3, 'completed'],
      ['3', 'failed'],
    ]);
  });

  it('an issue started again after it finished is the same issue, reopened, its counts carried on', () => {
    const models = given(
      runStarted(),
      issueStarted(1),
      ...agentAttempts(1, 1),
      issueFinished(1, 'failed'),
      issueStarted(1),
      ...agentAttempts(1, 1),
    ).when({ writerAlive: true });
    expect(models.issues).toHaveLength(1);
    expect(models.issues[0]).toMatchObject({ status: 'open', endedAt: null, durationMs: null, agentAttempts: 2 });
  });

  it('issues are listed in the order they were first started', () => {
    const models = given(runStarted(), issueStarted('b'), issueStarted('a'), issueStarted(10), issueStarted(2)).when();
    expect(models.issues.map((i) => i.issueId)).toEqual(['b', 'a', 10, 2]);
  });
});

describe('the issues projection alone', () => {
  it('keys issues by the JSON of their id and forgets a tool call once it ended', () => {
    const state = given(
      runStarted(),
      issueStarted(7),
      toolCallStarted('c1', 'git', 7),
      toolCallStarted('c2', 'git', 7),
      toolCallEnded('c1', 'git', true),
    ).foldWith(initialIssues, evolveIssues);
    expect([...state.issues.keys()]).toEqual([issueKey(7)]);
    expect(issueKey(7)).toBe('7');
    expect(issueKey('7')).toBe('"7"');
    expect([...state.callIssue.keys()]).toEqual(['c2']);
  });

  it('ignores events naming an issue it never saw start', () => {
    const state = given(
      runStarted(),
      pipelineFinished('p', 'failed', { issueId: 99 }),
      issueFinished(99, 'completed'),
      tokensUsed({ issueId: 99 }),
    ).foldWith(initialIssues, evolveIssues);
    expect(state.issues.size).toBe(0);
  });
});
