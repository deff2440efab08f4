import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MetricsCollector, nodeFileOps, runPaths, verifyRun } from '../src/index.js';
import { failingOps } from './helpers/recording-ops.js';
import { ChildPool, journalEntries } from './helpers/child.js';
import { errorResponse } from '../src/serve/error-response.js';
import { CONFIG, clientOf, testServer } from './helpers/serve.js';
import { tempDir } from './helpers/temp-dir.js';

/**
 * `runledger serve` in-process on a free loopback port, spoken to with fetch: every route, the
 * batch rule (stop at the first refused item) and every typed error the API can answer with.
 */

const children = new ChildPool();
afterEach(() => children.destroyAll());

async function serverIn(dir = tempDir()) {
  const server = await testServer({ dir });
  return { dir, server, api: clientOf(server.url) };
}

const types = (dir: string, runId: string): string[] => journalEntries(runPaths(dir, runId).journal).map((l) => l.type);
const journalBytes = (dir: string, runId: string): number => fs.statSync(runPaths(dir, runId).journal).size;

describe('the happy path', () => {
  it('start, calls with what the library returns, a batch, status, finalize: the journal verifies and holds every event', async () => {
    const { dir, api } = await serverIn();
    expect((await api.get('/health')).body).toMatchObject({ ok: true, openRuns: 0 });

    const started = await api.start('run-1');
    expect(started).toEqual({ status: 201, body: { runId: 'run-1' } });
    expect((await api.get('/runs')).body).toEqual({ open: ['run-1'] });

    expect(await api.call('run-1', 'startIssue', { issueId: 7, title: 'Add login', labels: ['backend'] })).toEqual({
      status: 200,
      body: { result: null },
    });
    expect((await api.call('run-1', 'startAgent', { agentType: 'coding' })).body).toEqual({ result: 'agent-1' });
    expect((await api.call('run-1', 'startToolCall', { tool: 'run_tests' })).body).toEqual({ result: 'call-1' });
    expect((await api.call('run-1', 'endToolCall', { callId: 'call-1', success: true })).body).toEqual({ result: null });
    const usage = await api.call('run-1', 'recordTokenUsage', {
      model: 'gpt-4o',
      provider: 'openai',
      inputTokens: 1000,
      outputTokens: 500,
      cacheReadTokens: 400,
    });
    // Priced server-side exactly as the library prices it, current issue and agent filled in.
    expect(usage.body.result).toMatchObject({
      model: 'gpt-4o',
      inputTokens: 1000,
      cacheReadTokens: 400,
      issueId: 7,
      agentId: 'agent-1',
      priceSource: { kind: 'package' },
    });
    expect(usage.body.result.cost.totalUsd).toBeGreaterThan(0);

    const batch = await api.batch('run-1', [
      { call: 'startAgent', args: { agentType: 'coding' } },
      { call: 'recordDebuggingCycle', args: { trigger: 'test_failure', resolved: true, failingTests: 2 } },
      { call: 'recordPipeline', args: { pipelineId: 'ci-1', commitSha: 'abc123', status: 'success', triggeredBy: 'push' } },
      { call: 'recordError', args: { kind: 'tool', message: 'flaky', recoverable: true } },
      { call: 'finalizeAgent', args: { success: true } },
      { call: 'finalizeIssue', args: { issueId: 7, status: 'completed', code: { linesAdded: 10 } } },
    ]);
    expect(batch).toEqual({
      status: 200,
      body: { results: ['agent-2', null, null, null, null, null], applied: 6, notApplied: 0, items: 6 },
    });

    expect((await api.get('/runs/run-1')).body).toEqual({
      runId: 'run-1',
      open: true,
      status: 'running',
      finishedRecorded: false,
      lastSeq: 12,
    });
    expect((await api.finalize('run-1', { status: 'completed' })).body).toEqual({
      runId: 'run-1',
      status: 'completed',
      alreadyFinalized: false,
    });
    // Retried (its first answer lost): says what was recorded.
    expect((await api.finalize('run-1')).body).toEqual({ runId: 'run-1', status: 'completed', alreadyFinalized: true });
    expect((await api.get('/runs/run-1')).body).toMatchObject({
      runId: 'run-1',
      open: false,
      status: 'completed',
      finishedRecorded: true,
      lastSeq: 13,
      verdict: 'intact',
    });
    expect((await api.get('/runs')).body).toEqual({ open: [] });

    expect(verifyRun(dir, 'run-1').verdict).toBe('intact');
    expect(types(dir, 'run-1')).toEqual([
      'RunStarted',
      'IssueStarted',
      'AgentStarted',
      'ToolCallStarted',
      'ToolCallEnded',
      'TokensUsed',
      'AgentStarted',
      'DebuggingCycleRecorded',
      'PipelineFinished',
      'ErrorRecorded',
      'AgentFinished',
      'IssueFinished',
      'RunFinished',
    ]);
    // Server-side numbering exactly as the library's: the second coding agent on issue 7 is attempt 2.
    const agent2 = journalEntries(runPaths(dir, 'run-1').journal).find((l) => l.type === 'AgentStarted' && l.data.agentId === 'agent-2')!;
    expect(agent2.data).toMatchObject({ agentType: 'coding', issueId: 7, attempt: 2 });
  });

  it('a generated run id when none is given; finalizeRun as a call in a batch closes the run', async () => {
    const { dir, api } = await serverIn();
    const started = await api.post('/runs', { projectId: 'my project', config: CONFIG });
    expect(started.status).toBe(201);
    const runId = started.body.runId as string;
    expect(runId).toMatch(/^run_\d{8}_\d{6}_my_project_[0-9a-f]{6}$/);
    const batch = await api.batch(runId, [
      { call: 'recordError', args: { kind: 'x', message: 'm', recoverable: false } },
      { call: 'finalizeRun', args: { status: 'failed', reason: 'gave up' } },
    ]);
    expect(batch.body).toMatchObject({ applied: 2, notApplied: 0 });
    expect((await api.get('/runs')).body).toEqual({ open: [] });
    expect(journalEntries(runPaths(dir, runId).journal).at(-1)).toMatchObject({
      type: 'RunFinished',
      data: { status: 'failed', reason: 'gave up' },
    });
  });

  it('resume: a run left without RunFinished is continued by the server, with RunResumed', async () => {
    const dir = tempDir();
    const collector = await MetricsCollector.start({
      dir,
      runId: 'left',
      projectId: 'p',
      config: CONFIG,
      handleSignals: false,
      liveUpdates: false,
      prices: null,
      lockStaleMs: 2000,
    });
    collector.startIssue(1);
    collector.startAgent('coding');
    collector.close();
    const { api } = await serverIn(dir);
    expect((await api.get('/runs/left')).body).toMatchObject({ open: false, status: 'crashed', finishedRecorded: false, lastSeq: 3 });
    const resumed = await api.post('/runs/left/resume', {});
    expect(resumed.status).toBe(200);
    // The answer says what the resume found, as collector.resumed does.
    expect(resumed.body).toMatchObject({
      runId: 'left',
      lastSeq: 4,
      resumed: {
        afterSeq: 3,
        abandonedAgents: [{ agentId: 'agent-1', agentType: 'coding', issueId: 1 }],
        abandonedToolCalls: [],
        openIssues: [1],
        quarantined: [],
        quarantinedBytes: 0,
      },
    });
    expect(resumed.body.resumed.downtimeMs).toBeGreaterThanOrEqual(0);
    // The abandoned agent is closed by the resume: the next finalizeAgent finds none open.
    expect((await api.call('left', 'finalizeAgent', { success: true })).body.error.code).toBe('NO_OPEN_AGENT');
    expect((await api.call('left', 'finalizeIssue', { issueId: 1, status: 'completed' })).status).toBe(200);
    expect((await api.finalize('left')).status).toBe(200);
    expect(types(dir, 'left')).toEqual(['RunStarted', 'IssueStarted', 'AgentStarted', 'RunResumed', 'IssueFinished', 'RunFinished']);
  });
});

describe('a batch stops at the first refused item', () => {
  it('items before it are durable and answered with their results; it and the rest are not in the journal', async () => {
    const { dir, api } = await serverIn();
    await api.start('r');
    const before = journalBytes(dir, 'r');
    const answer = await api.batch('r', [
      { call: 'recordError', args: { kind: 'a', message: 'first', recoverable: true } },
      { call: 'startToolCall', args: { tool: 'bash' } },
      { call: 'recordTokenUsage', args: { model: 'gpt-4o', inputTokens: -1, outputTokens: 3 } },
      { call: 'recordError', args: { kind: 'a', message: 'after the refused one', recoverable: true } },
    ]);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      error: { code: 'EVENT_INVALID', eventType: 'TokensUsed', field: 'inputTokens', value: -1, index: 2, line: 3 },
      results: [null, 'call-1'],
      applied: 2,
      notApplied: 2,
      items: 4,
    });
    const lines = journalEntries(runPaths(dir, 'r').journal);
    expect(lines.map((l) => l.type)).toEqual(['RunStarted', 'ErrorRecorded', 'ToolCallStarted']);
    expect(journalBytes(dir, 'r')).toBeGreaterThan(before);
    expect(verifyRun(dir, 'r').verdict).toBe('intact');
  });

  it('a line that is not JSON is refused in its turn, naming its line; blank lines are skipped', async () => {
    const { dir, api } = await serverIn();
    await api.start('r');
    const body =
      '{"call":"recordError","args":{"kind":"a","message":"ok","recoverable":true}}\n\n{"call": "recordError", "args": {\n{"call":"recordError","args":{"kind":"a","message":"never","recoverable":true}}\n';
    const answer = await api.batch('r', body);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: 'REQUEST_INVALID', field: 'line 3', index: 1, line: 3 });
    expect(answer.body).toMatchObject({ applied: 1, notApplied: 2 });
    expect(types(dir, 'r')).toEqual(['RunStarted', 'ErrorRecorded']);
  });

  it('a batch over the item limit is refused whole: nothing is written', async () => {
    const dir = tempDir();
    const server = await testServer({ dir, maxBatchItems: 3 });
    const api = clientOf(server.url);
    await api.start('r');
    const item = { call: 'recordError', args: { kind: 'a', message: 'm', recoverable: true } };
    const answer = await api.batch('r', [item, item, item, item]);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: 'REQUEST_INVALID', field: '(body)' });
    expect(types(dir, 'r')).toEqual(['RunStarted']);
  });
});

describe('every error is a typed JSON body naming field and value, and writes nothing', () => {
  it('a typo inside a nested argument (finalizeIssue code.linesAddedd) is EVENT_INVALID naming the key and the closest known one, not 200 with linesAdded 0', async () => {
    const { dir, api } = await serverIn();
    await api.start('r');
    await api.call('r', 'startIssue', { issueId: 1 });
    const nested = await api.call('r', 'finalizeIssue', { issueId: 1, status: 'completed', code: { linesAddedd: 250 } });
    expect(nested.status).toBe(400);
    expect(nested.body.error).toMatchObject({ code: 'EVENT_INVALID', field: 'code.linesAddedd', value: 250 });
    expect(nested.body.error.message).toContain('did you mean "linesAdded"');
    expect(types(dir, 'r')).toEqual(['RunStarted', 'IssueStarted']);
    const body = await api.post('/runs', { projectId: 'p', runId: 'r2', config: CONFIG, lockStaleMS: 5000 });
    expect(body.body.error).toMatchObject({ code: 'REQUEST_INVALID', field: 'lockStaleMS' });
    expect(body.body.error.message).toContain('did you mean "lockStaleMs"');
  });

  it('request shape: not JSON, unknown call, unknown argument, extra key, wrong content type, too large, unknown route', async () => {
    const dir = tempDir();
    const server = await testServer({ dir, bodyLimit: 4096 });
    const api = clientOf(server.url);
    await api.start('r');
    const size = journalBytes(dir, 'r');

    const notJson = await api.post('/runs/r/calls', undefined, { rawBody: '{"call": ' });
    expect(notJson.status).toBe(400);
    expect(notJson.body.error).toMatchObject({ code: 'REQUEST_INVALID', field: '(body)', value: '{"call": ' });

    const unknownCall = await api.call('r', 'recordTokens', {});
    expect(unknownCall.status).toBe(400);
    expect(unknownCall.body.error).toMatchObject({ code: 'REQUEST_INVALID', field: 'call', value: 'recordTokens' });
    expect(unknownCall.body.error.message).toContain('recordTokenUsage');

    const typo = await api.call('r', 'recordTokenUsage', { model: 'gpt-4o', inputTokenz: 5, outputTokens: 1 });
    expect(typo.status).toBe(400);
    expect(typo.body.error).toMatchObject({ code: 'REQUEST_INVALID', field: 'args.inputTokenz', value: 5 });

    expect(typo.body.error.message).toContain('did you mean "inputTokens"');

    const extraKey = await api.post('/runs/r/calls', { call: 'recordError', args: {}, when: 'now' });
    expect(extraKey.body.error).toMatchObject({ code: 'REQUEST_INVALID', field: 'when', value: 'now' });

    const array = await api.post('/runs/r/calls', [{ call: 'recordError' }]);
    expect(array.body.error).toMatchObject({ code: 'REQUEST_INVALID', field: '(item)' });

    const badArgs = await api.post('/runs/r/calls', { call: 'recordError', args: 'kind=x' });
    expect(badArgs.body.error).toMatchObject({ code: 'REQUEST_INVALID', field: 'args', value: 'kind=x' });

    const contentType = await api.post('/runs/r/calls', undefined, {
      rawBody: 'call=recordError',
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(contentType.status).toBe(415);
    expect(contentType.body.error).toMatchObject({
      code: 'REQUEST_INVALID',
      field: 'content-type',
      value: 'application/x-www-form-urlencoded',
    });

    const tooLarge = await api.call('r', 'recordError', { kind: 'x', message: 'y'.repeat(5000), recoverable: true });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.error).toMatchObject({ code: 'REQUEST_INVALID', field: '(body)', value: 'more than 4096 bytes' });

    const route = await api.post('/runs/r/append', {});
    expect(route.status).toBe(404);
    expect(route.body.error).toMatchObject({ code: 'REQUEST_INVALID', field: 'route', value: 'POST /runs/r/append' });

    const startKey = await api.post('/runs', { projectId: 'p', config: CONFIG, dir: '/etc' });
    expect(startKey.body.error).toMatchObject({ code: 'REQUEST_INVALID', field: 'dir', value: '/etc' });
    const staleMs = await api.post('/runs', { projectId: 'p', config: CONFIG, lockStaleMs: 'soon' });
    expect(staleMs.body.error).toMatchObject({ code: 'REQUEST_INVALID', field: 'lockStaleMs', value: 'soon' });

    expect(journalBytes(dir, 'r')).toBe(size);
    expect(fs.readdirSync(path.join(dir, 'runs'))).toEqual(['r']);
  });

  it("the library's own errors: run id, config, event fields, order of calls, finalized run", async () => {
    const { dir, api } = await serverIn();
    const badRunId = await api.post('/runs', { projectId: 'p', runId: '../escape', config: CONFIG });
    expect(badRunId.status).toBe(400);
    expect(badRunId.body.error).toMatchObject({ code: 'RUN_ID_INVALID', value: '../escape' });
    expect((await api.post('/runs/bad!id/calls', { call: 'recordError' })).body.error).toMatchObject({
      code: 'RUN_ID_INVALID',
      value: 'bad!id',
    });

    const noModel = await api.post('/runs', { projectId: 'p', runId: 'm', config: { llm: { provider: 'openai' } } });
    expect(noModel.status).toBe(400);
    expect(noModel.body.error).toMatchObject({ code: 'CONFIG_INVALID', field: 'llm.model' });
    const noProject = await api.post('/runs', { runId: 'm', config: CONFIG });
    expect(noProject.body.error).toMatchObject({ code: 'EVENT_INVALID', eventType: 'RunStarted', field: 'projectId' });
    expect(fs.existsSync(path.join(dir, 'runs', 'm'))).toBe(false);

    await api.start('r');
    const size = journalBytes(dir, 'r');
    const cases: Array<[string, Record<string, unknown>, number, Record<string, unknown>]> = [
      [
        'recordTokenUsage',
        { model: 'gpt-4o', inputTokens: 10, outputTokens: 1, cacheReadTokens: 20 },
        400,
        { code: 'EVENT_INVALID', field: 'cacheReadTokens', value: 20 },
      ],
      [
        'recordPipeline',
        { pipelineId: 'p', commitSha: 'c', status: 'green', triggeredBy: 'push' },
        400,
        { code: 'EVENT_INVALID', field: 'status', value: 'green' },
      ],
      ['startIssue', { issueId: -3 }, 400, { code: 'EVENT_INVALID', field: 'issueId', value: -3 }],
      ['finalizeIssue', { issueId: 9, status: 'completed' }, 409, { code: 'ISSUE_NOT_OPEN', issueId: 9 }],
      ['startAgent', { agentType: 'coding', issueId: 9 }, 409, { code: 'ISSUE_NOT_OPEN', issueId: 9 }],
      ['finalizeAgent', { success: true }, 409, { code: 'NO_OPEN_AGENT' }],
      ['finalizeAgent', { success: true, agentId: 'agent-7' }, 409, { code: 'NO_OPEN_AGENT', agentId: 'agent-7' }],
      ['endToolCall', { callId: 'call-3', success: true }, 409, { code: 'TOOL_CALL_NOT_OPEN', callId: 'call-3' }],
      ['finalizeRun', { status: 'done' }, 400, { code: 'EVENT_INVALID', field: 'status', value: 'done' }],
    ];
    for (const [call, args, status, error] of cases) {
      const answer = await api.call('r', call, args);
      expect(answer.status, `${call} ${JSON.stringify(args)}`).toBe(status);
      expect(answer.body.error, `${call} ${JSON.stringify(args)}`).toMatchObject(error);
      expect(typeof answer.body.error.message).toBe('string');
      expect(answer.body.error).not.toHaveProperty('stack');
    }
    expect((await api.call('r', 'startIssue', { issueId: 1 })).status).toBe(200);
    expect((await api.call('r', 'startIssue', { issueId: 1 })).body.error).toMatchObject({ code: 'ISSUE_ALREADY_OPEN', issueId: 1 });
    expect(journalBytes(dir, 'r')).toBeGreaterThan(size);
    expect(types(dir, 'r')).toEqual(['RunStarted', 'IssueStarted']);

    // Finalized inside a batch: the item after it is refused as the library refuses it.
    const afterFinal = await api.batch('r', [
      { call: 'finalizeRun' },
      { call: 'recordError', args: { kind: 'x', message: 'late', recoverable: true } },
    ]);
    expect(afterFinal.status).toBe(409);
    expect(afterFinal.body).toMatchObject({ error: { code: 'RUN_FINALIZED', runId: 'r', status: 'completed', index: 1 }, applied: 1 });
    expect(types(dir, 'r')).toEqual(['RunStarted', 'IssueStarted', 'RunFinished']);
  });

  it('runs: unknown (404), not open here (404), exists (409), finished (409), locked by another process (409), corrupt (409)', async () => {
    const { dir, api } = await serverIn();
    expect(await api.get('/runs/nope')).toMatchObject({ status: 404, body: { error: { code: 'RUN_NOT_FOUND', runId: 'nope' } } });
    expect((await api.post('/runs/nope/resume', {})).body.error).toMatchObject({ code: 'RUN_NOT_FOUND', runId: 'nope' });
    expect(await api.call('nope', 'recordError', { kind: 'x', message: 'y', recoverable: true })).toMatchObject({
      status: 404,
      body: { error: { code: 'RUN_NOT_OPEN', runId: 'nope' } },
    });
    expect((await api.finalize('nope')).body.error).toMatchObject({ code: 'RUN_NOT_FOUND' });

    await api.start('open');
    // One writer per run: a second start of the same id is refused, so is a resume of a run this server holds.
    expect(await api.start('open')).toMatchObject({ status: 409, body: { error: { code: 'RUN_EXISTS', runId: 'open' } } });
    expect(await api.post('/runs/open/resume', {})).toMatchObject({ status: 409, body: { error: { code: 'RUN_LOCKED', runId: 'open' } } });

    await api.finalize('open');
    expect(await api.call('open', 'recordError', { kind: 'x', message: 'y', recoverable: true })).toMatchObject({
      status: 404,
      body: { error: { code: 'RUN_NOT_OPEN' } },
    });
    expect(await api.start('open')).toMatchObject({ status: 409, body: { error: { code: 'RUN_EXISTS' } } });
    expect(await api.post('/runs/open/resume', {})).toMatchObject({
      status: 409,
      body: { error: { code: 'RUN_FINISHED', runId: 'open', status: 'completed' } },
    });

    // Held by another live process.
    const child = children.fixture('scripted-writer.mjs');
    await child.waitFor((m) => m.event === 'hello', 'hello');
    expect((await child.call('start', { dir, runId: 'theirs', lockStaleMs: 2000 })).error).toBeUndefined();
    const locked = await api.post('/runs/theirs/resume', { lockWaitMs: 0 });
    expect(locked.status).toBe(409);
    expect(locked.body.error).toMatchObject({ code: 'RUN_LOCKED', runId: 'theirs' });
    expect((await api.get('/runs/theirs')).body).toMatchObject({ open: false, status: 'running' });
    await child.destroy();

    // A journal with damage followed by a line that verifies is corrupt: never resumed.
    const collector = await MetricsCollector.start({
      dir,
      runId: 'bad',
      projectId: 'p',
      config: CONFIG,
      handleSignals: false,
      liveUpdates: false,
      prices: null,
    });
    collector.startIssue(1);
    collector.startIssue(2);
    collector.close();
    const journal = runPaths(dir, 'bad').journal;
    const text = fs.readFileSync(journal, 'utf8').split('\n');
    text[1] = text[1]!.replace('"issueId":1', '"issueId":5');
    fs.writeFileSync(journal, text.join('\n'));
    const corrupt = await api.post('/runs/bad/resume', { lockWaitMs: 0 });
    expect(corrupt.status).toBe(409);
    expect(corrupt.body.error).toMatchObject({ code: 'JOURNAL_CORRUPT', runId: 'bad', line: 2 });
    expect((await api.get('/runs/bad')).body).toMatchObject({ verdict: 'corrupt' });
  });
});

describe('stopping', () => {
  it('close(): open runs get RunFinished "interrupted"; a resume still waiting for a lock is finalized as soon as it gets it', async () => {
    const dir = tempDir();
    const server = await testServer({ dir, shutdownGraceMs: 200 });
    const api = clientOf(server.url);
    await api.start('open-one');
    const child = children.fixture('scripted-writer.mjs');
    await child.waitFor((m) => m.event === 'hello', 'hello');
    expect((await child.call('start', { dir, runId: 'theirs', lockStaleMs: 2000, handleSignals: false })).error).toBeUndefined();
    // This resume waits for the child's lock, which goes stale only once the child is dead.
    const resume = api.post('/runs/theirs/resume', { lockWaitMs: 20_000 }).catch((error: Error) => error);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await child.destroy();
    expect(await server.close('test stop')).toEqual(['open-one']);
    expect(await resume).toBeInstanceOf(Error); // its connection was closed after the grace time
    expect(journalEntries(runPaths(dir, 'open-one').journal).at(-1)).toMatchObject({
      type: 'RunFinished',
      data: { status: 'interrupted', reason: 'test stop' },
    });
    // The resume completes once the dead child's lock is stale, and is finalized at once.
    const theirs = runPaths(dir, 'theirs').journal;
    await expect.poll(() => journalEntries(theirs).at(-1)?.type, { timeout: 15_000, interval: 100 }).toBe('RunFinished');
    expect(
      journalEntries(theirs)
        .slice(-2)
        .map((l) => l.type),
    ).toEqual(['RunResumed', 'RunFinished']);
    expect(journalEntries(theirs).at(-1)!.data).toMatchObject({ status: 'interrupted', reason: 'test stop' });
    await expect.poll(() => fs.existsSync(runPaths(dir, 'theirs').lock), { timeout: 5000 }).toBe(false);
  });
});

describe('a failing disk', () => {
  it('JOURNAL_FAILED (500) for the call whose fdatasync failed; nothing of it is in the journal; the run is released and can be resumed', async () => {
    const dir = tempDir();
    // RunStarted is fsync'd synchronously; every later flush is one async fdatasync: the 2nd one fails.
    const server = await testServer({ dir, fileOps: failingOps(nodeFileOps, 'fdatasync', 2, 'EIO') });
    const api = clientOf(server.url);
    await api.start('disk');
    expect((await api.call('disk', 'recordError', { kind: 'x', message: 'durable', recoverable: true })).status).toBe(200);
    const failed = await api.call('disk', 'recordError', { kind: 'x', message: 'lost with the disk', recoverable: true });
    expect(failed.status).toBe(500);
    expect(failed.body.error).toMatchObject({ code: 'JOURNAL_FAILED', runId: 'disk' });
    expect(failed.body.error.message).toContain('EIO');
    expect(verifyRun(dir, 'disk').verdict).toBe('intact');
    expect(journalEntries(runPaths(dir, 'disk').journal).map((l) => l.data.message ?? l.type)).toEqual(['RunStarted', 'durable']);
    // Released, not stuck: later calls say so, and the run resumes once the disk is fine again.
    expect((await api.call('disk', 'recordError', { kind: 'x', message: 'after', recoverable: true })).body.error.code).toBe(
      'RUN_NOT_OPEN',
    );
    expect((await api.post('/runs/disk/resume', { lockWaitMs: 0 })).status).toBe(200);
    expect((await api.call('disk', 'recordError', { kind: 'x', message: 'after the resume', recoverable: true })).status).toBe(200);
    expect(journalEntries(runPaths(dir, 'disk').journal).map((l) => l.data.message ?? l.type)).toEqual([
      'RunStarted',
      'durable',
      'RunResumed',
      'after the resume',
    ]);
  });
});

describe('security', () => {
  it('refuses to listen beyond loopback without a token', async () => {
    await expect(testServer({ dir: tempDir(), host: '0.0.0.0' })).rejects.toMatchObject({ code: 'SERVE_CONFIG' });
    await expect(testServer({ dir: tempDir(), host: '::' })).rejects.toMatchObject({ code: 'SERVE_CONFIG' });
  });

  it('a configured token is enforced on every route, also on loopback; short tokens are refused', async () => {
    await expect(testServer({ dir: tempDir(), token: 'short' })).rejects.toMatchObject({ code: 'SERVE_CONFIG' });
    const token = 'a-test-token-0123456789abcdef';
    const dir = tempDir();
    const server = await testServer({ dir, token });
    for (const [path, body] of [
      ['/health', undefined],
      ['/runs', { projectId: 'p', runId: 'x', config: CONFIG }],
    ] as const) {
      const none = await clientOf(server.url).post(path, body);
      expect(none.status).toBe(401);
      expect(none.body.error).toMatchObject({ code: 'UNAUTHORIZED' });
      const wrong = await clientOf(server.url, `${token}x`).post(path, body);
      expect(wrong.body.error).toMatchObject({ code: 'UNAUTHORIZED' });
    }
    expect(fs.existsSync(path.join(dir, 'runs'))).toBe(false);
    const api = clientOf(server.url, token);
    expect((await api.get('/health')).status).toBe(200);
    expect((await api.start('x')).status).toBe(201);
  });

  it('a token from a file (trimmed) and from RUNLEDGER_SERVE_TOKEN; listening on 0.0.0.0 with one', async () => {
    const file = path.join(tempDir(), 'token');
    fs.writeFileSync(file, 'file-token-0123456789abcdef\n');
    const server = await testServer({ dir: tempDir(), host: '0.0.0.0', tokenFile: file });
    expect((await clientOf(`http://127.0.0.1:${server.port}`, 'file-token-0123456789abcdef').get('/health')).status).toBe(200);
    expect((await clientOf(`http://127.0.0.1:${server.port}`).get('/health')).status).toBe(401);

    process.env.RUNLEDGER_SERVE_TOKEN = 'env-token-0123456789abcdef';
    try {
      const fromEnv = await testServer({ dir: tempDir() });
      expect((await clientOf(fromEnv.url).get('/health')).status).toBe(401);
      expect((await clientOf(fromEnv.url, 'env-token-0123456789abcdef').get('/health')).status).toBe(200);
    } finally {
      delete process.env.RUNLEDGER_SERVE_TOKEN;
    }
  });

  it('an unexpected error answers a generic 500: no message, no stack', () => {
    const failure = new TypeError("Cannot read properties of undefined (reading 'x') at /srv/secret/path.js:1");
    const { status, body } = errorResponse(failure);
    expect(status).toBe(500);
    expect(body.code).toBe('INTERNAL');
    expect(JSON.stringify(body)).not.toMatch(/secret|TypeError|reading/);
  });

  it('a config key named __proto__ is kept as the library keeps it (plain JSON.parse, no prototype pollution)', async () => {
    const { dir, api } = await serverIn();
    const started = await api.post('/runs', undefined, {
      rawBody: '{"projectId":"p","runId":"q","config":{"llm":{"model":"gpt-4o"},"__proto__":{"polluted":1}}}',
    });
    expect(started.status).toBe(201);
    const config = journalEntries(runPaths(dir, 'q').journal)[0]!.data.config as Record<string, unknown>;
    expect(Object.prototype.hasOwnProperty.call(config, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
