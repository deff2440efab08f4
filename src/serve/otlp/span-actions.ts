import { GENAI, numberAttribute, spanError, spanRole, stringAttribute } from './genai-attributes.js';
import { durationMsOf, type OtlpSpan } from './otlp-span.js';

export interface TokenCounts {
  readonly model: string;
  readonly provider?: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheWriteTokens: number;
  readonly reasoningTokens: number;
}

/** What one span becomes in the journal (the mapping table of README "OpenTelemetry in"). */
export type SpanAction =
  | { readonly kind: 'agent'; readonly agentType: string; readonly error: string | null; readonly durationMs: number }
  | { readonly kind: 'tool'; readonly tool: string; readonly error: string | null; readonly durationMs: number }
  | { readonly kind: 'tokens'; readonly usage: TokenCounts }
  /** Nothing to record: not a GenAI span, or an inference span that reports no usage. */
  | { readonly kind: 'none' }
  | { readonly kind: 'refused'; readonly reason: string };

function tokenCount(span: OtlpSpan, names: readonly string[]): number | string {
  const value = numberAttribute(span, names);
  if (value === undefined) return 0;
  if (!Number.isSafeInteger(value) || value < 0) return `${names[0]} = ${value} is not a token count (an integer >= 0)`;
  return value;
}

function tokensOf(span: OtlpSpan): SpanAction {
  const names = [GENAI.inputTokens, GENAI.outputTokens, GENAI.cacheReadTokens, GENAI.cacheWriteTokens, GENAI.reasoningTokens];
  if (names.every((n) => numberAttribute(span, n) === undefined)) return { kind: 'none' };
  const counts = names.map((n) => tokenCount(span, n));
  const problem = counts.find((c): c is string => typeof c === 'string');
  if (problem !== undefined) return { kind: 'refused', reason: `span ${span.spanId}: ${problem}` };
  const [input, output, cacheRead, cacheWrite, reasoning] = counts as number[];
  const model = stringAttribute(span, GENAI.responseModel) ?? stringAttribute(span, GENAI.requestModel);
  if (model === undefined)
    return {
      kind: 'refused',
      reason: `span ${span.spanId} reports token usage but names no model (gen_ai.response.model or gen_ai.request.model)`,
    };
  const provider = stringAttribute(span, GENAI.provider);
  return {
    kind: 'tokens',
    usage: {
      model,
      ...(provider === undefined ? {} : { provider }),
      // The conventions count cached tokens inside input_tokens and reasoning inside output_tokens;
      // an instrumentation that reports them on top (as Anthropic's API does) is read that way.
      inputTokens: cacheRead! + cacheWrite! > input! ? input! + cacheRead! + cacheWrite! : input!,
      outputTokens: reasoning! > output! ? output! + reasoning! : output!,
      cacheReadTokens: cacheRead!,
      cacheWriteTokens: cacheWrite!,
      reasoningTokens: reasoning!,
    },
  };
}

export function spanAction(span: OtlpSpan): SpanAction {
  const { role, nameRest } = spanRole(span);
  switch (role) {
    case 'agent':
      return {
        kind: 'agent',
        agentType: stringAttribute(span, GENAI.agentName) ?? nameRest ?? 'agent',
        error: spanError(span),
        durationMs: durationMsOf(span),
      };
    case 'tool':
      return {
        kind: 'tool',
        tool: stringAttribute(span, GENAI.toolName) ?? nameRest ?? 'tool',
        error: spanError(span),
        durationMs: durationMsOf(span),
      };
    case 'inference':
      return tokensOf(span);
    case 'other':
      return { kind: 'none' };
    default: {
      const unhandled: never = role;
      throw new Error(`spanAction: unhandled role ${String(unhandled)}`);
    }
  }
}
