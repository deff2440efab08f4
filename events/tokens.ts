import { z } from 'zod';
import { Identifier, IssueId, TokenCount, Usd } from './fields.js';

export const PriceSource = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('package'),
    package: Identifier,
    version: Identifier,
    providerId: Identifier,
    modelId: Identifier,
  }),
  z.strictObject({
    kind: z.literal('override'),
    file: z.string().max(4096),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    entry: Identifier,
  }),
  /** No price known for this model: the cost is unpriced (null), never $0. */
  z.strictObject({ kind: z.literal('none') }),
]);
export type PriceSource = z.infer<typeof PriceSource>;

export const Cost = z.strictObject({
  totalUsd: Usd,
  inputUsd: Usd,
  outputUsd: Usd,
});
export type Cost = z.infer<typeof Cost>;

/** The fields of TokensUsed, each checked alone; TokensUsed adds the rules between them. */
export const TokensUsedFields = z.strictObject({
  model: Identifier,
  provider: Identifier.nullable(),
  inputTokens: TokenCount,
  outputTokens: TokenCount,
  cacheReadTokens: TokenCount,
  cacheWriteTokens: TokenCount,
  reasoningTokens: TokenCount,
  cost: Cost.nullable(),
  priceSource: PriceSource,
  issueId: IssueId.nullable(),
  agentId: Identifier.nullable(),
  /**
   * The cost the provider or gateway billed for this call (OpenRouter `usage.cost`, LiteLLM
   * `response_cost`), as the caller passed it; absent when not given. Reports prefer it to `cost`.
   */
  reportedCostUsd: Usd.optional(),
  /**
   * The OpenTelemetry span this usage came from (16 hex digits), when `runledger serve` received it
   * over OTLP; absent otherwise. It is what makes an exporter's retry of the span not a second record.
   */
  spanId: z
    .string()
    .regex(/^[0-9a-f]{16}$/)
    .optional(),
});

/** What breaks the rules between TokensUsed's fields; empty when they hold. */
export function tokensUsedInconsistencies(t: z.infer<typeof TokensUsedFields>): Array<{ path: string; input: unknown; message: string }> {
  const problems: Array<{ path: string; input: unknown; message: string }> = [];
  if (t.cacheReadTokens + t.cacheWriteTokens > t.inputTokens) {
    problems.push({
      path: 'cacheReadTokens',
      input: t.cacheReadTokens + t.cacheWriteTokens,
      message: `cacheReadTokens + cacheWriteTokens must not exceed inputTokens (${t.inputTokens}): cache tokens are parts of the input, not added on top`,
    });
  }
  if (t.reasoningTokens > t.outputTokens) {
    problems.push({
      path: 'reasoningTokens',
      input: t.reasoningTokens,
      message: `reasoningTokens must not exceed outputTokens (${t.outputTokens}): reasoning is part of the output`,
    });
  }
  if ((t.cost === null) !== (t.priceSource.kind === 'none')) {
    problems.push({ path: 'cost', input: t.cost, message: 'cost is null exactly when priceSource is "none"' });
  }
  return problems;
}

/**
 * inputTokens counts all input; cacheReadTokens and cacheWriteTokens are parts of it.
 * reasoningTokens are part of outputTokens.
 */
export const TokensUsed = TokensUsedFields.superRefine((t, ctx) => {
  for (const problem of tokensUsedInconsistencies(t))
    ctx.addIssue({ code: 'custom', path: [problem.path], input: problem.input, message: problem.message });
});
