import { attributeOf, type AttributeValue, type OtlpSpan } from './otlp-span.js';

/**
 * The OpenTelemetry GenAI semantic conventions (status "Development") that runledger reads, each
 * with the names it had before: the current name first. Instrumentations written against v1.36 or
 * earlier (and OpenLLMetry, which named some of these itself) still send the old ones.
 */
export const GENAI = {
  operation: ['gen_ai.operation.name'],
  provider: ['gen_ai.provider.name', 'gen_ai.system'],
  agentName: ['gen_ai.agent.name'],
  toolName: ['gen_ai.tool.name'],
  requestModel: ['gen_ai.request.model'],
  responseModel: ['gen_ai.response.model'],
  temperature: ['gen_ai.request.temperature'],
  inputTokens: ['gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens'],
  outputTokens: ['gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens'],
  cacheReadTokens: ['gen_ai.usage.cache_read.input_tokens', 'gen_ai.usage.cache_read_input_tokens'],
  cacheWriteTokens: ['gen_ai.usage.cache_creation.input_tokens', 'gen_ai.usage.cache_creation_input_tokens'],
  reasoningTokens: ['gen_ai.usage.reasoning.output_tokens', 'gen_ai.usage.reasoning_tokens'],
  errorType: ['error.type'],
} as const satisfies Record<string, readonly string[]>;

/** What a span is to runledger, from gen_ai.operation.name (or, without it, the first word of the span's name). */
export type SpanRole = 'agent' | 'tool' | 'inference' | 'other';

const ROLE_BY_OPERATION: Readonly<Record<string, SpanRole>> = {
  invoke_agent: 'agent',
  execute_tool: 'tool',
  chat: 'inference',
  text_completion: 'inference',
  generate_content: 'inference',
};

export function firstAttribute(span: OtlpSpan, names: readonly string[]): AttributeValue | undefined {
  for (const name of names) {
    const value = attributeOf(span, name);
    if (value !== undefined && value !== null) return value;
  }
  return undefined;
}

export function stringAttribute(span: OtlpSpan, names: readonly string[]): string | undefined {
  const value = firstAttribute(span, names);
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

export function numberAttribute(span: OtlpSpan, names: readonly string[]): number | undefined {
  const value = firstAttribute(span, names);
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

/** The operation, and the rest of the span's name ("execute_tool get_weather" names the tool get_weather). */
export function spanRole(span: OtlpSpan): { readonly role: SpanRole; readonly nameRest: string | undefined } {
  const [first, ...rest] = span.name.trim().split(/\s+/);
  const nameRest = rest.length > 0 ? rest.join(' ') : undefined;
  const operation = stringAttribute(span, GENAI.operation) ?? first ?? '';
  return { role: ROLE_BY_OPERATION[operation] ?? 'other', nameRest: operation === first ? nameRest : undefined };
}

/** Whether the span failed: its status is ERROR, or it names an error.type. */
export function spanError(span: OtlpSpan): string | null {
  const errorType = stringAttribute(span, GENAI.errorType);
  if (span.status !== 'error' && errorType === undefined) return null;
  const parts = [errorType, span.statusMessage].filter((part) => part !== undefined && part !== '');
  return parts.length > 0 ? parts.join(': ') : 'the span ended with status ERROR';
}
