import type { CollectorLegResult, LegResult } from './leg.js';

export interface Comparison {
  readonly name: string;
  readonly baseline: () => LegResult | Promise<LegResult>;
  readonly collector: () => Promise<CollectorLegResult>;
}

export interface ComparisonLegs {
  readonly baseline: LegResult[];
  readonly collector: CollectorLegResult[];
}

/** Lets timers run between legs: the run lock's refresh timer must not starve behind a sync loop. */
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Runs every comparison once per round, baseline and collector back to back on the same disk.
 * Odd rounds run the collector first, so a drift in disk or CPU speed hits both sides alike.
 */
export async function interleave(
  rounds: number,
  comparisons: readonly Comparison[],
  onRound: (round: number) => void,
): Promise<Map<string, ComparisonLegs>> {
  const legs = new Map(comparisons.map((c): [string, ComparisonLegs] => [c.name, { baseline: [], collector: [] }]));
  for (let round = 0; round < rounds; round += 1) {
    for (const comparison of comparisons) {
      const mine = legs.get(comparison.name)!;
      const order = round % 2 === 0 ? (['baseline', 'collector'] as const) : (['collector', 'baseline'] as const);
      for (const side of order) {
        if (side === 'baseline') mine.baseline.push(await comparison.baseline());
        else mine.collector.push(await comparison.collector());
        await yieldToEventLoop();
      }
    }
    onRound(round + 1);
  }
  return legs;
}
