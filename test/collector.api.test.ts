import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AsyncMetricsCollector, configFromEnv, MetricsCollector, verifyRun } from '../src/index.js';
import { CONFIG, readLines, startRun } from './helpers/runs.js';
import { tempDir } from './helpers/temp-dir.js';

const events = (c: { journalPath: string }) => readLines(c.journalPath).map((l) => JSON.parse(l));

describe('a run recorded through the collector', () => {
  it('starts with RunStarted carrying project, run, config, versions and host', async () => {
    const dir = tempDir();
    const c = await startRun(dir);
    c.finalizeRun();
    const [first] = events(c);
    expect(c.runId).toMatch(/^run_\d{8}_\d{6}_test-project_[0-9a-f]{6}$/);
    expect(first).toMatchObject({ v: 1, seq: 1, runId: c.runId, type: 'RunStarted', prev: '0'.repeat(64) });
    expect(first.data).toMatchObject({
      projectId: 'test-project',
      runId: c.runId,
      config: CONFIG,
      runledgerVersion: '0.1.0',
      host: { pid: process.pid, nodeVersion: process.version },
    });
    expect(new Date(first.ts).toISOString()).toBe(first.ts);
  });

  it('numbers agent attempts per issue and type, pipelines and debugging cycles per issue', async () => {
    const dir = tempDir();
    const c = await startRun(dir);
    c.startIssue(3, { title: 'Add login', labels: ['backend'] });
    for (let i = 0; i < 3; i += 1) {
      c.startAgent('coding');
      c.finalizeAgent({ success: i === 2 });
    }
    c.startAgent('testing');
    c.finalizeAgent({ success: true });
    c.recordPipeline({ pipelineId: 'p1', commitSha: 'a', status: 'failed', triggeredBy: 'testing', failingTests: 3 });
    c.recordDebuggingCycle({ trigger: 'pipeline_failed', failingTests: 3, resolved: true });
    c.recordPipeline({ pipelineId: 'p2', commitSha: 'b', status: 'success', triggeredBy: 'testing' });
    c.startIssue(4);
    c.recordPipeline({ pipelineId: 'p3', commitSha: 'c', status: 'success', triggeredBy: 'review' });
    c.finalizeIssue(4, 'skipped');
    c.finalizeIssue(3, 'completed', { filesCreated: 3, linesAdded: 250 });
    c.finalizeRun();
    const all = events(c);
    expect(all.filter((e) => e.type === 'AgentStarted').map((e) => [e.data.agentType, e.data.attempt, e.data.issueId])).toEqual([
      ['coding', 1, 3],
      ['coding', 2, 3],
      ['coding', 3, 3],
      ['testing', 1, 3],
    ]);
    expect(all.filter((e) => e.type === 'PipelineFinished').map((e) => [e.data.pipelineId, e.data.attempt, e.data.issueId])).toEqual([
      ['p1', 1, 3],
      ['p2', 2, 3],
      ['p3', 1, 4],
    ]);
    expect(all.find((e) => e.type === 'DebuggingCycleRecorded').data).toMatchObject({ cycle: 1, issueId: 3 });
    expect(all.find((e) => e.type === 'IssueFinished' && e.data.issueId === 3).data.code).toEqual({
      filesCreated: 3,
      filesModified: 0,
      filesDeleted: 0,
      linesAdded: 250,
      linesRemoved: 0,
      testsAdded: 0,
      coveragePercent: null,
    });
    expect(all.at(-1)).toMatchObject({ type: 'RunFinished', data: { status: 'completed' } });
  });

  it('tool calls and token usage default to the current issue and agent', async () => {
    const dir = tempDir();
    const c = await startRun(dir);
    c.startIssue(1);
    const agent = c.startAgent('coding');
    const call = c.startToolCall('git_commit');
    c.endToolCall(call, { success: false, error: new Error('nothing to commit') });
    c.recordTokenUsage({ model: 'deepseek-chat', inputTokens: 10, outputTokens: 5 });
    c.finalizeRun();
    const all = events(c);
    expect(all.find((e) => e.type === 'ToolCallStarted').data).toEqual({ callId: call, tool: 'git_commit', issueId: 1, agentId: agent });
    expect(all.find((e) => e.type === 'ToolCallEnded').data).toMatchObject({
      callId: call,
      tool: 'git_commit',
      success: false,
      error: 'nothing to commit',
    });
    expect(all.find((e) => e.type === 'TokensUsed').data).toMatchObject({ issueId: 1, agentId: agent });
  });

  it('refuses to start a run id that already has a journal', async () => {
    const dir = tempDir();
    const c = await startRun(dir, { runId: 'same' });
    c.finalizeRun();
    await expect(startRun(dir, { runId: 'same' })).rejects.toMatchObject({ code: 'RUN_EXISTS', message: expect.stringContaining('same') });
  });
});

describe('trackIssue, trackAgent, trackToolCall record success or failure and rethrow', () => {
  it('sync work: values pass through, a throw is recorded as failure and rethrown', async () => {
    const dir = tempDir();
    const c = await startRun(dir);
    const value = c.trackIssue(1, () => c.trackAgent('coding', (agentId) => c.trackToolCall('lint', (callId) => `${agentId}/${callId}`)), {
      code: { linesAdded: 5 },
    });
    expect(value).toBe('agent-1/call-1');
    expect(() =>
      c.trackIssue(2, () =>
        c.trackToolCall('deploy', () => {
          throw new TypeError('no target');
        }),
      ),
    ).toThrow('no target');
    c.finalizeRun();
    const all = events(c);
    expect(all.filter((e) => e.type === 'IssueFinished').map((e) => [e.data.issueId, e.data.status])).toEqual([
      [1, 'completed'],
      [2, 'failed'],
    ]);
    expect(all.filter((e) => e.type === 'ToolCallEnded').map((e) => [e.data.tool, e.data.success, e.data.error])).toEqual([
      ['lint', true, null],
      ['deploy', false, 'TypeError: no target'],
    ]);
    expect(all.filter((e) => e.type === 'ErrorRecorded').map((e) => [e.data.kind, e.data.message])).toEqual([
      ['tool', 'TypeError: no target'],
      ['issue', 'TypeError: no target'],
    ]);
  });

  it("async work: the sync collector returns the work's promise, settled after the record", async () => {
    const dir = tempDir();
    const c = await startRun(dir);
    c.startIssue(1);
    await expect(c.trackAgent('review', async () => 42)).resolves.toBe(42);
    await expect(
      c.trackAgent('review', async () => {
        throw new Error('model timeout');
      }),
    ).rejects.toThrow('model timeout');
    await expect(c.trackAgent('review', async () => ({ ok: false }), { succeeded: (r) => r.ok })).resolves.toEqual({ ok: false });
    c.finalizeRun();
    expect(
      events(c)
        .filter((e) => e.type === 'AgentFinished')
        .map((e) => [e.data.agentId, e.data.success, e.data.error]),
    ).toEqual([
      ['agent-1', true, null],
      ['agent-2', false, 'model timeout'],
      ['agent-3', false, null],
    ]);
  });

  it('the async collector: many agents at once, each awaiting its own calls', async () => {
    const dir = tempDir();
    const c = await AsyncMetricsCollector.start({
      dir,
      projectId: 'p',
      config: CONFIG,
      handleSignals: false,
      prices: null,
      liveUpdates: false,
    });
    await c.startIssue(1);
    const results = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        c.trackAgent('coding', async (agentId) => {
          await c.recordTokenUsage({ model: 'deepseek-chat', inputTokens: 100 + i, outputTokens: 10, agentId });
          return c.trackToolCall('run_tests', async () => i, { agentId });
        }),
      ),
    );
    expect(results).toEqual(Array.from({ length: 16 }, (_, i) => i));
    await c.finalizeIssue(1, 'completed');
    await c.finalizeRun();
    const all = events(c);
    expect(all.filter((e) => e.type === 'AgentFinished' && e.data.success)).toHaveLength(16);
    for (const usage of all.filter((e) => e.type === 'TokensUsed')) {
      const started = all.find((e) => e.type === 'AgentStarted' && e.data.agentId === usage.data.agentId);
      expect(started).toBeDefined();
    }
    expect(verifyRun(dir, c.runId)).toMatchObject({ verdict: 'intact', events: all.length });
  });
});

describe('resume rebuilds the context from the journal', () => {
  it('keeps open issues and numbering, closes abandoned agents and tool calls', async () => {
    const dir = tempDir();
    const c = await startRun(dir, { runId: 'r' });
    c.startIssue(5);
    c.startAgent('coding');
    c.recordPipeline({ pipelineId: 'p1', commitSha: 'a', status: 'failed', triggeredBy: 'testing' });
    c.startToolCall('run_tests');
    c.close();

    const r = await MetricsCollector.resume({ dir, runId: 'r', handleSignals: false, prices: null, liveUpdates: false });
    expect(() => r.finalizeAgent({ success: true })).toThrow(expect.objectContaining({ code: 'NO_OPEN_AGENT' }));
    r.startAgent('coding');
    r.recordPipeline({ pipelineId: 'p2', commitSha: 'b', status: 'success', triggeredBy: 'testing' });
    r.finalizeAgent({ success: true });
    r.finalizeIssue(5, 'completed');
    r.finalizeRun();
    const all = events(r);
    expect(all.filter((e) => e.type === 'AgentStarted').map((e) => [e.data.agentId, e.data.attempt])).toEqual([
      ['agent-1', 1],
      ['agent-2', 2],
    ]);
    expect(all.filter((e) => e.type === 'PipelineFinished').map((e) => e.data.attempt)).toEqual([1, 2]);
    expect(all.find((e) => e.type === 'RunResumed').data).toMatchObject({
      afterSeq: 5,
      abandonedAgents: ['agent-1'],
      abandonedToolCalls: ['call-1'],
    });
  });

  it('collector.resumed says what the resume found: abandoned agents and tool calls, open issues, quarantined bytes, downtime', async () => {
    const dir = tempDir();
    const c = await startRun(dir, { runId: 'found', clock: () => new Date('2026-11-01T10:00:00Z') });
    expect(c.resumed).toBeNull();
    c.startIssue(5);
    c.startIssue('PROJ-7');
    c.finalizeIssue(5, 'completed');
    const agent = c.startAgent('coding');
    c.startToolCall('run_tests', { agentId: agent });
    c.close();
    const goodSize = fs.statSync(c.journalPath).size;
    const tail = '{"v":1,"seq":7,"ts":"2026-11-01T1';
    fs.appendFileSync(c.journalPath, tail);

    const r = await MetricsCollector.resume({
      dir,
      runId: 'found',
      handleSignals: false,
      prices: null,
      liveUpdates: false,
      clock: () => new Date('2026-11-01T10:05:00Z'),
    });
    expect(r.resumed).toMatchObject({
      afterSeq: 6,
      abandonedAgents: [{ agentId: agent, agentType: 'coding', issueId: 'PROJ-7' }],
      abandonedToolCalls: [{ callId: 'call-1', tool: 'run_tests' }],
      openIssues: ['PROJ-7'],
      quarantined: [{ offset: goodSize, bytes: tail.length }],
      quarantinedBytes: tail.length,
      downtimeMs: 300_000,
    });
    const recorded = events(r).find((e) => e.type === 'TailQuarantined');
    expect(r.resumed!.quarantined[0]!.file).toBe(recorded.data.file);
    r.finalizeRun('completed');
  });

  it('an interrupted run can be resumed; a completed one cannot', async () => {
    const dir = tempDir();
    const c = await startRun(dir, { runId: 'i' });
    c.finalizeRun('interrupted', 'SIGTERM');
    const r = await MetricsCollector.resume({ dir, runId: 'i', handleSignals: false, prices: null, liveUpdates: false });
    r.finalizeRun('completed');
    await expect(
      MetricsCollector.resume({ dir, runId: 'i', handleSignals: false, prices: null, liveUpdates: false }),
    ).rejects.toMatchObject({ code: 'RUN_FINISHED' });
    await expect(
      MetricsCollector.resume({ dir, runId: 'nope', handleSignals: false, prices: null, liveUpdates: false }),
    ).rejects.toMatchObject({ code: 'RUN_NOT_FOUND' });
  });
});

describe('configFromEnv', () => {
  it("reads RUNLEDGER_* variables over the program's defaults", () => {
    const config = configFromEnv(
      {
        RUNLEDGER_LLM_PROVIDER: 'openai',
        RUNLEDGER_LLM_MODEL: 'gpt-4o',
        RUNLEDGER_LLM_TEMPERATURE: '0.2',
        RUNLEDGER_MAX_RETRIES: '5',
        RUNLEDGER_CONFIG_JSON: '{"planner":{"depth":2}}',
      },
      { llm: { provider: 'deepseek', model: 'deepseek-chat', temperature: 0.7 }, maxRetries: 3, minCoveragePercent: 70 },
    );
    expect(config).toEqual({
      llm: { provider: 'openai', model: 'gpt-4o', temperature: 0.2 },
      maxRetries: 5,
      minCoveragePercent: 70,
      planner: { depth: 2 },
    });
  });

  it('keeps the defaults where the environment says nothing', () => {
    expect(configFromEnv({}, { llm: { model: 'deepseek-chat' }, maxRetries: 2 })).toEqual({
      llm: { model: 'deepseek-chat' },
      maxRetries: 2,
    });
  });

  it('refuses a missing model and a malformed number, naming the variable', () => {
    expect(() => configFromEnv({})).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('RUNLEDGER_LLM_MODEL') }),
    );
    expect(() => configFromEnv({ RUNLEDGER_LLM_MODEL: 'm', RUNLEDGER_MAX_RETRIES: 'three' })).toThrow(
      expect.objectContaining({ message: expect.stringContaining('RUNLEDGER_MAX_RETRIES') }),
    );
  });
});
