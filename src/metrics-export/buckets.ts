/**
 * Histogram bucket upper bounds, in seconds. Fixed, so that every scrape of every folder has the
 * same `le` labels and `histogram_quantile` can sum them across instances.
 */
export const TOOL_CALL_BUCKETS: readonly number[] = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
export const AGENT_BUCKETS: readonly number[] = [1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200];
export const ISSUE_BUCKETS: readonly number[] = [10, 30, 60, 300, 600, 1800, 3600, 7200, 14_400, 43_200, 86_400];

/** Observations of one histogram series: a count per bucket (not cumulative; the last is beyond every bound), their number and sum. */
export interface BucketCounts {
  readonly counts: number[];
  count: number;
  /** In milliseconds, as the journals record durations: whole-number sums stay exact. */
  sumMs: number;
}

export function emptyBucketCounts(bounds: readonly number[]): BucketCounts {
  return { counts: new Array<number>(bounds.length + 1).fill(0), count: 0, sumMs: 0 };
}

export function observeMs(into: BucketCounts, bounds: readonly number[], durationMs: number): void {
  const seconds = durationMs / 1000;
  let bucket = bounds.findIndex((bound) => seconds <= bound);
  if (bucket === -1) bucket = bounds.length;
  into.counts[bucket]! += 1;
  into.count += 1;
  into.sumMs += durationMs;
}

export function addBucketCounts(into: BucketCounts, from: BucketCounts): void {
  for (let i = 0; i < from.counts.length; i += 1) into.counts[i]! += from.counts[i]!;
  into.count += from.count;
  into.sumMs += from.sumMs;
}
