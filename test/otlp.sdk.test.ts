import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPaths, verifyRun } from '../src/index.js';
import { journalEntries } from './helpers/child.js';
import { exportSpans, otlpExporter, recordTrace, type Encoding, type SpanSpec } from './helpers/otel.js';
import { testServer } from './helpers/serve.js';
import { tempDir } from './helpers/temp-dir.js';

/**
 * OpenTelemetry GenAI spans in: the real OTel JS SDK's OTLP/HTTP exporters (JSON and protobuf, gzip
 * too) send a supervisor's spans to `runledger serve`, split over several exports, children before
 * their parents, one export retried; then `runs`, `show` and `compare` read the runs they made.
 */

const CLI = path.resolve('dist/src/cli/main.js');
const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

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
  ] as const)('%s (gzip %s): agents, tool calls and token usage, each span once; the run ends with its root span', async (encoding, gzip) => {
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
      { spanId: id('text_completion'), model: 'gpt-4o', provider: 'openai', inputTokens: 500, outputTokens: 50, agentId: coder, issueId: 42 },
      { spanId: id('chat'), model: 'gpt-4o', provider: 'openai', inputTokens: 1000, outputTokens: 200, cacheReadTokens: 400, agentId: planner },
    ]);
    for (const usage of data('TokensUsed')) expect((usage.cost as { totalUsd: number }).totalUsd).toBeGreaterThan(0);
    expect(data('IssueFinished')).toMatchObject([{ issueId: 42, status: 'completed', durationMs: 9000 }]);
    expect(data('RunFinished')).toMatchObject([{ status: 'completed', durationMs: 9000 }]);
    expect((await verifyRun(dir, traceId)).verdict).toBe('intact');
    expect(server.openRunIds).toEqual([]);
  });
});
