import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { nodeFileOps, runPaths, verifyRun } from '../src/index.js';
import { failingOps } from './helpers/recording-ops.js';
import { Child, journalEntries, runNode } from './helpers/child.js';
import { exportSpans, otlpExporter, recordTrace, type Encoding, type SpanSpec } from './helpers/otel.js';
import { testServer } from './helpers/serve.js';
import { tempDir } from './helpers/temp-dir.js';

/**
 * OpenTelemetry GenAI spans in: the real OTel JS SDK's OTLP/HTTP exporters (JSON and protobuf, gzip
 * too) send a supervisor's spans to `runledger serve`, split over several exports, children before
 * their parents, one export retried; then `runs`, `show` and `compare` read the runs they made.
 */

const CLI = path.resolve('dist/src/cli/main.js');
const cli = (...args: string[]) =>
  spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

/** A supervisor's trace: an agent that plans, calls a model, runs tests (they fail), and hands over to a coding agent. */
function supervisorTrace(model: string, temperature: number, issue: number, failed: boolean): SpanSpec {
  const on = { 'runledger.issue_id': issue };
  return {
    name: 'invoke_agent planner',
    startMs: 0,
    endMs: 9000,
    ...(failed ? { error: 'the issue could not be fixed' } : {}),
    attributes: {
      ...on,
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'planner',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': model,
      'gen_ai.request.temperature': temperature,
    },
    children: [
      {
        name: `chat ${model}`,
        startMs: 100,
        endMs: 1100,
        attributes: {
          ...on,
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': model,
          'gen_ai.request.temperature': temperature,
          'gen_ai.response.model': model,
          'gen_ai.usage.input_tokens': 1000,
          'gen_ai.usage.output_tokens': 200,
          'gen_ai.usage.cache_read.input_tokens': 400,
        },
      },
      {
        name: 'execute_tool run_tests',
        startMs: 1200,
        endMs: 3200,
        error: 'two tests failed',
        attributes: { ...on, 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'run_tests', 'error.type': 'TestFailure' },
      },
      {
        name: 'invoke_agent coder',
        startMs: 3300,
        endMs: 8900,
        attributes: { ...on, 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'coder' },
        children: [
          {
            // Written with the names before semantic conventions 1.37, as older instrumentations do.
            name: `chat ${model}`.replace('chat', 'text_completion'),
            startMs: 3400,
            endMs: 4400,
            attributes: {
              ...on,
              'gen_ai.operation.name': 'text_completion',
              'gen_ai.system': 'openai',
              'gen_ai.request.model': model,
              'gen_ai.request.temperature': temperature,
              'gen_ai.usage.prompt_tokens': 500,
              'gen_ai.usage.completion_tokens': 50,
            },
          },
          {
            name: 'execute_tool edit_file',
            startMs: 4500,
            endMs: 4750,
            attributes: { ...on, 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'edit_file' },
          },
        ],
      },
    ],
  };
}

/** Exports the trace as a batch processor would: finished children first, the root last, one export sent twice. */
async function sendTrace(url: string, encoding: Encoding, trace: SpanSpec, gzip: boolean, token?: string) {
  // What a supervisor knows when it starts (its configuration) goes on the resource: every export carries it.
  const spans = await recordTrace({ 'service.name': 'otel-supervisor', 'runledger.config.maxRetries': 3 }, trace);
  const byName = (name: string) => {
    const span = [...spans.values()].find((s) => s.name.startsWith(name));
    if (!span) throw new Error(`no span ${name}`);
    return span;
  };
  const exporter = otlpExporter(url, encoding, { gzip, token });
  const exports = [
    [byName('text_completion'), byName('execute_tool edit_file')],
    [byName('invoke_agent coder'), byName('execute_tool run_tests'), byName('chat')],
    [byName('invoke_agent coder'), byName('execute_tool run_tests'), byName('chat')], // the retry of a lost answer
    [byName('invoke_agent planner')],
  ];
  const results = [];
  for (const batch of exports) results.push(await exportSpans(exporter, batch));
  await exporter.shutdown();
  const id = (name: string) => byName(name).spanContext().spanId;
  return { traceId: byName('invoke_agent planner').spanContext().traceId, results, id };
}

describe('OTLP/HTTP traces from the OpenTelemetry JS SDK', () => {
  it.each([
    ['json', false],
    ['protobuf', true],
  ] as const)(
    '%s (gzip %s): agents, tool calls and token usage, each span once; the run ends with its root span',
    async (encoding, gzip) => {
      const dir = tempDir();
      const server = await testServer({ dir });
      const { traceId, results, id } = await sendTrace(server.url, encoding, supervisorTrace('gpt-4o', 0.2, 42, false), gzip);
      expect(results.map((r) => r.code)).toEqual([0, 0, 0, 0]);
      const journal = runPaths(dir, traceId).journal;
      const lines = journalEntries(journal);
      // Export 1 (the coder's children), export 2 in start order, export 3 repeated nothing, export 4 the root.
      expect(lines.map((l) => l.type)).toEqual([
        'RunStarted',
        'IssueStarted',
        'TokensUsed',
        'ToolCallStarted',
        'ToolCallEnded',
        'TokensUsed',
        'ToolCallStarted',
        'ToolCallEnded',
        'AgentStarted',
        'AgentFinished',
        'AgentStarted',
        'AgentFinished',
        'IssueFinished',
        'RunFinished',
      ]);
      const data = (type: string) => lines.filter((l) => l.type === type).map((l) => l.data);
      expect(data('RunStarted')[0]).toMatchObject({
        projectId: 'otel-supervisor',
        runId: traceId,
        config: { llm: { model: 'gpt-4o', provider: 'openai', temperature: 0.2 }, maxRetries: 3 },
      });
      const coder = `span-${id('invoke_agent coder')}`;
      const planner = `span-${id('invoke_agent planner')}`;
      expect(data('AgentFinished')).toEqual([
        { agentId: coder, agentType: 'coder', issueId: 42, success: true, durationMs: 5600, error: null },
        { agentId: planner, agentType: 'planner', issueId: 42, success: true, durationMs: 9000, error: null },
      ]);
      expect(data('ToolCallStarted')).toEqual([
        { callId: `span-${id('execute_tool edit_file')}`, tool: 'edit_file', issueId: 42, agentId: coder },
        { callId: `span-${id('execute_tool run_tests')}`, tool: 'run_tests', issueId: 42, agentId: planner },
      ]);
      expect(data('ToolCallEnded').map((d) => [d.tool, d.success, d.durationMs, d.error])).toEqual([
        ['edit_file', true, 250, null],
        ['run_tests', false, 2000, 'TestFailure: two tests failed'],
      ]);
      // The pre-1.37 names (gen_ai.system, prompt_tokens, completion_tokens) and the current ones, each priced.
      expect(data('TokensUsed')).toMatchObject([
        {
          spanId: id('text_completion'),
          model: 'gpt-4o',
          provider: 'openai',
          inputTokens: 500,
          outputTokens: 50,
          agentId: coder,
          issueId: 42,
        },
        {
          spanId: id('chat'),
          model: 'gpt-4o',
          provider: 'openai',
          inputTokens: 1000,
          outputTokens: 200,
          cacheReadTokens: 400,
          agentId: planner,
        },
      ]);
      for (const usage of data('TokensUsed')) expect((usage.cost as { totalUsd: number }).totalUsd).toBeGreaterThan(0);
      expect(data('IssueFinished')).toMatchObject([{ issueId: 42, status: 'completed', durationMs: 9000 }]);
      expect(data('RunFinished')).toMatchObject([{ status: 'completed', durationMs: 9000 }]);
      expect(verifyRun(dir, traceId).verdict).toBe('intact');
      expect(server.openRunIds).toEqual([]);
    },
  );
});

describe('runs recorded from spans, read by the CLI', () => {
  it('runs, show and compare: tokens, costs, agents and tool calls of a supervisor instrumented only with OpenTelemetry', async () => {
    const dir = tempDir();
    const server = await testServer({ dir });
    const sent: Array<Awaited<ReturnType<typeof sendTrace>>> = [];
    for (const [i, [model, temperature, failed]] of (
      [
        ['gpt-4o', 0.2, false],
        ['gpt-4o', 0.2, true],
        ['gpt-4o-mini', 0.7, false],
        ['gpt-4o-mini', 0.7, false],
      ] as const
    ).entries()) {
      sent.push(
        await sendTrace(server.url, i % 2 === 0 ? 'json' : 'protobuf', supervisorTrace(model, temperature, 100 + i, failed), false),
      );
    }
    const runs = cli('runs', '--dir', dir, '--json');
    expect(runs.status).toBe(0);
    const listed = JSON.parse(runs.stdout) as Array<Record<string, any>>;
    expect(listed.map((r) => r.runId).sort()).toEqual(sent.map((s) => s.traceId).sort());
    const failedRun = listed.find((r) => r.runId === sent[1]!.traceId)!;
    expect(failedRun).toMatchObject({ status: 'failed' });
    for (const run of listed) {
      // 1000 + 500 input tokens, 200 + 50 output, from the chat and the text_completion span; priced.
      expect(run).toMatchObject({ inputTokens: 1500, outputTokens: 250, tokenRecords: 2, unpricedRecords: 0, issues: 1 });
      expect(run.costUsd).toBeGreaterThan(0);
    }

    const show = cli('show', sent[0]!.traceId, '--dir', dir);
    expect(show.status).toBe(0);
    for (const text of ['planner', 'coder', 'run_tests', 'edit_file', 'gpt-4o']) expect(show.stdout).toContain(text);

    const compare = cli('compare', '--dir', dir, '--by', 'llm.model', '--json');
    expect(compare.status).toBe(0);
    const result = JSON.parse(compare.stdout) as { runs: number; groups: Array<Record<string, any>> };
    expect(result.runs).toBe(4);
    expect(result.groups.map((g) => [g.label, g.runs, g.completedIssues, g.meanInputTokens])).toEqual(
      expect.arrayContaining([
        ['gpt-4o', 2, 1, 1500],
        ['gpt-4o-mini', 2, 2, 1500],
      ]),
    );
  });
});

/** One chat span with usage, a root of its own trace unless a parent is given. */
const chatSpan = (startMs: number, name = 'chat gpt-4o'): SpanSpec => ({
  name,
  startMs,
  endMs: startMs + 100,
  attributes: {
    'gen_ai.operation.name': 'chat',
    'gen_ai.request.model': 'gpt-4o',
    'gen_ai.usage.input_tokens': 10,
    'gen_ai.usage.output_tokens': 5,
  },
});

describe('restarts, retries and refusals', () => {
  it('a serve restart: the open run is resumed by its next span, and a retry of a span recorded before the restart is not a second event', async () => {
    const dir = tempDir();
    const spans = await recordTrace({ 'service.name': 'restarted' }, { ...supervisorTrace('gpt-4o', 0.2, 7, false) });
    const all = [...spans.values()];
    const root = all.find((s) => s.name === 'invoke_agent planner')!;
    const children = all.filter((s) => s !== root);
    const traceId = root.spanContext().traceId;

    const first = await testServer({ dir });
    const before = otlpExporter(first.url, 'protobuf');
    expect((await exportSpans(before, children.slice(0, 2))).code).toBe(0);
    await before.shutdown();
    expect(await first.close()).toEqual([traceId]); // recorded as interrupted, as serve does with every open run

    const second = await testServer({ dir });
    const after = otlpExporter(second.url, 'json');
    // The answer to this export was lost before the restart: the exporter sends it again, with the rest.
    expect((await exportSpans(after, children)).code).toBe(0);
    expect((await exportSpans(after, [root])).code).toBe(0);
    await after.shutdown();

    const lines = journalEntries(runPaths(dir, traceId).journal);
    expect(lines.filter((l) => l.type === 'RunResumed')).toHaveLength(1);
    const idOf = (l: (typeof lines)[number]) =>
      l.type === 'TokensUsed'
        ? l.data.spanId
        : l.type === 'AgentStarted'
          ? l.data.agentId
          : l.type === 'ToolCallStarted'
            ? l.data.callId
            : null;
    const recorded = lines.map(idOf).filter((x) => x !== null);
    expect(recorded).toHaveLength(6);
    expect(new Set(recorded).size).toBe(6);
    expect(lines.filter((l) => l.type === 'TokensUsed')).toHaveLength(2);
    expect(lines.filter((l) => l.type === 'ToolCallStarted')).toHaveLength(2);
    expect(lines.filter((l) => l.type === 'AgentStarted')).toHaveLength(2);
    expect(lines.at(-1)).toMatchObject({ type: 'RunFinished', data: { status: 'completed' } });
  });

  it('a body that is not OTLP is refused with 400 before anything is written; the answer is in the request encoding', async () => {
    const dir = tempDir();
    const server = await testServer({ dir });
    const post = (body: string | Blob, headers: Record<string, string>) =>
      fetch(`${server.url}/v1/traces`, { method: 'POST', headers, body });
    const json = { 'content-type': 'application/json' };
    const goodSpan = {
      traceId: '5b8efff798038103d269b633813fc60c',
      spanId: 'eee19b7ec3c1b174',
      name: 'chat',
      startTimeUnixNano: '1',
      endTimeUnixNano: '2',
    };
    const refusals = [
      await post('{"resourceSpans": [', json),
      await post(JSON.stringify({ resourceSpans: {} }), json),
      await post(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ ...goodSpan, traceId: 'xyz' }] }] }] }), json),
      await post(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ ...goodSpan, status: { code: 7 } }] }] }] }), json),
      await post(JSON.stringify({ resourceSpans: [] }), { ...json, 'content-encoding': 'br' }),
      await post('not gzip', { ...json, 'content-encoding': 'gzip' }),
    ];
    for (const answer of refusals) {
      expect(answer.status).toBe(400);
      expect(await answer.json()).toMatchObject({ code: 3, error: { code: 'REQUEST_INVALID' } });
    }
    const protobuf = await post(new Blob([new Uint8Array([0x0a, 0xff, 0xff, 0xff])]), { 'content-type': 'application/x-protobuf' });
    expect(protobuf.status).toBe(400);
    expect(protobuf.headers.get('content-type')).toBe('application/x-protobuf');
    // google.rpc.Status: field 1 (code) = 3, INVALID_ARGUMENT.
    expect([...new Uint8Array(await protobuf.arrayBuffer()).subarray(0, 2)]).toEqual([0x08, 0x03]);
    expect(fs.existsSync(path.join(dir, 'runs')) ? fs.readdirSync(path.join(dir, 'runs')) : []).toEqual([]);
  });

  it('the bearer token of serve guards /v1/traces too', async () => {
    const token = 'otlp-test-token-0123456789';
    const server = await testServer({ dir: tempDir(), token });
    const spans = [...(await recordTrace({}, chatSpan(0))).values()];
    expect((await exportSpans(otlpExporter(server.url, 'json'), spans)).code).toBe(1);
    expect((await exportSpans(otlpExporter(server.url, 'protobuf', { token: 'wrong-token-0123456789' }), spans)).code).toBe(1);
    expect((await exportSpans(otlpExporter(server.url, 'protobuf', { token }), spans)).code).toBe(0);
  });

  it('spans runledger cannot record are counted in the partial success, with why; the rest are recorded', async () => {
    const dir = tempDir();
    const server = await testServer({ dir });
    const span = (traceId: string, spanId: string, attributes: Array<{ key: string; value: Record<string, unknown> }>) => ({
      traceId,
      spanId,
      parentSpanId: 'aaaaaaaaaaaaaaaa',
      name: 'x',
      startTimeUnixNano: '1764583200000000000',
      endTimeUnixNano: '1764583201000000000',
      attributes,
    });
    const tool = [{ key: 'gen_ai.operation.name', value: { stringValue: 'execute_tool' } }];
    const chat = [
      { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
      { key: 'gen_ai.request.model', value: { stringValue: 'gpt-4o' } },
      { key: 'gen_ai.usage.input_tokens', value: { intValue: '12' } },
      { key: 'gen_ai.usage.output_tokens', value: { intValue: -1 } },
    ];
    const body = {
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                span('11111111111111111111111111111111', '1111111111111111', tool), // its run has no model yet
                span('22222222222222222222222222222222', '2222222222222222', chat), // a negative token count
                span('22222222222222222222222222222222', '3333333333333333', [
                  ...chat.slice(0, 3),
                  { key: 'gen_ai.usage.output_tokens', value: { intValue: 3 } },
                ]),
              ],
            },
          ],
        },
      ],
    };
    const answer = await fetch(`${server.url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(answer.status).toBe(200);
    const { partialSuccess } = (await answer.json()) as { partialSuccess: { rejectedSpans: string; errorMessage: string } };
    expect(partialSuccess.rejectedSpans).toBe('2');
    expect(partialSuccess.errorMessage).toContain(
      'run 11111111111111111111111111111111 cannot start: none of its spans so far names a model',
    );
    expect(partialSuccess.errorMessage).toContain('gen_ai.usage.output_tokens = -1 is not a token count');
    expect(fs.readdirSync(path.join(dir, 'runs'))).toEqual(['22222222222222222222222222222222']);
    const usage = journalEntries(runPaths(dir, '22222222222222222222222222222222').journal).filter((l) => l.type === 'TokensUsed');
    expect(usage.map((l) => [l.data.spanId, l.data.inputTokens, l.data.outputTokens])).toEqual([['3333333333333333', 12, 3]]);
  });

  it('--run-attribute: the traces that name the same run make one run; the root of each trace ends its issues, the run stays open for finalize', async () => {
    const dir = tempDir();
    const server = await testServer({ dir, runAttribute: 'runledger.run_id' });
    const resource = { 'service.name': 'supervisor', 'runledger.run_id': 'nightly-7' };
    const exporter = otlpExporter(server.url, 'protobuf');
    for (const [issue, failed] of [
      [1, false],
      [2, true],
    ] as const) {
      const spans = await recordTrace(resource, supervisorTrace('gpt-4o', 0.2, issue, failed));
      expect((await exportSpans(exporter, [...spans.values()])).code).toBe(0);
    }
    await exporter.shutdown();
    expect(server.openRunIds).toEqual(['nightly-7']);
    const finished = journalEntries(runPaths(dir, 'nightly-7').journal).filter((l) => l.type === 'IssueFinished');
    expect(finished.map((l) => [l.data.issueId, l.data.status])).toEqual([
      [1, 'completed'],
      [2, 'failed'],
    ]);
    const finalize = await fetch(`${server.url}/runs/nightly-7/finalize`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(finalize.status).toBe(200);
    expect(journalEntries(runPaths(dir, 'nightly-7').journal).filter((l) => l.type === 'AgentFinished')).toHaveLength(4);
  });

  it('a span that arrives after its run ended is rejected; a retry of one the run holds is not', async () => {
    const dir = tempDir();
    const server = await testServer({ dir });
    const spans = await recordTrace({}, { ...chatSpan(0), children: [chatSpan(10, 'chat gpt-4o again')] });
    const [child, root] = [...spans.values()];
    const exporter = otlpExporter(server.url, 'json');
    expect((await exportSpans(exporter, [root!])).code).toBe(0);
    expect((await exportSpans(exporter, [root!])).code).toBe(0);
    const late = await fetch(`${server.url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        resourceSpans: [
          {
            scopeSpans: [
              {
                spans: [
                  {
                    traceId: root!.spanContext().traceId,
                    spanId: child!.spanContext().spanId,
                    parentSpanId: root!.spanContext().spanId,
                    name: 'chat gpt-4o',
                    startTimeUnixNano: '1',
                    endTimeUnixNano: '2',
                  },
                ],
              },
            ],
          },
        ],
      }),
    });
    expect(await late.json()).toMatchObject({
      partialSuccess: { rejectedSpans: '1', errorMessage: expect.stringContaining('has finished') },
    });
    const types = journalEntries(runPaths(dir, root!.spanContext().traceId).journal).map((l) => l.type);
    expect(types).toEqual(['RunStarted', 'TokensUsed', 'RunFinished']);
  });
});

describe('a failed journal', () => {
  it('answers 503 (exporters retry it); the retry resumes the run and records each span once', async () => {
    const dir = tempDir();
    const server = await testServer({ dir, fileOps: failingOps(nodeFileOps, 'fdatasync', 1, 'EIO') });
    const spans = [...(await recordTrace({}, { ...chatSpan(0), children: [chatSpan(10, 'chat gpt-4o child')] })).values()];
    const child = spans.find((s) => s.name === 'chat gpt-4o child')!;
    const body = JsonTraceSerializer.serializeRequest([child])!;
    const post = () =>
      fetch(`${server.url}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: new Blob([new Uint8Array(body)]),
      });
    const failed = await post();
    expect(failed.status).toBe(503);
    expect(await failed.json()).toMatchObject({ code: 14, error: { code: 'JOURNAL_FAILED' } });
    const retried = await post();
    expect(retried.status).toBe(200);
    expect(await retried.json()).toEqual({});
    expect((await post()).status).toBe(200); // and once more: already recorded
    const lines = journalEntries(runPaths(dir, child.spanContext().traceId).journal);
    expect(lines.map((l) => l.type)).toEqual(['RunStarted', 'RunResumed', 'TokensUsed']);
    expect(lines[2]!.data.spanId).toBe(child.spanContext().spanId);
  });
});

describe('the README example', () => {
  it('examples/otel/otel-supervisor.ts, a supervisor with only OpenTelemetry, appears in runs with its tokens, cost, agent and tool call', async () => {
    const dir = tempDir();
    const server = await testServer({ dir });
    // Not spawnSync: the server runs in this process, and must answer while the example waits.
    const example = await runNode([path.resolve('dist/examples/otel/otel-supervisor.js'), `${server.url}/v1/traces`]);
    expect(example.stderr).toBe('');
    expect(example.code).toBe(0);
    const [run] = JSON.parse(cli('runs', '--dir', dir, '--json').stdout) as Array<Record<string, any>>;
    expect(run).toMatchObject({
      projectId: 'my-supervisor',
      status: 'completed',
      config: { llm: { model: 'gpt-4o', temperature: 0.2 }, maxRetries: 3 },
      inputTokens: 1500,
      outputTokens: 800,
      completedIssues: 1,
    });
    expect(run!.costUsd).toBeGreaterThan(0);
    const types = journalEntries(runPaths(dir, run!.runId as string).journal).map((l) => l.type);
    expect(types.filter((t) => t === 'AgentFinished' || t === 'ToolCallEnded' || t === 'TokensUsed')).toHaveLength(3);
  });
});

describe('runledger serve --run-attribute, as a process', () => {
  it('the CLI flags reach /v1/traces: the run is named by the resource attribute, the issue by --issue-attribute', async () => {
    const dir = tempDir();
    const child = new Child(CLI, ['serve', '--dir', dir, '--port', '0', '--run-attribute', 'app.run', '--issue-attribute', 'app.ticket']);
    try {
      const ready = await child.waitFor((m) => typeof m.raw === 'string' && m.raw.includes('listening on'), 'the listening line');
      const url = /listening on (http:\/\/\S+)/.exec(ready.raw as string)![1]!;
      const spans = await recordTrace({ 'app.run': 'cli-run-1', 'app.ticket': 'T-9' }, chatSpan(0));
      const exporter = otlpExporter(url, 'protobuf');
      expect((await exportSpans(exporter, [...spans.values()])).code).toBe(0);
      await exporter.shutdown();
      const lines = journalEntries(runPaths(dir, 'cli-run-1').journal);
      expect(lines.map((l) => l.type)).toEqual(['RunStarted', 'IssueStarted', 'TokensUsed', 'IssueFinished']);
      expect(lines[1]!.data.issueId).toBe('T-9');
    } finally {
      await child.destroy();
    }
  });
});
