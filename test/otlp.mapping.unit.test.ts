import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { describe, expect, it } from 'vitest';
import { configOf, runIdOfSpan, issueIdOfSpan } from '../src/serve/otlp/run-attribution.js';
import { loadOtlpProtobuf } from '../src/serve/otlp/otlp-protobuf.js';
import { spansOfRequest } from '../src/serve/otlp/otlp-request.js';
import type { AttributeValue, OtlpSpan } from '../src/serve/otlp/otlp-span.js';
import { spanAction } from '../src/serve/otlp/span-actions.js';
import { recordTrace } from './helpers/otel.js';

/** The span-to-event mapping (README "OpenTelemetry in"), the run attribution, and both decoders against the SDK's own encoders. */

function span(name: string, attributes: Record<string, AttributeValue>, extra: Partial<OtlpSpan> = {}): OtlpSpan {
  return {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    parentSpanId: null,
    name,
    startNs: 1_000_000_000n,
    endNs: 3_500_000_000n,
    status: 'unset',
    statusMessage: '',
    attributes: new Map(Object.entries(attributes)),
    resource: new Map(),
    ...extra,
  };
}

describe('span → event mapping', () => {
  it('invoke_agent: an agent named by gen_ai.agent.name (else the span name), success from the status, the span duration', () => {
    expect(spanAction(span('invoke_agent', { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'reviewer' }))).toEqual({
      kind: 'agent',
      agentType: 'reviewer',
      error: null,
      durationMs: 2500,
    });
    expect(spanAction(span('invoke_agent Triage', {}, { status: 'error', statusMessage: 'gave up' }))).toEqual({
      kind: 'agent',
      agentType: 'Triage',
      error: 'gave up',
      durationMs: 2500,
    });
  });

  it('execute_tool: a tool call, failed by status ERROR or by error.type', () => {
    expect(spanAction(span('execute_tool', { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'grep' }))).toMatchObject({
      kind: 'tool',
      tool: 'grep',
      error: null,
    });
    expect(spanAction(span('execute_tool shell', { 'error.type': 'timeout' }))).toMatchObject({
      kind: 'tool',
      tool: 'shell',
      error: 'timeout',
    });
    expect(spanAction(span('execute_tool shell', {}, { status: 'error' }))).toMatchObject({ error: 'the span ended with status ERROR' });
  });

  it('chat, text_completion, generate_content: token usage under the current names and the pre-1.37 ones', () => {
    const current = {
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.request.model': 'claude-sonnet-4',
      'gen_ai.response.model': 'claude-sonnet-4-20250514',
      'gen_ai.usage.input_tokens': 1200,
      'gen_ai.usage.output_tokens': 300,
      'gen_ai.usage.cache_read.input_tokens': 1000,
      'gen_ai.usage.cache_creation.input_tokens': 100,
      'gen_ai.usage.reasoning.output_tokens': 120,
    };
    expect(spanAction(span('chat claude', { 'gen_ai.operation.name': 'chat', ...current }))).toEqual({
      kind: 'tokens',
      usage: {
        model: 'claude-sonnet-4-20250514',
        provider: 'anthropic',
        inputTokens: 1200,
        outputTokens: 300,
        cacheReadTokens: 1000,
        cacheWriteTokens: 100,
        reasoningTokens: 120,
      },
    });
    const old = {
      'gen_ai.system': 'openai',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.usage.prompt_tokens': 50,
      'gen_ai.usage.completion_tokens': 7,
      'gen_ai.usage.cache_read_input_tokens': 20,
      'gen_ai.usage.reasoning_tokens': 3,
    };
    for (const operation of ['chat', 'text_completion', 'generate_content']) {
      expect(spanAction(span(operation, { 'gen_ai.operation.name': operation, ...old }))).toEqual({
        kind: 'tokens',
        usage: {
          model: 'gpt-4o',
          provider: 'openai',
          inputTokens: 50,
          outputTokens: 7,
          cacheReadTokens: 20,
          cacheWriteTokens: 0,
          reasoningTokens: 3,
        },
      });
    }
  });

  it('cache tokens reported on top of input_tokens (as Anthropic counts them) are added to it, never refused', () => {
    const action = spanAction(
      span('chat', {
        'gen_ai.request.model': 'claude',
        'gen_ai.usage.input_tokens': 10,
        'gen_ai.usage.output_tokens': 5,
        'gen_ai.usage.cache_read.input_tokens': 900,
      }),
    );
    expect(action).toMatchObject({ kind: 'tokens', usage: { inputTokens: 910, cacheReadTokens: 900 } });
  });

  it('nothing for spans that are not GenAI or report no usage; refused, with why, for a bad count or no model', () => {
    expect(spanAction(span('GET /issues', { 'http.method': 'GET' }))).toEqual({ kind: 'none' });
    expect(spanAction(span('chat', { 'gen_ai.request.model': 'gpt-4o' }))).toEqual({ kind: 'none' });
    expect(spanAction(span('chat', { 'gen_ai.usage.input_tokens': 5 }))).toMatchObject({
      kind: 'refused',
      reason: expect.stringContaining('names no model'),
    });
    expect(spanAction(span('chat', { 'gen_ai.request.model': 'm', 'gen_ai.usage.input_tokens': 1.5 }))).toMatchObject({
      kind: 'refused',
      reason: expect.stringContaining('gen_ai.usage.input_tokens = 1.5 is not a token count'),
    });
  });
});

describe('runs, issues and config from attributes', () => {
  const attribution = { runAttribute: null, issueAttribute: 'runledger.issue_id' };

  it('one run per trace by default; per the named attribute, on the span or its resource', () => {
    expect(runIdOfSpan(span('x', {}), attribution)).toEqual({ runId: '0af7651916cd43dd8448eb211c80319c' });
    const named = { ...attribution, runAttribute: 'runledger.run_id' };
    expect(runIdOfSpan(span('x', {}, { resource: new Map([['runledger.run_id', 'nightly-1']]) }), named)).toEqual({ runId: 'nightly-1' });
    expect(runIdOfSpan(span('x', { 'runledger.run_id': 'a/b' }), named)).toMatchObject({
      problem: expect.stringContaining('is not a run id'),
    });
    expect(runIdOfSpan(span('x', {}), named)).toMatchObject({ problem: 'no runledger.run_id attribute on the span or its resource' });
  });

  it('issue ids: integers and file-name-safe strings', () => {
    expect(issueIdOfSpan(span('x', { 'runledger.issue_id': 42 }), attribution)).toEqual({ issueId: 42 });
    expect(issueIdOfSpan(span('x', { 'runledger.issue_id': 'PROJ-7' }), attribution)).toEqual({ issueId: 'PROJ-7' });
    expect(issueIdOfSpan(span('x', { 'runledger.issue_id': '../x' }), attribution)).toEqual({ invalid: '../x' });
    expect(issueIdOfSpan(span('x', {}), attribution)).toEqual({ issueId: null });
  });

  it('config: runledger.config.* (nested by dots) first, then the model, provider and temperature of the first span naming a model', () => {
    const tool = span('execute_tool', { 'runledger.config.maxRetries': 2 });
    const chat = span(
      'chat',
      { 'gen_ai.request.model': 'gpt-4o', 'gen_ai.system': 'openai', 'gen_ai.request.temperature': 0.3 },
      {
        resource: new Map<string, AttributeValue>([
          ['runledger.config.llm.top_p', 0.9],
          ['runledger.config.prompt', 'v2'],
        ]),
      },
    );
    expect(configOf([tool, chat])).toEqual({
      maxRetries: 2,
      prompt: 'v2',
      llm: { top_p: 0.9, model: 'gpt-4o', provider: 'openai', temperature: 0.3 },
    });
    expect(configOf([tool])).toBeNull();
    expect(configOf([span('x', { 'runledger.config.llm.model': 'local-llama' })])).toEqual({ llm: { model: 'local-llama' } });
  });
});

describe('decoding', () => {
  it("the SDK's own JSON and protobuf serializations decode to the same spans", async () => {
    const spans = await recordTrace(
      { 'service.name': 'svc', 'runledger.config.tags': ['a', 'b'] },
      {
        name: 'invoke_agent root',
        startMs: 0,
        endMs: 50,
        attributes: { 'gen_ai.agent.name': 'root', big: 2 ** 40, ratio: 0.5, ok: true },
        children: [{ name: 'chat m', startMs: 10, endMs: 20, error: 'rate limited', attributes: { 'gen_ai.usage.input_tokens': 3 } }],
      },
    );
    const readable = [...spans.values()];
    const json = JSON.parse(new TextDecoder().decode(JsonTraceSerializer.serializeRequest(readable)));
    const fromJson = spansOfRequest(json);
    const codec = await loadOtlpProtobuf();
    const fromProtobuf = codec.decodeRequest(ProtobufTraceSerializer.serializeRequest(readable)!);
    expect(fromProtobuf).toEqual(fromJson);
    const child = fromJson.find((s) => s.name === 'chat m')!;
    const root = fromJson.find((s) => s.name === 'invoke_agent root')!;
    expect(child).toMatchObject({ parentSpanId: root.spanId, status: 'error', statusMessage: 'rate limited', traceId: root.traceId });
    expect(child.endNs - child.startNs).toBe(10_000_000n);
    expect(root.parentSpanId).toBeNull();
    expect(Object.fromEntries(root.attributes)).toEqual({ 'gen_ai.agent.name': 'root', big: 2 ** 40, ratio: 0.5, ok: true });
    expect(root.resource.get('runledger.config.tags')).toEqual(['a', 'b']);
  });

  it('ExportTraceServiceResponse: empty when all spans were taken, partial_success otherwise', async () => {
    const codec = await loadOtlpProtobuf();
    expect(codec.encodeResponse(0, '')).toHaveLength(0);
    const partial = Buffer.from(codec.encodeResponse(2, 'why'));
    // field 1 (partial_success, length-delimited) holding field 1 rejected_spans = 2 and field 2 error_message = "why".
    expect([...partial]).toEqual([0x0a, 0x07, 0x08, 0x02, 0x12, 0x03, 0x77, 0x68, 0x79]);
  });
});
