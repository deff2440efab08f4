import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileAcceptor } from '../events/fast-accept.js';
import { EVENT_SCHEMAS, EVENT_TYPES, fastAcceptorOf, validateEventData, type EventType } from '../events/registry.js';
import { z } from 'zod';

/** One valid `data` per event type, as the collector writes them. */
const VALID: Partial<Record<EventType, Record<string, unknown>>> = {
  RunStarted: {
    projectId: 'shop-backend',
    runId: 'run-1',
    config: {
      llm: { provider: 'openai', model: 'gpt-4o', temperature: 0.7, extra: { depth: [1, 'two', null, { x: true }] } },
      maxRetries: 3,
      planner: { depth: 2, $map: [] },
    },
    runledgerVersion: '0.1.0',
    priceTable: { package: '@pydantic/genai-prices', version: '0.1.8', overrideFile: null, overrideSha256: null },
    host: { hostname: 'box', pid: 42, platform: 'linux', nodeVersion: 'v20.20.2' },
    lockStaleMs: 10_000,
  },
  IssueStarted: { issueId: 3, title: 'Add login endpoint', labels: ['backend'] },
  AgentStarted: { agentId: 'agent-1', agentType: 'coding', issueId: 3, attempt: 1 },
  AgentFinished: { agentId: 'agent-1', agentType: 'coding', issueId: 'ISS-3', success: false, durationMs: 1234.5, error: 'exit 1' },
  ToolCallStarted: { callId: 'call-1', tool: 'run_tests', issueId: null, agentId: 'agent-1' },
  ToolCallEnded: { callId: 'call-1', tool: 'run_tests', success: true, durationMs: 0, error: null },
  TokensUsed: {
    model: 'gpt-4o',
    provider: 'openai',
    inputTokens: 1500,
    outputTokens: 800,
    cacheReadTokens: 150,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    cost: { totalUsd: 0.011, inputUsd: 0.003, outputUsd: 0.008 },
    priceSource: { kind: 'package', package: '@pydantic/genai-prices', version: '0.1.8', providerId: 'openai', modelId: 'gpt-4o' },
    issueId: 3,
    agentId: 'agent-1',
  },
  PipelineFinished: {
    pipelineId: 'p1',
    commitSha: 'abc123',
    status: 'failed',
    triggeredBy: 'testing',
    attempt: 2,
    durationMs: null,
    failingTests: 3,
    issueId: 3,
  },
  DebuggingCycleRecorded: {
    cycle: 1,
    trigger: 'pipeline_failed',
    failingTests: 2,
    resolved: true,
    durationMs: 5000,
    issueId: 3,
    agentId: null,
  },
  ErrorRecorded: { kind: 'tool', message: 'boom', recoverable: true, issueId: 3, agentId: null, callId: null, tool: 'run_tests' },
  IssueFinished: {
    issueId: 3,
    status: 'completed',
    code: { filesCreated: 1, filesModified: 2, filesDeleted: 0, linesAdded: 10, linesRemoved: 2, testsAdded: 1, coveragePercent: 88.5 },
    durationMs: 60000,
  },
  RunFinished: { status: 'completed', durationMs: 1000, reason: null },
};

/** Values that sit on and around the schemas' limits, and of every JSON kind. */
const tricky = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(
    0,
    -0,
    -1,
    1,
    0.5,
    1.5,
    2,
    100,
    100.5,
    1e12,
    1e12 + 1,
    Number.MAX_SAFE_INTEGER,
    Number.MAX_SAFE_INTEGER + 2,
    NaN,
    Infinity,
    -Infinity,
  ),
  fc.constantFrom(
    '',
    'a',
    'x'.repeat(128),
    'x'.repeat(129),
    'x'.repeat(256),
    'x'.repeat(257),
    'x'.repeat(16_384),
    'x'.repeat(16_385),
    'a/b',
    '3',
    'f'.repeat(64),
  ),
  fc.constantFrom(
    null,
    undefined,
    true,
    false,
    [],
    {},
    ['a'],
    [''],
    Array.from({ length: 257 }, () => 'l'),
  ),
  fc.constantFrom('package', 'override', 'none', 'completed', 'failed', 'skipped', 'success', 'canceled', 'interrupted', 'crashed'),
);

/** A valid record changed in a few places: fields replaced, removed or added, nested objects too. */
function mutated(base: Record<string, unknown>): fc.Arbitrary<unknown> {
  const keys = Object.keys(base);
  const change = fc.oneof(
    fc.record({ kind: fc.constant('set' as const), key: fc.constantFrom(...keys), value: tricky }),
    fc.record({ kind: fc.constant('delete' as const), key: fc.constantFrom(...keys), value: fc.constant(null) }),
    fc.record({
      kind: fc.constant('add' as const),
      key: fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'extra')),
      value: tricky,
    }),
    fc.record({
      kind: fc.constant('nested' as const),
      key: fc.constantFrom(...keys),
      value: fc.dictionary(
        fc.constantFrom(
          'kind',
          'totalUsd',
          'inputUsd',
          'outputUsd',
          'linesAdded',
          'coveragePercent',
          'x',
          'llm',
          'model',
          'temperature',
          'maxRetries',
          '__proto__',
          'pid',
        ),
        tricky,
      ),
    }),
    fc.record({
      kind: fc.constant('llm' as const),
      key: fc.constantFrom('model', 'provider', 'temperature', 'other', '__proto__'),
      value: fc.oneof(tricky, fc.constantFrom('unknown', ' Unknown ', 'UNKNOWN')),
    }),
  );
  return fc.array(change, { minLength: 0, maxLength: 3 }).map((changes) => {
    // Built as JSON.parse would build it: a "__proto__" key becomes an own property.
    const copy = JSON.parse(JSON.stringify(base)) as Record<string, unknown>;
    for (const c of changes) {
      if (c.kind === 'delete') delete copy[c.key];
      else if (c.kind === 'llm') {
        const config = copy.config as { llm?: Record<string, unknown> } | undefined;
        if (config?.llm && typeof config.llm === 'object')
          Object.defineProperty(config.llm, c.key, { value: c.value, enumerable: true, writable: true, configurable: true });
      } else if (c.kind === 'nested') {
        const inner = copy[c.key];
        copy[c.key] = inner && typeof inner === 'object' && !Array.isArray(inner) ? { ...inner, ...(c.value as object) } : c.value;
      } else Object.defineProperty(copy, c.key, { value: c.value, enumerable: true, writable: true, configurable: true });
    }
    return copy;
  });
}

describe('fast acceptance of event data', () => {
  it('accepts only what the zod schema accepts, for every event type (mutated valid events, limits, wrong kinds)', () => {
    for (const type of EVENT_TYPES) {
      const base = VALID[type];
      const accept = fastAcceptorOf(type);
      if (!base || !accept) continue;
      fc.assert(
        fc.property(mutated(base), (data) => {
          if (accept(data)) expect(EVENT_SCHEMAS[type].safeParse(data).success).toBe(true);
        }),
        { numRuns: 400 },
      );
    }
  });

  it('says yes to the valid events, so the fast path is the one taken', () => {
    for (const [type, data] of Object.entries(VALID) as Array<[EventType, unknown]>) {
      expect(EVENT_SCHEMAS[type].safeParse(data).success).toBe(true);
      expect(fastAcceptorOf(type)?.(data), type).toBe(true);
    }
  });

  it('leaves TokensUsed with inconsistent fields to zod, which refuses them with its message', () => {
    const tokens = VALID.TokensUsed!;
    for (const bad of [
      { ...tokens, cacheReadTokens: 2000 },
      { ...tokens, reasoningTokens: 900 },
      { ...tokens, cost: null },
    ]) {
      expect(fastAcceptorOf('TokensUsed')!(bad)).toBe(false);
      expect(() => validateEventData('TokensUsed', bad)).toThrow(/must not exceed|exactly when/);
    }
  });

  it('compiles nothing it cannot read: untrusted refinements, checked record keys, formats and objects that strip unknown keys go to zod', () => {
    expect(compileAcceptor(z.string().refine((s) => s !== 'x'))).toBeNull();
    expect(compileAcceptor(z.strictObject({ a: z.lazy(() => z.string().refine((s) => s !== 'x')) }))!({ a: 'y' })).toBe(false);
    expect(compileAcceptor(z.record(z.string().min(2), z.number()))).toBeNull();
    expect(compileAcceptor(z.object({ a: z.string() }))).toBeNull();
    expect(compileAcceptor(z.string().email())).toBeNull();
    expect(compileAcceptor(z.strictObject({ a: z.string().max(2) }))!({ a: 'abc' })).toBe(false);
    expect(compileAcceptor(z.strictObject({ a: z.int().min(1) }))!({ a: 1.5 })).toBe(false);
    expect(compileAcceptor(z.strictObject({ a: z.number().optional() }))!({})).toBe(true);
  });

  it('compiles recursive JSON values (lazy, records, arrays) and trusted refinements only', () => {
    type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
    const json: z.ZodType<Json> = z.lazy(() =>
      z.union([z.null(), z.boolean(), z.number(), z.string(), z.array(json), z.record(z.string(), json)]),
    );
    const accept = compileAcceptor(json)!;
    expect(accept({ a: [1, { b: null, c: 'x' }], d: true })).toBe(true);
    expect(accept({ a: [1, { b: undefined }] })).toBe(false);
    expect(accept(JSON.parse('{"__proto__": 1}'))).toBe(false);
    expect(accept(new Date())).toBe(false);
    expect(fastAcceptorOf('RunStarted')!(VALID.RunStarted)).toBe(true);
    const named = (model: string) => ({ ...VALID.RunStarted, config: { llm: { model } } });
    expect(fastAcceptorOf('RunStarted')!(named(' Unknown'))).toBe(false);
    expect(() => validateEventData('RunStarted', named(' Unknown'))).toThrow(/never "unknown"/);
  });

  it('a discriminated union asks the options its key names: yes for each valid option, never for what zod refuses', () => {
    const shape = z.discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('a'), n: z.int().min(1) }),
      z.strictObject({ kind: z.literal(['b', 'c']), s: z.string().max(3) }),
      z.strictObject({ kind: z.literal('d') }),
    ]);
    const accept = compileAcceptor(shape)!;
    for (const valid of [{ kind: 'a', n: 2 }, { kind: 'b', s: 'xy' }, { kind: 'c', s: '' }, { kind: 'd' }])
      expect(accept(valid)).toBe(true);
    const value = fc.oneof(fc.constantFrom('a', 'b', 'c', 'd', 'e', 1, 0, null, undefined, 'xyzw', ''), fc.jsonValue({ maxDepth: 1 }));
    const candidate = fc.oneof(
      fc.record({ kind: value, n: value, s: value }, { requiredKeys: [] }),
      fc.constantFrom(null, [], 'a', 1, new Date(), Object.create({ kind: 'd' })),
    );
    fc.assert(
      fc.property(candidate, (data) => {
        if (accept(data)) expect(shape.safeParse(data).success).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses a class instance or an object with symbols even with the right fields: zod decides those', () => {
    class Started {
      callId = 'c';
      tool = 't';
      issueId = null;
      agentId = null;
    }
    expect(fastAcceptorOf('ToolCallStarted')!(new Started())).toBe(false);
    expect(fastAcceptorOf('ToolCallStarted')!({ ...VALID.ToolCallStarted, [Symbol('s')]: 1 })).toBe(false);
  });

  it('a non-enumerable field counts as absent (JSON.stringify would not write it): it cannot make room for an unknown key', () => {
    const accept = compileAcceptor(z.strictObject({ a: z.string(), b: z.string().optional() }))!;
    const hidden = { b: 'x', unknown: 'y' };
    Object.defineProperty(hidden, 'a', { value: 'z', enumerable: false });
    expect(accept(hidden)).toBe(false);
    const onlyHidden = {};
    Object.defineProperty(onlyHidden, 'a', { value: 'z', enumerable: false });
    expect(accept(onlyHidden)).toBe(false);
    expect(accept({ a: 'z', b: 'x' })).toBe(true);
  });
});
