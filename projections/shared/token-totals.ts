import type { EventData } from '../../events/registry.js';

/** Token and cost totals, as the run, issue and agent read models carry them. */
export interface TokenTotals {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  /** Sum over priced records only; see `unpricedRecords`. */
  costUsd: number;
  tokenRecords: number;
  /** Records whose model had no price: their cost is unknown, never counted as $0, and `costUsd` is a lower bound. */
  unpricedRecords: number;
  /** Input plus output tokens of the unpriced records. */
  unpricedTokens: number;
  /** Records carrying a provider-reported cost: `costUsd` uses it rather than the computed cost. */
  reportedRecords: number;
  /** Σ (reported − computed) over the records that have both: how far the bill is from runledger's price. */
  reportedMinusComputedUsd: number;
}

/** The known cost: null when every token record is unpriced (nothing is known); a lower bound when some are. */
export function knownCost(totals: Pick<TokenTotals, 'costUsd' | 'tokenRecords' | 'unpricedRecords'>): number | null {
  return totals.unpricedRecords > 0 && totals.unpricedRecords === totals.tokenRecords ? null : totals.costUsd;
}

export function emptyTokenTotals(): TokenTotals {
  return {
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    costUsd: 0,
    tokenRecords: 0,
    unpricedRecords: 0,
    unpricedTokens: 0,
    reportedRecords: 0,
    reportedMinusComputedUsd: 0,
  };
}

export function addTokens(totals: TokenTotals, usage: EventData<'TokensUsed'>): void {
  totals.inputTokens += usage.inputTokens;
  totals.outputTokens += usage.outputTokens;
  totals.cacheReadTokens += usage.cacheReadTokens;
  totals.cacheWriteTokens += usage.cacheWriteTokens;
  totals.reasoningTokens += usage.reasoningTokens;
  totals.tokenRecords += 1;
  // A provider-reported cost wins over the computed one; a record with neither is unpriced.
  if (usage.reportedCostUsd !== undefined) {
    totals.reportedRecords += 1;
    totals.costUsd += usage.reportedCostUsd;
    if (usage.cost !== null) totals.reportedMinusComputedUsd += usage.reportedCostUsd - usage.cost.totalUsd;
  } else if (usage.cost === null) {
    totals.unpricedRecords += 1;
    totals.unpricedTokens += usage.inputTokens + usage.outputTokens;
  } else totals.costUsd += usage.cost.totalUsd;
}
