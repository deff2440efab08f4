import type { EventData } from '../../events/registry.js';
import type { IssueId } from '../../events/fields.js';
import type { PriceBook } from '../prices/price-book.js';

export interface SourceTokens {
  readonly model: string;
  readonly provider: string | null;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadTokens?: number;
  readonly cacheWriteTokens?: number;
  readonly reasoningTokens?: number;
  /** The cost the source reported; null when it reported none, or a value its format uses for "unknown". */
  readonly reportedCostUsd: number | null;
  readonly issueId: IssueId | null;
  readonly agentId: string | null;
}

/**
 * A TokensUsed record of imported usage: the tokens priced with the price book at the source's
 * time, as the collector prices recorded ones, and the source's own cost kept beside them as
 * `reportedCostUsd` (README "Costs": reports prefer it). Reasoning tokens beyond the output count
 * are counted into the output, since the output always includes them.
 */
export function tokenRecord(prices: PriceBook, tokens: SourceTokens, at: Date): EventData<'TokensUsed'> {
  const reasoningTokens = tokens.reasoningTokens ?? 0;
  const outputTokens = Math.max(tokens.outputTokens, reasoningTokens);
  const cacheReadTokens = tokens.cacheReadTokens ?? 0;
  const cacheWriteTokens = tokens.cacheWriteTokens ?? 0;
  const quote = prices.quote(
    { model: tokens.model, provider: tokens.provider, inputTokens: tokens.inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens },
    at,
  );
  return {
    model: tokens.model,
    provider: tokens.provider,
    inputTokens: tokens.inputTokens,
    outputTokens,
    cacheReadTokens,
    cacheWriteTokens,
    reasoningTokens,
    cost: quote.cost,
    priceSource: quote.priceSource,
    issueId: tokens.issueId,
    agentId: tokens.agentId,
    ...(tokens.reportedCostUsd === null ? {} : { reportedCostUsd: tokens.reportedCostUsd }),
  };
}

/**
 * A record that says "this work cost something, but the source does not say how much": no tokens,
 * no price, no reported cost. The run's cost then reads as unknown (README "Costs": an unpriced
 * record), never as $0 — which a run with no token record at all would show.
 */
export function unknownCostRecord(model: string, provider: string | null, issueId: IssueId | null): EventData<'TokensUsed'> {
  return {
    model,
    provider,
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    cost: null,
    priceSource: { kind: 'none' },
    issueId,
    agentId: null,
  };
}
